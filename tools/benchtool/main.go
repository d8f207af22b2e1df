// Command benchtool is the measuring half of scripts/bench.sh (see
// docs/performance.md). It needs nothing but Go.
//
//	benchtool run [-runs N] [-warmup N] [-label S] [-exit 0,1] [-save FILE] -- PROGRAM ARGS...
//
// runs a program repeatedly (standard output discarded) and prints the
// minimum and median wall time, the median CPU time (user+system) and the
// peak resident set size of the children (getrusage); -save writes them to
// a file as "median-wall median-cpu rss-MB min-wall" (seconds). Only the exit codes
// given with -exit are accepted (default 0 and 1: eks-sg-lint exits 1 when
// it has findings, 2 when some file could not be parsed).
//
//	benchtool parse [-yaml.v3] PATH...
//
// is the parse-only floor: it finds files as eks-sg-lint does (folders
// walked for .yaml, .yml, .json and .template; .git, node_modules and
// vendor skipped), reads them and parses each into yaml.v3 node trees with
// yamltree.Parse (as parsers.Parse calls it), GOMAXPROCS files at a time,
// and does nothing else.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "run":
		os.Exit(runCmd(os.Args[2:]))
	case "parse":
		os.Exit(parseCmd(os.Args[2:]))
	}
	usage()
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchtool run [-runs N] [-warmup N] [-label S] [-exit 0,1] [-save FILE] -- PROGRAM ARGS...\n       benchtool parse [-yaml.v3] PATH...")
	os.Exit(2)
}

type sample struct {
	wall, cpu time.Duration
	rssKB     int64
}

func runCmd(args []string) int {
	fset := flag.NewFlagSet("run", flag.ExitOnError)
	runs := fset.Int("runs", 10, "timed runs")
	warmup := fset.Int("warmup", 1, "untimed runs first")
	label := fset.String("label", "", "name printed with the result")
	exits := fset.String("exit", "0,1", "accepted exit codes, comma-separated")
	save := fset.String("save", "", "also write `FILE`: median wall seconds, median CPU seconds, peak RSS MB, minimum wall seconds")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	cmdArgs := fset.Args()
	if len(cmdArgs) == 0 || *runs < 1 {
		usage()
	}
	if *label == "" {
		*label = strings.Join(cmdArgs, " ")
	}
	var samples []sample
	for i := 0; i < *warmup+*runs; i++ {
		s, err := runOnce(cmdArgs, strings.Split(*exits, ","))
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchtool: %s: %v\n", *label, err)
			return 1
		}
		if i >= *warmup {
			samples = append(samples, s)
		}
	}
	walls := make([]time.Duration, len(samples))
	cpus := make([]time.Duration, len(samples))
	var rss int64
	for i, s := range samples {
		walls[i], cpus[i] = s.wall, s.cpu
		rss = max(rss, s.rssKB)
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(cpus, func(i, j int) bool { return cpus[i] < cpus[j] })
	fmt.Printf("%-34s wall min %9s  median %9s   cpu median %9s   peak RSS %6.1f MB   (%d runs)\n",
		*label, round(walls[0]), round(walls[len(walls)/2]), round(cpus[len(cpus)/2]), float64(rss)/1024, len(samples))
	if *save != "" {
		line := fmt.Sprintf("%.6f %.6f %.1f %.6f\n", walls[len(walls)/2].Seconds(), cpus[len(cpus)/2].Seconds(), float64(rss)/1024,
			walls[0].Seconds())
		if err := os.WriteFile(*save, []byte(line), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "benchtool:", err)
			return 1
		}
	}
	return 0
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

func runOnce(args, okExits []string) (sample, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return sample{}, err
		}
		code = ee.ExitCode()
	}
	if !slices.Contains(okExits, strconv.Itoa(code)) {
		return sample{}, fmt.Errorf("exit status %d: %s", code, strings.TrimSpace(stderr.String()))
	}
	return sample{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		rssKB: peakRSS(cmd.ProcessState)}, nil
}

// Walking rules copied from scan.collect (the floor must find the same
// files).
var (
	extensions = map[string]bool{".yaml": true, ".yml": true, ".json": true, ".template": true}
	skipDirs   = map[string]bool{".git": true, "node_modules": true, "vendor": true}
)

func parseCmd(paths []string) int {
	// -yaml.v3: plain yaml.v3 node trees (every document of every file),
	// without yamltree's checks and JSON builder: a floor that does not
	// move when yamltree gets faster.
	plain := len(paths) > 0 && paths[0] == "-yaml.v3"
	if plain {
		paths = paths[1:]
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var files []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && skipDirs[d.Name()] {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && (path == p || extensions[strings.ToLower(filepath.Ext(path))]) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtool:", err)
			return 2
		}
	}
	sort.Strings(files)
	failed := make([]bool, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			data, err := os.ReadFile(f)
			if err == nil {
				trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
				isJSON := len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
				if plain {
					err = decodeYAML(data)
				} else {
					_, _, err = yamltree.Parse(data, yamltree.Options{JSON: isJSON})
				}
			}
			failed[i] = err != nil
		}()
	}
	wg.Wait()
	bad := 0
	for _, f := range failed {
		if f {
			bad++
		}
	}
	fmt.Printf("parsed %d files, %d failed\n", len(files), bad)
	return 0
}

// decodeYAML decodes every document of data into yaml.v3 nodes.
func decodeYAML(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}
