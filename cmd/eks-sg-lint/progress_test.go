package main

import (
	"os"
	"strings"
	"sync"
	"testing"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// Updates come from the parsing goroutines at once; the line is drawn in
// place (the first read and the analysis stage always), and stop erases
// it. (How often it redraws depends on the clock, so it is not asserted.)
func TestProgressLine(t *testing.T) {
	t.Setenv(progressDelayEnv, "0s")
	var out lockedBuffer
	p := startProgress(&out)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock() // as scan.Run calls it: one at a time
			done++
			p.update("read", done, 8)
			mu.Unlock()
		}()
	}
	wg.Wait()
	p.update("analyse", 8, 8)
	p.stop()
	got := out.b.String()
	if !strings.HasPrefix(got, "\r\x1b[Keks-sg-lint: read 1 of 8 files") || !strings.HasSuffix(got, "\r\x1b[Keks-sg-lint: analysing 8 files\r\x1b[K") {
		t.Errorf("progress output %q", got)
	}
}

// /dev/null is a character device but not a terminal: `2>/dev/null` must
// not draw progress into it, and `>/dev/null` must not colour the report.
func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	t.Setenv("CI", "")
	for _, v := range ciVariables {
		t.Setenv(v, "")
	}
	t.Setenv("TERM", "xterm")
	if isTerminal(f) || wantProgress(f, false) {
		t.Errorf("isTerminal(%s) = %v, wantProgress = %v; want both false", os.DevNull, isTerminal(f), wantProgress(f, false))
	}
}
