package report_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/report"
)

func diagram(t *testing.T, g *graph.Graph, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteDiagram(&b, g, format); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDiagramMermaidTwoClusters: several clusters make one valid Mermaid
// document (one flowchart, a subgraph per cluster, edges numbered across
// the document), never one flowchart per cluster back to back.
func TestDiagramMermaidTwoClusters(t *testing.T) {
	r := scanFixtures(t, kubeletBlocked, readmeExample)
	out := diagram(t, r.Graph, "mermaid")
	if out != diagram(t, scanFixtures(t, readmeExample, kubeletBlocked).Graph, "mermaid") {
		t.Error("output depends on the order of the inputs")
	}
	if n := strings.Count(out, "flowchart"); n != 1 || !strings.HasPrefix(out, "flowchart LR\n") {
		t.Fatalf("want one flowchart, got %d:\n%s", n, out)
	}
	if strings.Contains(out, "```") {
		t.Error("WriteDiagram must not write Markdown fences")
	}
	doc := parseMermaid(t, out) // one document: IDs unique across clusters, every edge styled once
	if len(doc.subgraphs) != 2 {
		t.Fatalf("want a subgraph per cluster, got %d:\n%s", len(doc.subgraphs), out)
	}
	// Sorted by cluster name: "${ClusterName}" < "search". The name from a
	// parameter is not concrete, so the heading names the file.
	first, second := doc.subgraphs[0], doc.subgraphs[1]
	if first.title != "cluster #quot;${ClusterName}#quot; in "+kubeletBlocked || second.title != "cluster #quot;search#quot;" {
		t.Errorf("subgraph titles %q, %q", first.title, second.title)
	}
	cp, ng := second.nodeWith(t, "control plane"), second.nodeWith(t, "managed node group")
	second.wantEdge(t, ng, cp, "TCP 443 ✓", green)
	cp, ng = first.nodeWith(t, "control plane"), first.nodeWith(t, "self-managed node group")
	first.wantEdge(t, cp, ng, "TCP 10250 ✗", red)
}

// oneCluster parses a Mermaid document of one cluster and returns that
// cluster's subgraph.
func oneCluster(t *testing.T, src string) *mermaidDiagram {
	t.Helper()
	d := parseMermaid(t, src)
	if len(d.subgraphs) != 1 {
		t.Fatalf("want one cluster, got %d subgraphs:\n%s", len(d.subgraphs), src)
	}
	return d.subgraphs[0].mermaidDiagram
}

// TestDiagramMermaidManyClusters: a document stays within the edges
// Mermaid renders; one node counts the clusters left out.
func TestDiagramMermaidManyClusters(t *testing.T) {
	var docs []*graph.Document
	for i := range 150 {
		file := fmt.Sprintf("c%03d.yaml", i)
		c := &graph.Cluster{Key: graph.ClusterKeyForName(fmt.Sprintf("c%03d", i)), Name: graph.Lit(fmt.Sprintf("c%03d", i)),
			Loc: graph.Location{File: file, Line: 1}, Defined: true, Certain: true}
		sg := &graph.SecurityGroup{Key: graph.ResourceSGKey(file, "SG"), Name: "SG", Defined: true}
		docs = append(docs, &graph.Document{File: file, Clusters: []*graph.Cluster{c}, SGs: []*graph.SecurityGroup{sg},
			NodeGroups: []*graph.NodeGroup{{Key: "ng:" + file, Name: "ng", Kind: graph.SelfManagedNodeGroup,
				ClusterKey: c.Key, Certain: true, SGs: []graph.SGMember{{SG: sg.Key, Certain: true}}}}})
	}
	out := diagram(t, graph.Merge(docs), "mermaid")
	d := parseMermaid(t, out)
	// 4 edges a cluster: 125 clusters fit in 500 edges.
	if len(d.edges) > 500 || len(out) > 50000 || len(d.subgraphs) < 100 {
		t.Errorf("%d edges, %d characters, %d clusters drawn", len(d.edges), len(out), len(d.subgraphs))
	}
	want := fmt.Sprintf("%d more clusters not drawn", 150-len(d.subgraphs))
	if more := d.nodeWith(t, want); !mermaidID.MatchString(more) {
		t.Errorf("bad ID %q", more)
	}
}

func TestDiagramDOT(t *testing.T) {
	r := scanFixtures(t, readmeExample, kubeletBlocked)
	out := diagram(t, r.Graph, "dot")
	d := parseDOT(t, out)
	if len(d.subgraphs) != 2 || d.subgraphs[0] != "cluster_1" || d.subgraphs[1] != "cluster_2" {
		t.Errorf("subgraphs %v", d.subgraphs)
	}
	var cp443, cp10250 *dotEdge
	for i, e := range d.edges {
		switch {
		case strings.HasPrefix(d.nodes[e.to]["label"], `control plane of cluster "search"`) && e.attrs["label"] == "TCP 443 ✓":
			cp443 = &d.edges[i]
		case strings.HasPrefix(d.nodes[e.from]["label"], `control plane of cluster "${ClusterName}"`) && e.attrs["label"] == "TCP 10250 ✗":
			cp10250 = &d.edges[i]
		}
	}
	if cp443 == nil || cp443.attrs["color"] != "#2da44e" || cp443.attrs["style"] == "dashed" {
		t.Errorf("443 edge of the README example should be green: %+v\n%s", cp443, out)
	}
	if cp10250 == nil || cp10250.attrs["color"] != "#cf222e" {
		t.Errorf("10250 edge of the EKSSG021 case should be red: %+v\n%s", cp10250, out)
	}
	for _, e := range d.edges {
		if strings.HasSuffix(e.attrs["label"], "?") != (e.attrs["style"] == "dashed") {
			t.Errorf("unknown edges, and only they, are dashed: %+v", e)
		}
	}
	checkWithGraphviz(t, out)
}

// weirdGraph has names that need escaping everywhere: quotes, entity and
// HTML characters, backticks, backslashes, pipes, line breaks, non-ASCII,
// Mermaid keywords, and two node groups with the same security groups.
func weirdGraph() *graph.Graph {
	const file = "w.yaml"
	sg := func(id, name string) *graph.SecurityGroup {
		return &graph.SecurityGroup{Key: graph.ResourceSGKey(file, id), Name: name, Defined: true, Resource: id,
			Rules: []*graph.Rule{{SG: graph.ResourceSGKey(file, id), Direction: graph.Egress, Protocol: graph.ProtoAll,
				PortsKnown: true, Peer: graph.Peer{Kind: graph.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0")}, Certain: true}}}
	}
	cpSG := sg("CP", "cp \"quoted\" #1 & <b>bold</b> `tick` back\\slash | pipe")
	nodeSG := sg("N", "nodes\nnewline\x1b[2J\u202e")
	cluster := &graph.Cluster{Key: graph.ClusterKeyForName(`we"ird`), Name: graph.Lit("we\"ird <x> #quot; `y`\n"),
		Defined: true, Certain: true, Version: graph.Lit("1.10"), // no cluster SG
		ControlPlaneSGs: []graph.SGMember{{SG: cpSG.Key, Certain: true}}}
	ng := func(name string, sgs ...graph.SGKey) *graph.NodeGroup {
		n := &graph.NodeGroup{Key: "ng:" + name, Name: name, Kind: graph.SelfManagedNodeGroup, ClusterKey: cluster.Key, Certain: true}
		for _, k := range sgs {
			n.SGs = append(n.SGs, graph.SGMember{SG: k, Certain: true})
		}
		return n
	}
	return graph.Merge([]*graph.Document{{
		File:     file,
		SGs:      []*graph.SecurityGroup{cpSG, nodeSG},
		Clusters: []*graph.Cluster{cluster},
		NodeGroups: []*graph.NodeGroup{
			ng("end", nodeSG.Key),
			ng("o-x ünï \"q\" {b}", nodeSG.Key), // same groups as "end": one box
			ng("", cpSG.Key),
			ng("9 lives|x"),
		},
	}})
}

func TestDiagramEscaping(t *testing.T) {
	g := weirdGraph()
	mm := diagram(t, g, "mermaid")
	d := oneCluster(t, mm) // checks IDs, quoting and styles
	for id, label := range d.labels {
		if strings.ContainsAny(strings.ReplaceAll(label, "<br/>", ""), "\"<>`\\\n\r&") {
			t.Errorf("label of %s holds a raw special character or HTML: %q", id, label)
		}
	}
	if !strings.Contains(mm, `cp #quot;quoted#quot; #35;1 #amp; #lt;b#gt;bold#lt;/b#gt; #96;tick#96; back#92;#8288;slash | pipe`) {
		t.Errorf("control-plane group name not escaped as expected:\n%s", mm)
	}
	if !strings.Contains(mm, "control plane of cluster #quot;we#92;#8288;#quot;ird #lt;x#gt; #35;quot; #96;y#96;#92;#8288;n#quot;") {
		t.Errorf("cluster name not escaped as expected:\n%s", mm)
	}
	box := d.nodeWith(t, "self-managed node group #quot;end#quot;")
	if !strings.Contains(d.labels[box], "<br/>self-managed node group #quot;o-x ünï #92;#8288;#quot;q#92;#8288;#quot; {b}#quot;<br/>nodes#92;#8288;nnewline#92;#8288;x1b[2J#92;#8288;u202e") {
		t.Errorf("node groups with the same groups should share a box: %q", d.labels[box])
	}
	if len(d.labels) != 4 { // control plane + 3 boxes
		t.Errorf("want 4 nodes, got %v", d.labels)
	}
	empty := d.nodeWith(t, "self-managed node group #quot;9 lives|x#quot;")
	if !strings.Contains(d.labels[empty], "<br/>no security group") {
		t.Errorf("node group without groups: %q", d.labels[empty])
	}
	cp := d.nodeWith(t, "control plane")
	// No cluster SG (1.10), a control-plane SG without ingress rules: blocked.
	d.wantEdge(t, box, cp, "TCP 443 ✗", red)

	dot := diagram(t, g, "dot")
	// Names reach `graph` output on a terminal: no control character, no
	// bidi override, no raw line break inside a label (safetext.Line).
	if strings.ContainsAny(mm+dot, "\x1b\u202e\r") || strings.Contains(dot, "nodes\nnewline") {
		t.Errorf("control characters in the diagrams:\n%q\n%q", mm, dot)
	}
	dd := parseDOT(t, dot)
	if len(dd.nodes) != 4 {
		t.Errorf("want 4 DOT nodes, got %v", dd.nodes)
	}
	found := false
	for _, attrs := range dd.nodes {
		if attrs["label"] == "control plane of cluster \"we\\\"ird <x> #quot; `y`\\n\"\\ncp \"quoted\" #1 & <b>bold</b> `tick` back\\slash | pipe" {
			found = true
		}
	}
	if !found {
		t.Errorf("DOT label does not round-trip:\n%s", dot)
	}
	checkWithGraphviz(t, dot)
}

func TestDiagramNoClustersAndBadFormat(t *testing.T) {
	for _, g := range []*graph.Graph{nil, {}} {
		if got := diagram(t, g, "mermaid"); got != "flowchart LR; none[\"no EKS clusters in the scanned files\"]\n" {
			t.Errorf("mermaid: %q", got)
		}
		got := diagram(t, g, "dot")
		if got != "digraph \"eks-sg-lint\" { label=\"no EKS clusters in the scanned files\"; }\n" {
			t.Errorf("dot: %q", got)
		}
		parseDOT(t, got)
	}
	var b bytes.Buffer
	if err := report.WriteDiagram(&b, &graph.Graph{}, "svg"); err == nil || b.Len() != 0 {
		t.Errorf("unknown format: err %v, output %q", err, b.String())
	}
}

// A parsed DOT graph, as much as the tests need.

var dotNodeID = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

type dotEdge struct {
	from, to string
	attrs    map[string]string
}

type dotGraph struct {
	nodes     map[string]map[string]string
	edges     []dotEdge
	subgraphs []string
}

// dotTokens splits DOT text into IDs, quoted strings (unquoted, with \"
// and \\ decoded, other escapes such as \n kept as written: they are
// Graphviz label escapes), and punctuation.
func dotTokens(t *testing.T, src string) []string {
	t.Helper()
	var toks []string
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '/' && strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '"':
			var b strings.Builder
			i++
			for {
				if i >= len(src) {
					t.Fatalf("unterminated string in DOT:\n%s", src)
				}
				if src[i] == '\\' && i+1 < len(src) && (src[i+1] == '"' || src[i+1] == '\\') {
					b.WriteByte(src[i+1])
					i += 2
					continue
				}
				if src[i] == '"' {
					i++
					break
				}
				if src[i] == '\n' {
					t.Fatalf("raw newline in a DOT string:\n%s", src)
				}
				b.WriteByte(src[i])
				i++
			}
			toks = append(toks, "\x00"+b.String()) // \x00 marks a quoted string
		case strings.HasPrefix(src[i:], "->"):
			toks = append(toks, "->")
			i += 2
		case strings.ContainsRune("{}[];,=", rune(c)):
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(src) && (src[j] == '_' || src[j] == '.' || src[j] == '#' ||
				src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			if j == i {
				t.Fatalf("unexpected %q in DOT at %d:\n%s", c, i, src)
			}
			toks = append(toks, src[i:j])
			i = j
		}
	}
	return toks
}

// parseDOT parses the digraph diagram.go writes and checks its structure:
// one digraph, balanced braces, nodes declared once and before the edges
// that use them, attribute lists well formed.
func parseDOT(t *testing.T, src string) *dotGraph {
	t.Helper()
	toks := dotTokens(t, src)
	d := &dotGraph{nodes: map[string]map[string]string{}}
	p := 0
	next := func() string {
		if p >= len(toks) {
			t.Fatalf("unexpected end of DOT:\n%s", src)
		}
		p++
		return toks[p-1]
	}
	val := func(s string) string { return strings.TrimPrefix(s, "\x00") }
	expect := func(want string) {
		if got := next(); got != want {
			t.Fatalf("DOT: want %q, got %q at token %d:\n%s", want, got, p-1, src)
		}
	}
	attrs := func() map[string]string {
		m := map[string]string{}
		for {
			k := next()
			if k == "]" {
				return m
			}
			if k == "," {
				continue
			}
			expect("=")
			m[val(k)] = val(next())
		}
	}
	expect("digraph")
	next() // graph name
	expect("{")
	depth := 1
	for depth > 0 {
		tok := next()
		switch {
		case tok == "}":
			depth--
		case tok == ";":
		case tok == "subgraph":
			d.subgraphs = append(d.subgraphs, val(next()))
			expect("{")
			depth++
		case tok == "node" || tok == "edge":
			expect("[")
			attrs()
		default:
			id := val(tok)
			if op := toks[p]; (op == "[" || op == "->") && !dotNodeID.MatchString(tok) {
				t.Errorf("DOT node ID %q is not a plain identifier", tok)
			}
			switch op := next(); op {
			case "=": // graph attribute
				next()
			case "[":
				if _, dup := d.nodes[id]; dup {
					t.Errorf("DOT node %q declared twice", id)
				}
				d.nodes[id] = attrs()
			case "->":
				to := next()
				if !dotNodeID.MatchString(to) {
					t.Errorf("DOT node ID %q is not a plain identifier", to)
				}
				expect("[")
				e := dotEdge{from: id, to: to, attrs: attrs()}
				for _, n := range []string{e.from, e.to} {
					if _, ok := d.nodes[n]; !ok {
						t.Errorf("DOT edge %s -> %s uses undeclared node %q", e.from, e.to, n)
					}
				}
				d.edges = append(d.edges, e)
			default:
				t.Fatalf("DOT: unexpected %q after %q:\n%s", op, tok, src)
			}
		}
	}
	if p != len(toks) {
		t.Errorf("DOT: tokens after the closing brace: %q", toks[p:])
	}
	return d
}

// checkWithGraphviz lays the graph out with Graphviz when it is installed.
func checkWithGraphviz(t *testing.T, src string) {
	t.Helper()
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Log("Graphviz not installed; DOT checked structurally only")
		return
	}
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = strings.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("dot -Tsvg: %v %s\n%s", err, stderr.String(), src)
	}
}

// manyGroups is a cluster with n self-managed node groups, each on its own
// security group (so none share a box).
func manyGroups(n int) *graph.Graph {
	const file = "many.yaml"
	c := &graph.Cluster{Key: graph.ClusterKeyForName("big"), Name: graph.Lit("big"), Defined: true, Certain: true}
	doc := &graph.Document{File: file, Clusters: []*graph.Cluster{c}}
	for i := range n {
		id := fmt.Sprintf("SG%02d", i)
		sg := &graph.SecurityGroup{Key: graph.ResourceSGKey(file, id), Name: id, Defined: true}
		doc.SGs = append(doc.SGs, sg)
		doc.NodeGroups = append(doc.NodeGroups, &graph.NodeGroup{Key: "ng:" + id, Name: fmt.Sprintf("ng-%02d", i),
			Kind: graph.SelfManagedNodeGroup, ClusterKey: c.Key, Certain: true,
			SGs: []graph.SGMember{{SG: sg.Key, Certain: true}}})
	}
	return graph.Merge([]*graph.Document{doc})
}

func TestDiagramMermaidLimits(t *testing.T) {
	// 10 boxes: every pair drawn.
	d := oneCluster(t, diagram(t, manyGroups(10), "mermaid"))
	if want := 10*4 + 10*9/2; len(d.edges) != want {
		t.Errorf("10 node groups: %d edges, want %d", len(d.edges), want)
	}
	// 11 boxes: only self-loops between node groups, and a comment says so.
	out := diagram(t, manyGroups(11), "mermaid")
	d = oneCluster(t, out)
	if len(d.edges) != 11*4 || !strings.Contains(out, "    %% traffic between different node groups is not drawn (11 boxes") {
		t.Errorf("11 node groups: %d edges:\n%s", len(d.edges), out)
	}
	// 60: 50 boxes drawn, one more box counts the rest.
	out = diagram(t, manyGroups(60), "mermaid")
	d = oneCluster(t, out)
	if len(d.labels) != 1+50+1 || len(d.edges) != 50*4 {
		t.Errorf("60 node groups: %d nodes, %d edges", len(d.labels), len(d.edges))
	}
	more := d.nodeWith(t, "10 more node groups not drawn")
	if !mermaidID.MatchString(more) {
		t.Errorf("bad ID %q", more)
	}
	// DOT draws everything.
	dd := parseDOT(t, diagram(t, manyGroups(60), "dot"))
	if len(dd.nodes) != 61 || len(dd.edges) != 60*4+60*59/2 {
		t.Errorf("DOT: %d nodes, %d edges", len(dd.nodes), len(dd.edges))
	}
}
