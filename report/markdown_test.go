package report_test

// Tests on real scans live in package report_test: package scan imports
// report, so only an external test package may import scan.

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

const (
	readmeExample = "testdata/examples/cluster-with-nodes.yaml"
	// kubeletBlocked has an EKSSG021 finding: the node group's only
	// security group admits nothing from the control plane.
	kubeletBlocked = "testdata/rules/EKSSG001/self-managed-untagged.yaml"
)

// scanFixtures scans files named relative to the repository root, which is
// also the working directory of the scan (so paths in output are as
// given).
func scanFixtures(t *testing.T, paths ...string) *report.Report {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	r := scan.Run(paths, scan.Options{WorkDir: root, ToolName: "eks-sg-lint", Version: "1.2.3"})
	if len(r.Errors) > 0 {
		t.Fatalf("scan errors: %+v", r.Errors)
	}
	if r.Graph == nil {
		t.Fatal("report has no graph")
	}
	return r
}

func markdown(t *testing.T, r *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// mermaidBlocks returns the contents of the ```mermaid fences.
func mermaidBlocks(t *testing.T, md string) []string {
	t.Helper()
	var out []string
	rest := md
	for {
		i := strings.Index(rest, "```mermaid\n")
		if i < 0 {
			break
		}
		rest = rest[i+len("```mermaid\n"):]
		j := strings.Index(rest, "\n```\n")
		if j < 0 {
			t.Fatalf("unterminated mermaid fence in:\n%s", md)
		}
		out = append(out, rest[:j+1])
		rest = rest[j+len("\n```\n"):]
	}
	return out
}

func TestMarkdownReadmeExample(t *testing.T) {
	r := scanFixtures(t, readmeExample)
	md := markdown(t, r)
	if md != markdown(t, scanFixtures(t, readmeExample)) {
		t.Error("output differs between runs")
	}
	for _, want := range []string{
		"## eks-sg-lint 1.2.3\n\n2 findings (1 error, 1 warning) in 1 of 1 file\n\n",
		"| Level | Rule | Location | Message |\n|---|---|---|---|\n",
		"| 🔴 error | [EKSSG002](https://github.com/eks-sg-lint/eks-sg-lint/blob/main/docs/rules/EKSSG002.md) | `testdata/examples/cluster-with-nodes.yaml:52` | managed node group \"NodeGroup\" of cluster \"search\": 2 security groups carry tag kubernetes.io/cluster/search (cluster security group of cluster \"search\", NodeSecurityGroup); exactly one must. Remove the tag from NodeSecurityGroup. |\n",
		"| 🟠 warning | [EKSSG031](https://github.com/eks-sg-lint/eks-sg-lint/blob/main/docs/rules/EKSSG031.md) | `testdata/examples/cluster-with-nodes.yaml:59` | node security group NodeSecurityGroup allows TCP 22 (SSH) from 0.0.0.0/0",
		"### Security-group flows\n",
		"#### cluster \"search\"\n\n```mermaid\nflowchart LR\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "could not be read") {
		t.Errorf("no file errors expected:\n%s", md)
	}
	// Every table row has four cells; every rule link is the rule's HelpURI.
	rows := 0
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| 🔴") && !strings.HasPrefix(line, "| 🟠") && !strings.HasPrefix(line, "| 🔵") {
			continue
		}
		rows++
		if n := len(splitCells(line)); n != 4 {
			t.Errorf("row has %d cells: %s", n, line)
		}
	}
	if rows != len(r.Findings) {
		t.Errorf("%d rows for %d findings", rows, len(r.Findings))
	}
	for _, f := range r.Findings {
		link := "[" + f.RuleID + "](" + analyzer.ByID(f.RuleID).HelpURI() + ")"
		if !strings.Contains(md, link) {
			t.Errorf("no link %s", link)
		}
	}

	blocks := mermaidBlocks(t, md)
	if len(blocks) != 1 {
		t.Fatalf("want 1 mermaid block, got %d:\n%s", len(blocks), md)
	}
	d := parseMermaid(t, blocks[0])
	cp := d.nodeWith(t, "control plane of cluster #quot;search#quot;")
	ng := d.nodeWith(t, "managed node group #quot;NodeGroup#quot;")
	for _, sg := range []string{"ControlPlaneSecurityGroup", "cluster security group of cluster #quot;search#quot;"} {
		if !strings.Contains(d.labels[cp], sg) {
			t.Errorf("control plane label %q lacks %q", d.labels[cp], sg)
		}
	}
	for _, sg := range []string{"NodeSecurityGroup", "cluster security group of cluster #quot;search#quot;"} {
		if !strings.Contains(d.labels[ng], sg) {
			t.Errorf("node group label %q lacks %q", d.labels[ng], sg)
		}
	}
	d.wantEdge(t, ng, cp, "TCP 443 ✓", green)
	d.wantEdge(t, cp, ng, "TCP 10250 ✓", green)
	d.wantEdge(t, cp, ng, "TCP 1025-65535 ✓", green)
	d.wantEdge(t, ng, ng, "all traffic ✓", green)
	if len(d.edges) != 4 {
		t.Errorf("want 4 edges, got %+v", d.edges)
	}
}

func TestMarkdownBlockedKubelet(t *testing.T) {
	r := scanFixtures(t, kubeletBlocked)
	md := markdown(t, r)
	if !strings.Contains(md, "| 🔴 error | [EKSSG021](https://github.com/eks-sg-lint/eks-sg-lint/blob/main/docs/rules/EKSSG021.md) | `testdata/rules/EKSSG001/self-managed-untagged.yaml:8` | control plane of cluster \"${ClusterName}\" cannot reach") {
		t.Errorf("no EKSSG021 row:\n%s", md)
	}
	if !strings.Contains(md, "| 🔵 note | [EKSSG026]") {
		t.Errorf("no note row:\n%s", md)
	}
	blocks := mermaidBlocks(t, md)
	if len(blocks) != 1 {
		t.Fatalf("want 1 mermaid block, got %d", len(blocks))
	}
	d := parseMermaid(t, blocks[0])
	cp := d.nodeWith(t, "control plane of cluster")
	ng := d.nodeWith(t, "self-managed node group #quot;NodeGroup#quot;")
	d.wantEdge(t, cp, ng, "TCP 10250 ✗", red)
	d.wantEdge(t, cp, ng, "TCP 1025-65535 ✗", red)
	d.wantEdge(t, ng, ng, "all traffic ✗", red)
	// The control plane may carry groups the files do not show (the
	// ${ClusterName} parameter leaves it open): 443 is unknown.
	d.wantEdge(t, ng, cp, "TCP 443 ?", grey)
}

func TestMarkdownEscaping(t *testing.T) {
	r := &report.Report{
		ToolName: "eks-sg-lint",
		Findings: []analyzer.Finding{{
			RuleID: "EKSSG021", Level: analyzer.LevelError,
			Message: "a | b\nc\r\nd *e* _f_ `g` <script>x</script> [l](u) \\ & ~",
			Loc:     graph.Location{File: "dir|x/a`b.yaml", Line: 3, Column: 1},
		}, {
			RuleID: "NOPE001", Level: "", Message: "unknown rule", Loc: graph.Location{File: "`a.yaml"},
		}},
		Errors: []report.FileError{{Loc: graph.Location{File: "bad|name.yaml", Line: 2}, Message: "bad\nthing | here"}},
		Files:  []string{"dir|x/a`b.yaml", "`a.yaml", "bad|name.yaml"},
	}
	md := markdown(t, r)
	wantRow := "| 🔴 error | [EKSSG021](https://github.com/eks-sg-lint/eks-sg-lint/blob/main/docs/rules/EKSSG021.md) | " +
		"``dir\\|x/a`b.yaml:3`` | " +
		"a \\| b\\\\nc\\\\r\\\\nd \\*e\\* \\_f\\_ \\`g\\` \\<script\\>x\\</script\\> \\[l\\](u) \\\\ \\& \\~ |\n"
	if !strings.Contains(md, wantRow) {
		t.Errorf("row not escaped as expected; want\n%s\nin\n%s", wantRow, md)
	}
	if !strings.Contains(md, "| 🔵 note | NOPE001 | `` `a.yaml `` | unknown rule |\n") {
		t.Errorf("unknown rule or level row:\n%s", md)
	}
	// Outside tables `|` needs no escape in a code span; the message is
	// escaped all the same.
	if !strings.Contains(md, "### Files that could not be read\n\n- `bad|name.yaml:2`: bad\\\\nthing \\| here\n") {
		t.Errorf("file errors:\n%s", md)
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| Level") {
			if n := len(splitCells(line)); n != 4 {
				t.Errorf("row has %d cells: %s", n, line)
			}
		}
	}
	if !strings.Contains(md, "2 findings (1 error, 1 note) in 2 of 3 files; 1 file could not be read") {
		t.Errorf("summary line:\n%s", md)
	}
	if !strings.Contains(md, "No EKS clusters in the scanned files.\n") || strings.Contains(md, "```mermaid") {
		t.Errorf("a report without graph should say there are no clusters:\n%s", md)
	}
}

func TestMarkdownNoFindings(t *testing.T) {
	md := markdown(t, &report.Report{Files: []string{"a.yaml"}, Graph: &graph.Graph{}})
	want := "## eks-sg-lint\n\n✅ no findings in 1 file\n\n### Security-group flows\n\nNo EKS clusters in the scanned files.\n"
	if md != want {
		t.Errorf("got:\n%q\nwant:\n%q", md, want)
	}
}

// splitCells splits a GFM table row on unescaped pipes.
func splitCells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	row = strings.TrimSuffix(row, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteByte(row[i])
			cur.WriteByte(row[i+1])
			i++
		case row[i] == '|':
			cells = append(cells, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return append(cells, cur.String())
}

// A parsed Mermaid flowchart, as much as the tests need.

type mermaidEdge struct {
	from, to, arrow, label string
	index                  int
}

type mermaidDiagram struct {
	labels map[string]string // node ID -> label (escaped, without quotes)
	order  []string
	edges  []mermaidEdge
	styles map[int]string // edge index -> linkStyle
	// subgraphs are the clusters of a document with several, by title, in
	// order; each holds its nodes and edges (with the document's indices).
	subgraphs []*mermaidSubgraph
}

type mermaidSubgraph struct {
	id, title string
	*mermaidDiagram
}

const (
	green = "stroke:#2da44e"
	red   = "stroke:#cf222e"
	grey  = "stroke:#8c959f"
)

var (
	mermaidID        = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	mermaidNode      = regexp.MustCompile(`^ +(\S+)\["([^"]*)"\]$`)
	mermaidEdgeR     = regexp.MustCompile(`^ +(\S+) (<?-->|<?-\.->)\|"([^"]*)"\| (\S+)$`)
	mermaidStyle     = regexp.MustCompile(`^  linkStyle ([0-9,]+) (\S.*)$`)
	mermaidSubgraphR = regexp.MustCompile(`^  subgraph (\S+)\["([^"]*)"\]$`)
)

// parseMermaid parses one `flowchart LR` as diagram.go writes it and
// checks its structure: valid, unique node IDs declared before use, edge
// labels quoted, every edge styled exactly once.
func parseMermaid(t *testing.T, src string) *mermaidDiagram {
	t.Helper()
	d := &mermaidDiagram{labels: map[string]string{}, styles: map[int]string{}}
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	if lines[0] != "flowchart LR" {
		t.Fatalf("first line %q", lines[0])
	}
	var sub *mermaidSubgraph
	for _, line := range lines[1:] {
		if m := mermaidSubgraphR.FindStringSubmatch(line); m != nil {
			if sub != nil {
				t.Errorf("subgraph %q inside subgraph %q", m[1], sub.id)
			}
			if _, dup := d.labels[m[1]]; dup || !mermaidID.MatchString(m[1]) {
				t.Errorf("bad or reused subgraph ID %q", m[1])
			}
			d.labels[m[1]] = m[2]
			sub = &mermaidSubgraph{id: m[1], title: m[2],
				mermaidDiagram: &mermaidDiagram{labels: map[string]string{}, styles: map[int]string{}}}
			d.subgraphs = append(d.subgraphs, sub)
			continue
		}
		if line == "  end" {
			if sub == nil {
				t.Errorf("end outside a subgraph")
			}
			sub = nil
			continue
		}
		if sub != nil && !strings.HasPrefix(line, "    ") {
			t.Errorf("line %q in subgraph %q is not indented", line, sub.id)
		}
		if m := mermaidNode.FindStringSubmatch(line); m != nil {
			if !mermaidID.MatchString(m[1]) {
				t.Errorf("invalid node ID %q", m[1])
			}
			if _, dup := d.labels[m[1]]; dup {
				t.Errorf("node %q declared twice", m[1])
			}
			d.labels[m[1]] = m[2]
			d.order = append(d.order, m[1])
			if sub != nil {
				sub.labels[m[1]] = m[2]
				sub.order = append(sub.order, m[1])
			}
			continue
		}
		if m := mermaidEdgeR.FindStringSubmatch(line); m != nil {
			for _, id := range []string{m[1], m[4]} {
				if _, ok := d.labels[id]; !ok {
					t.Errorf("edge %q uses undeclared node %q", line, id)
				}
				if sub != nil {
					if _, ok := sub.labels[id]; !ok {
						t.Errorf("edge %q leaves its subgraph %q", line, sub.id)
					}
				}
			}
			e := mermaidEdge{from: m[1], arrow: m[2], label: m[3], to: m[4], index: len(d.edges)}
			d.edges = append(d.edges, e)
			if sub != nil {
				sub.edges = append(sub.edges, e)
			}
			continue
		}
		if m := mermaidStyle.FindStringSubmatch(line); m != nil {
			for _, n := range strings.Split(m[1], ",") {
				i := atoi(t, n)
				if _, dup := d.styles[i]; dup {
					t.Errorf("edge %d styled twice", i)
				}
				d.styles[i] = m[2]
			}
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(line, " "), "%% ") {
			continue
		}
		t.Errorf("unexpected line %q", line)
	}
	for _, e := range d.edges {
		if _, ok := d.styles[e.index]; !ok {
			t.Errorf("edge %d (%+v) has no linkStyle", e.index, e)
		}
	}
	if len(d.styles) != len(d.edges) {
		t.Errorf("%d styles for %d edges", len(d.styles), len(d.edges))
	}
	if sub != nil {
		t.Errorf("subgraph %q not ended", sub.id)
	}
	for _, sg := range d.subgraphs {
		for _, e := range sg.edges {
			sg.styles[e.index] = d.styles[e.index]
		}
	}
	return d
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// nodeWith returns the one node whose label starts with prefix.
func (d *mermaidDiagram) nodeWith(t *testing.T, prefix string) string {
	t.Helper()
	var found []string
	for _, id := range d.order {
		if strings.HasPrefix(d.labels[id], prefix) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d nodes labelled %q…: %v", len(found), prefix, d.labels)
	}
	return found[0]
}

// wantEdge checks that one edge from → to has the label and the colour
// (dashed exactly when grey).
func (d *mermaidDiagram) wantEdge(t *testing.T, from, to, label, color string) {
	t.Helper()
	for _, e := range d.edges {
		if e.from != from || e.to != to || e.label != label {
			continue
		}
		style := d.styles[e.index]
		if !strings.HasPrefix(style, color+",") {
			t.Errorf("edge %s -> %s %q: style %q, want %s", from, to, label, style, color)
		}
		dashed := strings.Contains(style, "stroke-dasharray") && strings.Contains(e.arrow, "-.-")
		if dashed != (color == grey) {
			t.Errorf("edge %s -> %s %q: arrow %q style %q: dashed %v", from, to, label, e.arrow, style, dashed)
		}
		return
	}
	t.Errorf("no edge %s -> %s %q in %+v", from, to, label, d.edges)
}

func TestMarkdownSkipsSuppressed(t *testing.T) {
	r := &report.Report{
		Findings: []analyzer.Finding{
			{RuleID: "EKSSG024", Level: analyzer.LevelWarning, Message: "kept", Loc: graph.Location{File: "a.yaml", Line: 1}},
			{RuleID: "EKSSG024", Level: analyzer.LevelWarning, Message: "silenced", Loc: graph.Location{File: "a.yaml", Line: 2},
				Suppression: &analyzer.Suppression{Kind: "inSource", Justification: "CNCF conformance"}},
		},
		Files: []string{"a.yaml"},
	}
	md := markdown(t, r)
	if strings.Contains(md, "silenced") || !strings.Contains(md, "| kept |") {
		t.Errorf("suppressed finding in the table:\n%s", md)
	}
	if !strings.Contains(md, "\n"+report.SummaryLine(r.Summarize())+"\n") {
		t.Errorf("count line should be the text summary line:\n%s", md)
	}
}

func TestSuppressedExample(t *testing.T) {
	r := scanFixtures(t, "testdata/examples/suppressed.yaml")
	suppressed := 0
	for _, f := range r.Findings {
		if f.Suppression != nil {
			suppressed++
		}
	}
	if suppressed == 0 {
		t.Fatal("fixture should have suppressed findings")
	}
	var b bytes.Buffer
	if err := report.WriteGitHub(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "EKSSG031") {
		t.Errorf("suppressed findings annotated:\n%s", b.String())
	}
	md := markdown(t, r)
	if strings.Contains(md, "EKSSG031") || !strings.Contains(md, "suppressed") {
		t.Errorf("suppressed findings in the table, or not counted:\n%s", md)
	}
}

// TestMarkdownLimits: a summary of a large scan stays under the 1 MiB
// GitHub shows, with the most severe findings and clusters first, the
// diagrams in collapsed sections and "N more" lines for what is left out.
func TestMarkdownLimits(t *testing.T) {
	var docs []*graph.Document
	var findings []analyzer.Finding
	long := strings.Repeat("a message long enough to fill the table ", 8)
	for i := range 60 {
		file := fmt.Sprintf("c%03d.yaml", i)
		c := &graph.Cluster{Key: graph.ClusterKeyForName(fmt.Sprintf("c%03d", i)), Name: graph.Lit(fmt.Sprintf("c%03d", i)),
			Loc: graph.Location{File: file, Line: 1}, Defined: true, Certain: true, ClusterSG: graph.SGKey("sg-" + file)}
		sg := &graph.SecurityGroup{Key: graph.ResourceSGKey(file, "SG"), Name: "SG", Defined: true}
		doc := &graph.Document{File: file, Clusters: []*graph.Cluster{c}, SGs: []*graph.SecurityGroup{sg}}
		for j := range 40 {
			doc.NodeGroups = append(doc.NodeGroups, &graph.NodeGroup{Key: fmt.Sprintf("ng:%s:%d", file, j), Name: fmt.Sprintf("ng-%02d", j),
				Kind: graph.SelfManagedNodeGroup, ClusterKey: c.Key, Certain: true, SGsOpen: true,
				SGs: []graph.SGMember{{SG: sg.Key, Certain: true}}}) // open: no two share a box
		}
		docs = append(docs, doc)
	}
	for i := range 5000 {
		level := analyzer.LevelNote
		if i%1000 == 999 {
			level = analyzer.LevelError // the last of every thousand
		}
		findings = append(findings, analyzer.Finding{RuleID: "EKSSG026", Level: level,
			Message: fmt.Sprintf("%s %d", long, i), Loc: graph.Location{File: "big.yaml", Line: i + 1}})
	}
	r := &report.Report{ToolName: "eks-sg-lint", Findings: findings, Graph: graph.Merge(docs), Files: []string{"big.yaml"}}
	for i := range 300 {
		r.Errors = append(r.Errors, report.FileError{Loc: graph.Location{File: fmt.Sprintf("broken%03d.yaml", i), Line: 1}, Message: "bad"})
	}
	md := markdown(t, r)
	if len(md) > report.MaxSummaryBytes {
		t.Fatalf("summary of %d bytes, over %d", len(md), report.MaxSummaryBytes)
	}
	rows := regexp.MustCompile(`(?m)^\| (🔴|🔵) `).FindAllString(md, -1)
	if len(rows) == 0 || len(rows) >= 5000 || !strings.HasPrefix(rows[0], "| 🔴") || strings.Count(strings.Join(rows[:5], ""), "🔴") != 5 {
		t.Errorf("%d table rows, want the 5 errors first of fewer than 5000", len(rows))
	}
	wantMore := fmt.Sprintf("%d more findings (%d notes) are not listed", 5000-len(rows), 5000-len(rows))
	if !strings.Contains(md, wantMore) {
		t.Errorf("no %q line", wantMore)
	}
	if !strings.Contains(md, "- 200 more files (eks-sg-lint --format text lists them all)") || !strings.Contains(md, "<details><summary>300 files</summary>") {
		t.Error("the list of unreadable files is not collapsed and cut at 100")
	}
	drawn := len(mermaidBlocks(t, md))
	if drawn == 0 || drawn > 20 || strings.Count(md, "<details><summary>cluster ") != drawn {
		t.Errorf("%d diagrams drawn, each should be collapsed, at most 20", drawn)
	}
	if want := fmt.Sprintf("%d more clusters are not drawn here", 60-drawn); !strings.Contains(md, want) {
		t.Errorf("no %q line", want)
	}
	if strings.Count(md, "<details>") != strings.Count(md, "</details>") {
		t.Error("unbalanced <details>")
	}
}
