package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progressDelay is how long a scan runs before progress is drawn: short
// scans (nearly all) never show it.
const progressDelay = time.Second

// progressDelayEnv overrides progressDelay (a Go duration); the tests set
// it to 0 to see the display without a slow scan.
const progressDelayEnv = "EKS_SG_LINT_PROGRESS_DELAY"

// ciVariables are set by CI systems (CI by most; Jenkins and Azure
// Pipelines set their own): progress is never drawn there, even on a
// pseudo-terminal.
var ciVariables = []string{"CI", "JENKINS_URL", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE"}

// wantProgress says whether to draw progress on stderr: a terminal that can
// move the cursor, not CI, not turned off.
func wantProgress(stderr io.Writer, off bool) bool {
	if off {
		return false
	}
	f, ok := stderr.(*os.File)
	if !ok || !isTerminal(f) || os.Getenv("TERM") == "dumb" {
		return false
	}
	for _, v := range ciVariables {
		if os.Getenv(v) != "" {
			return false
		}
	}
	return true
}

// progress draws one line on stderr, "eks-sg-lint: read 120 of 4000
// files", then "eks-sg-lint: analysing 4000 files", redrawn in place (at
// most ten times a second) once the scan has run for the delay, and erased
// by stop.
type progress struct {
	w        io.Writer
	mu       sync.Mutex
	line     string // the latest state
	armed    bool   // the delay is over: draw
	drawn    bool   // something is on the screen
	lastDraw time.Time
	timer    *time.Timer
}

const progressEvery = 100 * time.Millisecond

func startProgress(w io.Writer) *progress {
	delay := progressDelay
	if d, err := time.ParseDuration(os.Getenv(progressDelayEnv)); err == nil {
		delay = d
	}
	p := &progress{w: w}
	if delay <= 0 {
		p.armed = true
	} else {
		p.timer = time.AfterFunc(delay, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.armed = true
			p.draw()
		})
	}
	return p
}

// update is scan.Options.Progress.
func (p *progress) update(stage string, done, total int) {
	line := fmt.Sprintf("eks-sg-lint: read %d of %d files", done, total)
	if stage == "analyse" {
		line = fmt.Sprintf("eks-sg-lint: analysing %d files", total)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line = line
	if p.armed && (stage == "analyse" || time.Since(p.lastDraw) >= progressEvery) {
		p.draw()
	}
}

// draw writes the line over the previous one; p.mu is held.
func (p *progress) draw() {
	if p.line == "" {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K"+p.line)
	p.drawn, p.lastDraw = true, time.Now()
}

// stop erases the line, before the report is written.
func (p *progress) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = false
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
