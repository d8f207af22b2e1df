package integration

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/scripts/genrepo/gen"
)

// scaleSources are copied into the large repository: small templates
// with several findings each (SSH open to the internet, duplicate cluster
// tags, node groups without the cluster SG), so that 10,000 of them give
// more findings than a SARIF run may hold while staying cheap to scan.
var scaleSources = []string{
	"testdata/examples/cluster-with-nodes.yaml",
	"testdata/corpus/eksctl/eksctl__examples__07-ssh-keys.yaml",
}

// TestGitHubLimitsAtScale scans 10,000 templates the way the Action does
// (SARIF to a file, annotations on standard output, the Markdown summary
// appended to a file) and checks each channel against what GitHub
// accepts (DESIGN.md, "Output at scale"): at most 25,000 SARIF results,
// the most severe, with a notification for the rest, and a gzipped file
// under 10 MB; at most 10 annotations of each level, then one notice; a
// summary under 1 MiB; one count line in the log.
func TestGitHubLimitsAtScale(t *testing.T) {
	t.Parallel()
	bin := linterBinary(t)
	root := repoRoot(t)
	var sources []string
	for _, s := range scaleSources {
		sources = append(sources, filepath.Join(root, filepath.FromSlash(s)))
	}
	repo := t.TempDir()
	if _, err := gen.Generate(repo, gen.Options{Root: root, N: 10000, Sources: sources}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	sarifFile, summaryFile := filepath.Join(out, "eks-sg-lint.sarif"), filepath.Join(out, "summary.md")
	cmd := exec.Command(bin, "--format", "sarif", "--output", sarifFile, "--annotations", "--summary", summaryFile, ".")
	cmd.Dir = repo
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("eks-sg-lint: %v, want exit 1\n%s", err, stderr.String())
	}

	// The log: workflow commands, then the count line (the only line a
	// reader of the log sees).
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	count := lines[len(lines)-1]
	m := regexp.MustCompile(`^eks-sg-lint: (\d+) findings \((\d+) errors, (\d+) warnings, (\d+) notes\) in \d+ of 10000 files(; \d+ suppressed)?; 30 annotations$`).FindStringSubmatch(count)
	if m == nil {
		t.Fatalf("count line %q", count)
	}
	total, _ := strconv.Atoi(m[1])
	errs, _ := strconv.Atoi(m[2])
	if total <= 25000 {
		t.Fatalf("%d findings: the repository must exceed the 25,000 results of a SARIF run (choose richer scaleSources)", total)
	}
	perLevel := map[string]int{}
	for _, l := range lines[:len(lines)-1] {
		cmd, _, ok := strings.Cut(strings.TrimPrefix(l, "::"), " ")
		if !ok || !strings.HasPrefix(l, "::") {
			t.Fatalf("not a workflow command: %q", l)
		}
		perLevel[cmd]++
	}
	if perLevel["error"] != 10 || perLevel["warning"] != 10 || perLevel["notice"] != 10 || len(lines) != 31 {
		t.Errorf("annotations %v in %d lines, want 10 of each level and the count line", perLevel, len(lines))
	}
	if more := lines[len(lines)-2]; !strings.HasPrefix(more, "::notice title=eks-sg-lint::"+strconv.Itoa(total-29)+" more findings (") {
		t.Errorf("last annotation %q, want the number of findings not annotated", more)
	}

	// SARIF: 25,000 results, every error among them, and a notification.
	data, err := os.ReadFile(sarifFile)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Results           []struct{ Level string }
			Invocations       []struct {
				ToolExecutionNotifications []struct {
					Level   string
					Message struct{ Text string }
				} `json:"toolExecutionNotifications"`
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	levels := map[string]int{}
	for _, r := range run.Results {
		levels[r.Level]++
	}
	if len(run.Results) != 25000 || levels["error"] != errs {
		t.Errorf("%d results (%v), want 25000 with all %d errors", len(run.Results), levels, errs)
	}
	said := false
	for _, n := range run.Invocations[0].ToolExecutionNotifications {
		if n.Level == "warning" && strings.HasPrefix(n.Message.Text, strconv.Itoa(total-25000)+" more findings (") {
			said = true
		}
	}
	if !said {
		t.Errorf("no notification of the %d results left out", total-25000)
	}
	if run.AutomationDetails.ID != "eks-sg-lint/./" {
		t.Errorf("automationDetails.id %q", run.AutomationDetails.ID)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if gz.Len() > 10<<20 {
		t.Errorf("gzipped SARIF of %d bytes: code scanning takes at most 10 MB", gz.Len())
	}

	// The job summary.
	md, err := os.ReadFile(summaryFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(md) > 1<<20 || !bytes.Contains(md, []byte(" more findings (")) || !bytes.Contains(md, []byte(" more clusters are not drawn here")) {
		t.Errorf("summary of %d bytes, want under 1 MiB with 'more' lines", len(md))
	}
	t.Logf("%d findings; SARIF %d bytes (%d gzipped); summary %d bytes", total, len(data), gz.Len(), len(md))
}
