// Package batchgc sets the garbage collector up for a short-lived batch
// process: eks-sg-lint allocates its whole model in a few hundred
// milliseconds and exits, and with Go's default GOGC=100 its heap goal
// stays at a few megabytes during parsing, so it collects more than 60 times
// a run (about 18% of its CPU time, docs/performance.md).
package batchgc

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

const (
	// Percent is the GC percent while the live heap is small: the heap may
	// grow to five times what survived the last collection.
	Percent = 400
	// MemoryLimit caps that growth, so a large scan stays within the 300
	// MB of peak RSS the 10,000-template benchmark allows (its live heap
	// ends near 120 MB; peak RSS 260 MB at this limit). At 200 MiB the
	// collector ran back to back once the live heap passed about 100 MB:
	// 32 collections instead of 23 and 6.5 CPU-seconds instead of 5.0 at
	// 10,000 templates, 5.7x the time of 2,500 (docs/performance.md).
	MemoryLimit = 250 << 20
	// restoreAt is the live heap past which the defaults come back.
	restoreAt = MemoryLimit / 4 * 3
)

// Configure applies Percent and MemoryLimit, unless the user has set GOGC
// or GOMEMLIMIT (an explicit setting always wins), and reports whether it
// did. Once the live heap passes three quarters of MemoryLimit it restores
// the defaults (GOGC=100, no limit): a live heap close to the limit would
// make the collector run back to back, so very large scans run as they
// would without this package. Up to there the collector still has a
// quarter of the limit (at least a third of the live heap) to wait for.
func Configure() bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetGCPercent(Percent)
	debug.SetMemoryLimit(MemoryLimit)
	watch()
	return true
}

// watch runs check after the next collection (a cleanup runs once the
// collector has found its object unreachable), and check re-arms it.
func watch() {
	runtime.AddCleanup(new(sentinel), func(struct{}) { check() }, struct{}{})
}

// sentinel is large enough not to share a tiny-allocator block with other
// objects, which could keep it reachable.
type sentinel struct{ _ [32]byte }

var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

func check() {
	metrics.Read(liveSample)
	if liveSample[0].Value.Kind() == metrics.KindUint64 && liveSample[0].Value.Uint64() > restoreAt {
		restoreDefaults()
		return
	}
	watch()
}

func restoreDefaults() {
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
}
