package integration

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testReleaseVersion is the version the tests release (a pre-release, so
// it cannot be mistaken for a real one).
const testReleaseVersion = "v9.9.9-test.1"

// releaseAsset is the archive name scripts/release.sh gives a target.
func releaseAsset(goos, goarch string) string {
	ext := ".tar.gz"
	if goos == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("eks-sg-lint_%s_%s_%s%s", strings.TrimPrefix(testReleaseVersion, "v"), goos, goarch, ext)
}

const releaseChecksums = "eks-sg-lint_9.9.9-test.1_checksums.txt"

// runRelease runs scripts/release.sh for this machine's target only (one
// build keeps the test cheap) in the checkout src, into out.
func runRelease(src, out string, env ...string) (string, error) {
	cmd := exec.Command("bash", "-c", `umask "$RELEASE_UMASK" && exec bash scripts/release.sh "$@"`, "release", testReleaseVersion, out)
	cmd.Dir = src
	cmd.Env = append(gitEnv(), "TARGETS="+runtime.GOOS+"/"+runtime.GOARCH, "SOURCE_DATE_EPOCH=", "EKS_SG_LINT_RELEASE_ALLOW_DIRTY=", "RELEASE_UMASK=022")
	cmd.Env = append(cmd.Env, env...)
	b, err := cmd.CombinedOutput()
	return string(b), err
}

var (
	releaseOnce sync.Once
	releaseDir  string
	releaseLog  string
	releaseErr  error
)

// releaseArtifacts releases the snapshot once for all tests (the release
// test and the Action's download path) and returns the folder of the
// archives and checksums.
func releaseArtifacts(t testing.TB) string {
	t.Helper()
	src, isGit := snapshot(t)
	if !isGit {
		t.Skip("no git snapshot: the release script stamps the commit from git")
	}
	releaseOnce.Do(func() {
		releaseDir = filepath.Join(sharedDir, "release", testReleaseVersion)
		start := time.Now()
		releaseLog, releaseErr = runRelease(src, releaseDir)
		releaseLog += fmt.Sprintf("(release.sh took %v)\n", time.Since(start).Round(time.Millisecond))
	})
	if releaseErr != nil {
		t.Fatalf("scripts/release.sh: %v\n%s", releaseErr, releaseLog)
	}
	return releaseDir
}

func listDir(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func sha256Hex(t testing.TB, path string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(readFile(t, path)))
	return hex.EncodeToString(sum[:])
}

// TestReleaseReproducible runs the release script twice for this machine's
// target, the second time from a copy of the checkout at another path, with
// other file times and another umask and time zone, and wants the same
// bytes; then checks what a user gets: the checksums, the archive's entries
// and the binary's stamped version, commit and date.
//
// Both runs share the Go build cache, so the Go compiler's own
// reproducibility is not what this tests; what the script controls is: a
// path in the binary (-trimpath; a different path would miss the cache and
// embed it), the date (from the commit, never the clock), VCS stamping,
// archive order, times, owners and modes.
func TestReleaseReproducible(t *testing.T) {
	t.Parallel()
	first := releaseArtifacts(t)
	t.Log(releaseLog)
	src, _ := snapshot(t)

	elsewhere := filepath.Join(t.TempDir(), "another checkout")
	copyDir(t, src, elsewhere)
	second := filepath.Join(t.TempDir(), "out")
	if out, err := runRelease(elsewhere, second, "TZ=Pacific/Kiritimati", "RELEASE_UMASK=077"); err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	names := listDir(t, first)
	asset := releaseAsset(runtime.GOOS, runtime.GOARCH)
	if want := []string{asset, releaseChecksums}; !slices.Equal(names, slices.Sorted(slices.Values(want))) {
		t.Fatalf("release wrote %q, want %q", names, want)
	}
	if got := listDir(t, second); !slices.Equal(got, names) {
		t.Fatalf("second run wrote %q, the first %q", got, names)
	}
	for _, n := range names {
		if readFile(t, filepath.Join(first, n)) != readFile(t, filepath.Join(second, n)) {
			t.Errorf("%s differs between the two runs: the release is not reproducible", n)
		}
	}

	// The checksums file, in sha256sum's format.
	sums := readFile(t, filepath.Join(first, releaseChecksums))
	if want := sha256Hex(t, filepath.Join(first, asset)) + "  " + asset + "\n"; sums != want {
		t.Errorf("%s:\n%s\nwant\n%s", releaseChecksums, sums, want)
	}
	if runtime.GOOS == "windows" {
		t.Skip("the zip's contents are checked by tools/relpack's tests")
	}

	rev, err := gitRun(src, "log", "-1", "--format=%H %ct")
	if err != nil {
		t.Fatal(err)
	}
	commit, ct, _ := strings.Cut(strings.TrimSpace(rev), " ")
	secs, err := strconv.ParseInt(ct, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	commitTime := time.Unix(secs, 0).UTC()

	// The archive: the binary and the documents, sorted, dated the commit.
	f, err := os.Open(filepath.Join(first, asset))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	wantEntries := map[string]int64{"README.md": 0o644, "eks-sg-lint": 0o755}
	for _, doc := range []string{"LICENSE", "CHANGELOG.md"} {
		if _, err := os.Stat(filepath.Join(src, doc)); err == nil {
			wantEntries[doc] = 0o644
		}
	}
	var entries []string
	bin := filepath.Join(t.TempDir(), "eks-sg-lint")
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, h.Name)
		if mode, ok := wantEntries[h.Name]; !ok || h.Mode != mode || !h.ModTime.Equal(commitTime) || h.Uid != 0 || h.Gid != 0 {
			t.Errorf("entry %s: mode %o, time %v, owner %d:%d; want one of %v, dated %v, owned by 0:0", h.Name, h.Mode, h.ModTime, h.Uid, h.Gid, wantEntries, commitTime)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == "eks-sg-lint" {
			if err := os.WriteFile(bin, body, 0o755); err != nil {
				t.Fatal(err)
			}
		} else if string(body) != readFile(t, filepath.Join(src, h.Name)) {
			t.Errorf("%s in the archive is not the checkout's", h.Name)
		}
	}
	if want := slices.Sorted(func(yield func(string) bool) {
		for k := range wantEntries {
			if !yield(k) {
				return
			}
		}
	}); !slices.Equal(entries, want) {
		t.Errorf("archive entries %q, want %q (sorted)", entries, want)
	}

	// The binary says what it is.
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", bin, err)
	}
	wantVersion := "eks-sg-lint " + testReleaseVersion + "\n" +
		"commit: " + commit + "\n" +
		"date:   " + commitTime.Format(time.RFC3339) + "\n"
	if !strings.HasPrefix(string(out), wantVersion) {
		t.Errorf("--version:\n%s\nwant it to start with\n%s", out, wantVersion)
	}
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\tbuild\t-trimpath=true\n", "\tbuild\tCGO_ENABLED=0\n"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("go version -m: no %q in\n%s", want, info)
		}
	}
	if strings.Contains(string(info), "vcs.") || strings.Contains(string(info), src) {
		t.Errorf("go version -m: VCS settings or the build folder recorded:\n%s", info)
	}
}

// TestReleaseRefuses: the script builds nothing for a bad version, a dirty
// work tree (the stamped commit would lie) or a folder holding old archives;
// its dry run lists the six targets' archives.
func TestReleaseRefuses(t *testing.T) {
	t.Parallel()
	src, isGit := snapshot(t)
	if !isGit {
		t.Skip("no git snapshot")
	}
	script := func(dir string, env []string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command("bash", append([]string{"scripts/release.sh"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(append(gitEnv(), "EKS_SG_LINT_RELEASE_ALLOW_DIRTY=", "EKS_SG_LINT_RELEASE_DRY_RUN="), env...)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}

	for _, v := range []string{"", "1.2.3", "v1.2", "v1.2.3 $(touch pwned)", "latest"} {
		if out, code := script(src, nil, v, t.TempDir()); code != 2 || !strings.Contains(out, "usage:") {
			t.Errorf("version %q: exit %d, want 2 with usage\n%s", v, code, out)
		}
	}
	noPwned(t, src)

	dirty := filepath.Join(t.TempDir(), "checkout")
	copyDir(t, src, dirty)
	writeFile(t, filepath.Join(dirty, "README.md"), "changed\n")
	if out, code := script(dirty, nil, "v1.2.3", t.TempDir()); code != 1 || !strings.Contains(out, "uncommitted changes") {
		t.Errorf("dirty tree: exit %d, want 1 naming the uncommitted changes\n%s", code, out)
	}

	full := t.TempDir()
	writeFile(t, filepath.Join(full, "eks-sg-lint_1.2.2_linux_amd64.tar.gz"), "old")
	if out, code := script(src, nil, "v1.2.3", full); code != 1 || !strings.Contains(out, "is not empty") {
		t.Errorf("non-empty output folder: exit %d, want 1\n%s", code, out)
	}

	out, code := script(src, []string{"EKS_SG_LINT_RELEASE_DRY_RUN=1", "TARGETS="}, "v1.2.3")
	want := "eks-sg-lint_1.2.3_linux_amd64.tar.gz\neks-sg-lint_1.2.3_linux_arm64.tar.gz\n" +
		"eks-sg-lint_1.2.3_darwin_amd64.tar.gz\neks-sg-lint_1.2.3_darwin_arm64.tar.gz\n" +
		"eks-sg-lint_1.2.3_windows_amd64.zip\neks-sg-lint_1.2.3_windows_arm64.zip\n" +
		"eks-sg-lint_1.2.3_checksums.txt\n"
	if code != 0 || out != want {
		t.Errorf("dry run: exit %d\n%s\nwant\n%s", code, out, want)
	}
}
