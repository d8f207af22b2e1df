package integration

// The README promises "No AWS credentials, no network: it reads files and
// writes findings." These tests hold the real binary to it: under strace it
// opens no socket and touches no AWS credentials or config file, and in a
// network namespace without interfaces it writes the same reports.
//
// Needs strace (Debian's strace) and, for the namespace, unshare
// (util-linux) with the right to make a network namespace; each part is
// skipped with a message where its tool is missing or not allowed.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// offlineScanArgs are the scans run: every rule fixture, the corpus of
// real-world templates and the README example, as text and as SARIF.
var offlineScanArgs = [][]string{
	{"testdata/rules", "testdata/corpus", "testdata/examples"},
	{"--format", "sarif", "testdata/rules", "testdata/corpus", "testdata/examples"},
}

// offlineSentinel is the content of the fake AWS files: a scan that printed
// it would have read one.
const offlineSentinel = "eks-sg-lint-offline-test-sentinel"

type offlineEnv struct {
	root string // module root, the scans' working folder
	bin  string // the eks-sg-lint binary
	env  []string
	home string   // fake HOME
	aws  []string // files and folders the scan must not touch
}

// newOfflineEnv takes the binary every test of the package shares
// (linterBinary: built once) and makes a fake HOME with ~/.aws/credentials
// and ~/.aws/config, plus three more AWS files named by the variables the
// AWS SDKs and CLI read.
func newOfflineEnv(t *testing.T) *offlineEnv {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above the test folder: %v", err)
	}
	tmp := t.TempDir()
	bin := linterBinary(t)

	home := filepath.Join(tmp, "home")
	dotAWS := filepath.Join(home, ".aws")
	files := map[string]string{
		filepath.Join(dotAWS, "credentials"):   "[default]\naws_access_key_id = AKIA" + offlineSentinel + "\naws_secret_access_key = " + offlineSentinel + "\n",
		filepath.Join(dotAWS, "config"):        "[default]\nregion = eu-west-1\n# " + offlineSentinel + "\n",
		filepath.Join(tmp, "env-credentials"):  "[default]\naws_access_key_id = AKIA" + offlineSentinel + "\naws_secret_access_key = " + offlineSentinel + "\n",
		filepath.Join(tmp, "env-config"):       "[default]\nregion = eu-west-1\n# " + offlineSentinel + "\n",
		filepath.Join(tmp, "env-web-identity"): offlineSentinel + "\n",
	}
	for path, content := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "HOME" || name == "PWD" || strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "XDG_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"PWD="+root,
		"HOME="+home,
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(tmp, "env-credentials"),
		"AWS_CONFIG_FILE="+filepath.Join(tmp, "env-config"),
		"AWS_WEB_IDENTITY_TOKEN_FILE="+filepath.Join(tmp, "env-web-identity"),
		"AWS_ROLE_ARN=arn:aws:iam::123456789012:role/"+offlineSentinel,
		"AWS_PROFILE=default",
		"AWS_REGION=eu-west-1",
	)
	aws := []string{dotAWS}
	for path := range files {
		if !strings.HasPrefix(path, dotAWS+string(filepath.Separator)) {
			aws = append(aws, path)
		}
	}
	slices.Sort(aws)
	return &offlineEnv{root: root, bin: bin, env: env, home: home, aws: aws}
}

type offlineRun struct {
	code           int
	stdout, stderr string
}

func (r offlineRun) String() string {
	return fmt.Sprintf("exit %d\nstderr:\n%s", r.code, r.stderr)
}

// run runs prefix... bin args... in the module root with the fake
// environment.
func (e *offlineEnv) run(t *testing.T, prefix []string, args ...string) offlineRun {
	t.Helper()
	argv := append(append(slices.Clone(prefix), e.bin), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = e.root
	cmd.Env = e.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", strings.Join(argv, " "), err)
		}
		code = ee.ExitCode()
	}
	r := offlineRun{code: code, stdout: stdout.String(), stderr: stderr.String()}
	// Exit 0, 1 (findings) or 2 (the corpus holds files that do not parse,
	// on purpose) are scans; anything else (a signal, strace's own failure)
	// is not.
	if code < 0 || code > 2 {
		t.Fatalf("%s: %v", strings.Join(argv, " "), r)
	}
	if strings.Contains(r.stdout+r.stderr, offlineSentinel) {
		t.Errorf("%s printed the content of a fake AWS file", strings.Join(argv, " "))
	}
	return r
}

// straceLineRe takes the system call's name from a line of `strace -f -o`:
// "PID  name(...", "PID  name(... <unfinished ...>" or "PID  <... name resumed>".
var straceLineRe = regexp.MustCompile(`^(?:\[pid\s+)?\d*\]?\s*(?:<\.\.\.\s+)?([a-z_0-9]+)[( ]`)

// straceReport is what a strace log shows.
type straceReport struct {
	network []string // lines of network system calls (socket, connect, ...)
	inet    []string // lines naming AF_INET or AF_INET6
	unix    []string // lines naming AF_UNIX
	lines   int
}

// networkSyscalls are the socket system calls of strace's %network class.
var networkSyscalls = map[string]bool{
	"socket": true, "socketpair": true, "connect": true, "bind": true, "listen": true,
	"accept": true, "accept4": true, "sendto": true, "sendmsg": true, "sendmmsg": true,
	"recvfrom": true, "recvmsg": true, "recvmmsg": true, "shutdown": true,
	"getsockname": true, "getpeername": true, "setsockopt": true, "getsockopt": true,
}

func readStraceLog(t *testing.T, path string) (string, straceReport) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	var r straceReport
	for line := range strings.Lines(log) {
		line = strings.TrimRight(line, "\n")
		r.lines++
		if m := straceLineRe.FindStringSubmatch(line); m != nil && networkSyscalls[m[1]] {
			r.network = append(r.network, line)
		}
		if strings.Contains(line, "AF_INET") {
			r.inet = append(r.inet, line)
		}
		if strings.Contains(line, "AF_UNIX") || strings.Contains(line, "AF_LOCAL") {
			r.unix = append(r.unix, line)
		}
	}
	return log, r
}

// straceArgs traces every process and thread, network and file system
// calls, with whole path names (strace cuts strings at 32 bytes by default).
func straceArgs(log string) []string {
	return []string{"strace", "-f", "-qq", "-s", "65535", "-e", "signal=none", "-e", "trace=%network,%file", "-o", log}
}

func requireStrace(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed (Debian package strace; .ci/run installs it): cannot watch the binary's system calls")
	}
	// strace needs ptrace, which some containers forbid.
	if out, err := exec.Command("strace", "-f", "-qq", "-o", os.DevNull, "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here (ptrace not allowed?): %v\n%s", err, out)
	}
}

// TestStraceSeesSockets is the control for TestScanOpensNoSocketAndNoAWSFile:
// the same strace options and log reading do see a TCP socket and its
// connect. bash's /dev/tcp connects to port 9 on loopback, where nothing
// listens (refused, which is fine: the calls are what count).
func TestStraceSeesSockets(t *testing.T) {
	t.Parallel()
	requireStrace(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash for the control")
	}
	log := filepath.Join(t.TempDir(), "strace.log")
	argv := append(straceArgs(log), bash, "-c", "exec 3<>/dev/tcp/127.0.0.1/9 || true")
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	_, r := readStraceLog(t, log)
	var names []string
	for _, l := range r.network {
		names = append(names, straceLineRe.FindStringSubmatch(l)[1])
	}
	if !slices.Contains(names, "socket") || !slices.Contains(names, "connect") || len(r.inet) == 0 {
		t.Errorf("the control's socket and connect were not seen; network calls %v, AF_INET lines %q", names, r.inet)
	}
}

// TestScanOpensNoSocketAndNoAWSFile: scanning every fixture, the corpus and
// the example, as text and as SARIF, the binary (all its threads) makes no
// network system call and opens, stats or reads no AWS credentials or config
// file, with HOME and the AWS_* variables pointing at fake ones.
func TestScanOpensNoSocketAndNoAWSFile(t *testing.T) {
	t.Parallel()
	requireStrace(t)
	e := newOfflineEnv(t)
	for i, args := range offlineScanArgs {
		log := filepath.Join(t.TempDir(), fmt.Sprintf("strace-%d.log", i))
		plain := e.run(t, nil, args...)
		traced := e.run(t, straceArgs(log), args...)
		cmdline := "eks-sg-lint " + strings.Join(args, " ")
		if traced.code != plain.code || traced.stdout != plain.stdout || traced.stderr != plain.stderr {
			t.Errorf("%s: under strace the output differs from a plain run\nplain: %v\ntraced: %v", cmdline, plain, traced)
		}
		text, r := readStraceLog(t, log)
		t.Logf("%s: exit %d, %d bytes of output, %d strace lines, %d network calls, %d AF_UNIX lines",
			cmdline, plain.code, len(plain.stdout), r.lines, len(r.network), len(r.unix))

		// The log must show the scan: without this a broken trace (no -f,
		// cut strings) would pass every check below.
		if example := filepath.Join(e.root, "testdata", "examples", "cluster-with-nodes.yaml"); !strings.Contains(text, `openat(AT_FDCWD, "`+example+`"`) {
			t.Fatalf("%s: the strace log does not show the open of %s; the checks below would prove nothing", cmdline, example)
		}
		for _, l := range r.network {
			t.Errorf("%s: network system call: %s", cmdline, l)
		}
		for _, l := range r.inet {
			t.Errorf("%s: AF_INET/AF_INET6 in: %s", cmdline, l)
		}
		for _, l := range r.unix {
			t.Errorf("%s: AF_UNIX socket (the Go runtime opens none; nscd or syslog?): %s", cmdline, l)
		}
		for _, p := range e.aws {
			for line := range strings.Lines(text) {
				if strings.Contains(line, `"`+p+`"`) || strings.Contains(line, `"`+p+`/`) {
					t.Errorf("%s: touched AWS file %s: %s", cmdline, p, strings.TrimSpace(line))
				}
			}
		}
		// Anything else under the fake HOME is not forbidden, but worth
		// seeing in -v output.
		for line := range strings.Lines(text) {
			if strings.Contains(line, `"`+e.home) && !slices.ContainsFunc(e.aws, func(p string) bool { return strings.Contains(line, `"`+p) }) {
				t.Logf("%s: under HOME: %s", cmdline, strings.TrimSpace(line))
			}
		}
	}
}

// unshareNet returns the command prefix that runs a program in a new network
// namespace (only a loopback interface, down), or skips the test.
func unshareNet(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare (util-linux) not installed")
	}
	tries := [][]string{{"unshare", "-rn"}, {"unshare", "-n"}}
	if os.Geteuid() == 0 {
		tries[0], tries[1] = tries[1], tries[0]
	}
	var why []string
	for _, prefix := range tries {
		// /proc/self/net/dev lists the namespace's interfaces.
		out, err := exec.Command(prefix[0], append(slices.Clone(prefix[1:]), "cat", "/proc/self/net/dev")...).CombinedOutput()
		if err != nil {
			why = append(why, fmt.Sprintf("%s: %v: %s", strings.Join(prefix, " "), err, bytes.TrimSpace(out)))
			continue
		}
		var ifaces []string
		for line := range strings.Lines(string(out)) {
			if name, _, ok := strings.Cut(line, ":"); ok && !strings.Contains(name, "|") {
				ifaces = append(ifaces, strings.TrimSpace(name))
			}
		}
		if !slices.Equal(ifaces, []string{"lo"}) {
			t.Fatalf("%s: the new network namespace has interfaces %v, want only lo", strings.Join(prefix, " "), ifaces)
		}
		return prefix
	}
	t.Skipf("cannot make a network namespace here:\n%s", strings.Join(why, "\n"))
	return nil
}

// TestScanInNetworkNamespace: in a network namespace with no interface but
// a loopback that is down, the scans succeed with the same exit code and the
// same output, byte for byte, as outside.
func TestScanInNetworkNamespace(t *testing.T) {
	t.Parallel()
	prefix := unshareNet(t)
	e := newOfflineEnv(t)
	for _, args := range offlineScanArgs {
		outside := e.run(t, nil, args...)
		inside := e.run(t, prefix, args...)
		cmdline := "eks-sg-lint " + strings.Join(args, " ")
		if outside.stdout == "" {
			t.Errorf("%s: no output: %v", cmdline, outside)
		}
		if inside.code != outside.code {
			t.Errorf("%s: exit %d in the namespace, %d outside\ninside: %v", cmdline, inside.code, outside.code, inside)
		}
		if inside.stdout != outside.stdout {
			t.Errorf("%s: standard output differs in the namespace (%d bytes inside, %d outside)", cmdline, len(inside.stdout), len(outside.stdout))
		}
		if inside.stderr != outside.stderr {
			t.Errorf("%s: standard error differs in the namespace\ninside:\n%s\noutside:\n%s", cmdline, inside.stderr, outside.stderr)
		}
		t.Logf("%s (%s): exit %d, %d bytes of output, same inside and outside", cmdline, strings.Join(prefix, " "), inside.code, len(inside.stdout))
	}
}
