package batchgc

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func memoryLimit() int64 { return debug.SetMemoryLimit(-1) }

// keepDefaults restores the process's settings after a test.
func keepDefaults(t *testing.T) {
	t.Helper()
	p, l := gcPercent(), memoryLimit()
	t.Cleanup(func() {
		debug.SetGCPercent(p)
		debug.SetMemoryLimit(l)
	})
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	restoreDefaults()
}

func TestConfigureSetsBatchValues(t *testing.T) {
	keepDefaults(t)
	if !Configure() {
		t.Fatal("Configure() = false with neither GOGC nor GOMEMLIMIT set")
	}
	if p, l := gcPercent(), memoryLimit(); p != Percent || l != MemoryLimit {
		t.Errorf("after Configure: GC percent %d, memory limit %d; want %d, %d", p, l, Percent, MemoryLimit)
	}
}

func TestConfigureLeavesUserSettings(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			keepDefaults(t)
			t.Setenv(env, "150")
			if Configure() {
				t.Errorf("Configure() = true with %s set", env)
			}
			if p, l := gcPercent(), memoryLimit(); p != 100 || l != math.MaxInt64 {
				t.Errorf("with %s set: GC percent %d, memory limit %d; want them untouched", env, p, l)
			}
		})
	}
}

// A live heap past three quarters of the limit brings the defaults back, so a large
// scan is never squeezed by the limit.
func TestLargeLiveHeapRestoresDefaults(t *testing.T) {
	keepDefaults(t)
	Configure()
	n := restoreAt>>20 + 10 // MiB, more than restoreAt
	live := make([][]byte, 0, n)
	for range n {
		live = append(live, make([]byte, 1<<20))
	}
	for i := 0; i < 200 && gcPercent() != 100; i++ {
		runtime.GC()
		time.Sleep(time.Millisecond) // let the cleanup goroutine run
	}
	runtime.KeepAlive(live)
	if p, l := gcPercent(), memoryLimit(); p != 100 || l != math.MaxInt64 {
		t.Errorf("with %d MiB live: GC percent %d, memory limit %d; want the defaults back", len(live), p, l)
	}
}

// A small live heap keeps the batch settings through collections.
func TestSmallLiveHeapKeepsBatchValues(t *testing.T) {
	keepDefaults(t)
	Configure()
	for range 5 {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if p, l := gcPercent(), memoryLimit(); p != Percent || l != MemoryLimit {
		t.Errorf("after collections with a small heap: GC percent %d, memory limit %d; want %d, %d", p, l, Percent, MemoryLimit)
	}
}
