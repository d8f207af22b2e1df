package report

// Diagrams of the flows AWS requires or recommends between a cluster's
// control plane and its nodes (Mermaid for Markdown, Graphviz DOT for
// everything else).
//
// One diagram per cluster: a box for the control plane (listing the
// cluster SG and the control-plane SGs) and one per node group of that
// cluster (listing its node SGs; node groups with the same, fully known
// SGs share a box, since they have the same flows), and an edge for each
// flow of the seed, asked of the reachability engine (graph.Reach):
//
//	node group → control plane     TCP 443        (required)
//	control plane → node group     TCP 10250      (required)
//	control plane → node group     TCP 1025-65535 (recommended)
//	node group ↔ node group        all traffic    (recommended; a self-loop
//	                                              for nodes of one group)
//
// An edge is green (✓) when the flow is proven allowed, red (✗) when it is
// proven blocked, amber ("partly ✗") when part of it is proven blocked and
// the rest is allowed or unknown, and grey and dashed (?) when the files do
// not settle it. Two boxes whose flows are the same both ways get one
// two-headed edge. Mermaid diagrams are kept within what GitHub renders
// (mermaidLimits); DOT diagrams draw everything. Everything is sorted: the
// same graph gives the same text.

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
)

// noClustersText is what a diagram says when the scan found no cluster.
const noClustersText = "no EKS clusters in the scanned files"

// WriteDiagram writes one diagram of every cluster of g. format is
// "mermaid" (one `flowchart LR` with a subgraph per cluster, without
// Markdown fences, within what Mermaid renders: see writeMermaidDoc) or
// "dot" (one Graphviz digraph with a `subgraph cluster_N` per cluster).
// With no clusters it writes one line that is still a valid diagram
// saying so.
func WriteDiagram(w io.Writer, g *graph.Graph, format string) error {
	var b strings.Builder
	switch format {
	case "mermaid":
		ds := buildDiagrams(g, mermaidLimits)
		if len(ds) == 0 {
			b.WriteString("flowchart LR; none[\"" + mermaidText(noClustersText) + "\"]\n")
		}
		if len(ds) > 0 {
			writeMermaidDoc(&b, ds)
		}
	case "dot":
		writeDOT(&b, buildDiagrams(g, diagramLimits{}))
	default:
		return fmt.Errorf("unknown diagram format %q (want mermaid or dot)", format)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// edgeState is what the files prove about one flow.
type edgeState uint8

const (
	edgeAllowed edgeState = iota
	edgeBlocked
	edgePartial
	edgeUnknown
)

// mark is the sign an edge label ends with.
func (s edgeState) mark() string {
	switch s {
	case edgeAllowed:
		return "✓"
	case edgeBlocked:
		return "✗"
	case edgePartial:
		return "partly ✗"
	}
	return "?"
}

// color is the edge colour (GitHub's Primer palette: success, danger,
// attention, muted).
func (s edgeState) color() string {
	switch s {
	case edgeAllowed:
		return "#2da44e"
	case edgeBlocked:
		return "#cf222e"
	case edgePartial:
		return "#bf8700"
	}
	return "#8c959f"
}

// severity orders states for the summary: blocked first, then partly
// blocked, unknown, allowed.
func (s edgeState) severity() int {
	switch s {
	case edgeBlocked:
		return 3
	case edgePartial:
		return 2
	case edgeUnknown:
		return 1
	}
	return 0
}

// summary names the state in a collapsed section's heading.
func (s edgeState) summary() string {
	switch s {
	case edgeBlocked:
		return "✗ a required or recommended flow is blocked"
	case edgePartial:
		return "partly ✗ a flow is partly blocked"
	case edgeUnknown:
		return "? some flows are not provable from the files"
	}
	return "✓ every flow allowed"
}

// worst is the most severe state of a diagram's edges (allowed when it has
// none).
func (d clusterDiagram) worst() edgeState {
	w := edgeAllowed
	for _, e := range d.edges {
		if e.state.severity() > w.severity() {
			w = e.state
		}
	}
	return w
}

// sortBySeverity puts diagrams with blocked flows first, keeping the
// order of diagrams of equal severity.
func sortBySeverity(ds []clusterDiagram) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].worst().severity() > ds[j].worst().severity() })
}

func stateOf(f graph.Flow) edgeState {
	switch {
	case f.Result() == graph.Yes:
		return edgeAllowed
	case f.Result() == graph.No:
		return edgeBlocked
	case !f.Blocked.IsEmpty():
		return edgePartial
	}
	return edgeUnknown
}

type diagramNode struct {
	id string
	// lines of the label: a heading and one security group a line.
	lines []string
}

type diagramEdge struct {
	from, to string
	what     string
	state    edgeState
	// both: the flow is the same in the other direction too.
	both bool
}

func (e diagramEdge) label() string { return e.what + " " + e.state.mark() }

type clusterDiagram struct {
	// n is the 1-based position of the cluster in sorted order; ids
	// carry it so that clusters never share an identifier.
	n     int
	title string
	nodes []diagramNode
	edges []diagramEdge
	// omitted says what was left out to keep the diagram renderable.
	omitted string
}

// requiredFlows are the flows between the control plane and a node group,
// in the order they are drawn.
var requiredFlows = []struct {
	toControlPlane bool
	what           string
	traffic        graph.Traffic
}{
	{true, "TCP 443", graph.ProtocolPorts(graph.ProtoTCP, graph.Ports(443, 443))},
	{false, "TCP 10250", graph.ProtocolPorts(graph.ProtoTCP, graph.Ports(10250, 10250))},
	{false, "TCP 1025-65535", graph.ProtocolPorts(graph.ProtoTCP, graph.Ports(1025, 65535))},
}

// diagramLimits keep a diagram renderable: Mermaid (as GitHub runs it)
// refuses more than 500 edges or 50,000 characters.
type diagramLimits struct {
	// maxGroups is the most node-group boxes drawn per cluster (0: all);
	// the rest are counted in one more box.
	maxGroups int
	// maxPairwise is the most node-group boxes for which edges between
	// different boxes are drawn (0: always); self-loops always are.
	maxPairwise int
}

// mermaidLimits: 3 edges to the control plane and a self-loop per box,
// 4*50 = 200 edges, plus at most 10*9/2*2 = 90 between boxes.
var mermaidLimits = diagramLimits{maxGroups: 50, maxPairwise: 10}

// ngBox is one box of node groups: node groups with the same security
// groups (all known) have the same flows, so they share a box.
type ngBox struct {
	id    string
	ep    graph.Endpoint
	heads []string
}

// buildDiagrams lays out one diagram per cluster, clusters sorted by name
// (then key), node groups by name (then kind, location and key).
func buildDiagrams(g *graph.Graph, lim diagramLimits) []clusterDiagram {
	if g == nil {
		return nil
	}
	clusters := append([]*graph.Cluster(nil), g.Clusters...)
	sort.SliceStable(clusters, func(i, j int) bool {
		a, b := clusters[i], clusters[j]
		if an, bn := a.DisplayName(), b.DisplayName(); an != bn {
			return an < bn
		}
		return a.Key < b.Key
	})
	byCluster := map[string][]*graph.NodeGroup{}
	for _, ng := range g.NodeGroups {
		if ng.ClusterKey != "" {
			byCluster[ng.ClusterKey] = append(byCluster[ng.ClusterKey], ng)
		}
	}
	var out []clusterDiagram
	for ci, c := range clusters {
		d := clusterDiagram{n: ci + 1, title: clusterTitle(c)}
		cp := g.ControlPlane(c)
		cpID := "c" + strconv.Itoa(d.n) + "_cp"
		d.nodes = append(d.nodes, diagramNode{id: cpID,
			lines: append([]string{"control plane of cluster " + strconv.Quote(c.DisplayName())}, endpointLines(g, cp)...)})

		boxes := nodeGroupBoxes(g, d.n, byCluster[c.Key])
		hidden := 0
		if lim.maxGroups > 0 && len(boxes) > lim.maxGroups {
			for _, b := range boxes[lim.maxGroups:] {
				hidden += len(b.heads)
			}
			boxes = boxes[:lim.maxGroups]
		}
		for _, b := range boxes {
			d.nodes = append(d.nodes, diagramNode{id: b.id, lines: append(append([]string(nil), b.heads...), endpointLines(g, b.ep)...)})
		}
		if hidden > 0 {
			d.nodes = append(d.nodes, diagramNode{id: cpID[:len(cpID)-2] + "more",
				lines: []string{fmt.Sprintf("%d more node groups not drawn (eks-sg-lint graph --format dot draws all)", hidden)}})
		}
		for _, b := range boxes {
			for _, rf := range requiredFlows {
				from, to, fromID, toID := b.ep, cp, b.id, cpID
				if !rf.toControlPlane {
					from, to, fromID, toID = cp, b.ep, cpID, b.id
				}
				d.edges = append(d.edges, diagramEdge{from: fromID, to: toID, what: rf.what,
					state: stateOf(g.Reach(from, to, rf.traffic))})
			}
		}
		pairwise := lim.maxPairwise == 0 || len(boxes) <= lim.maxPairwise
		if !pairwise {
			d.omitted = fmt.Sprintf("traffic between different node groups is not drawn (%d boxes of node groups; eks-sg-lint graph --format dot draws it)", len(boxes))
		}
		all := graph.AllTraffic()
		for i, a := range boxes {
			for j := i; j < len(boxes); j++ {
				b := boxes[j]
				ab := stateOf(g.Reach(a.ep, b.ep, all))
				if i == j {
					d.edges = append(d.edges, diagramEdge{from: a.id, to: a.id, what: "all traffic", state: ab})
					continue
				}
				if !pairwise {
					continue
				}
				ba := stateOf(g.Reach(b.ep, a.ep, all))
				if ab == ba {
					d.edges = append(d.edges, diagramEdge{from: a.id, to: b.id, what: "all traffic", state: ab, both: true})
					continue
				}
				d.edges = append(d.edges,
					diagramEdge{from: a.id, to: b.id, what: "all traffic", state: ab},
					diagramEdge{from: b.id, to: a.id, what: "all traffic", state: ba})
			}
		}
		out = append(out, d)
	}
	return out
}

// clusterTitle heads a cluster's diagram: its name, and the file that
// defines it when the name is not concrete (a parameter, a placeholder),
// since then only the file tells two such clusters apart.
func clusterTitle(c *graph.Cluster) string {
	t := "cluster " + strconv.Quote(c.DisplayName())
	if !strings.HasPrefix(c.Key, graph.ClusterKeyForName("")) && c.Loc.File != "" {
		t += " in " + c.Loc.File
	}
	return t
}

// nodeGroupBoxes sorts a cluster's node groups and puts those with the
// same, fully known security groups in one box, boxes in the order of
// their first node group.
func nodeGroupBoxes(g *graph.Graph, cluster int, ngs []*graph.NodeGroup) []*ngBox {
	ngs = append([]*graph.NodeGroup(nil), ngs...)
	sort.SliceStable(ngs, func(i, j int) bool {
		a, b := ngs[i], ngs[j]
		switch {
		case a.Name != b.Name:
			return a.Name < b.Name
		case a.Kind != b.Kind:
			return a.Kind < b.Kind
		case a.Loc != b.Loc:
			return a.Loc.Less(b.Loc)
		}
		return a.Key < b.Key
	})
	var boxes []*ngBox
	byKey := map[string]*ngBox{}
	for _, ng := range ngs {
		ep := g.Nodes(ng)
		var b *ngBox
		key := endpointKey(ep)
		if !ep.Open { // groups the files do not show may differ
			b = byKey[key]
		}
		if b == nil {
			b = &ngBox{id: fmt.Sprintf("c%d_ng%d_%s", cluster, len(boxes)+1, sanitizeID(ng.Name)), ep: ep}
			byKey[key] = b
			boxes = append(boxes, b)
		}
		head := ng.Kind.String() + " " + strconv.Quote(ng.Name)
		if !ng.Certain {
			head += " (conditional)"
		}
		b.heads = append(b.heads, head)
	}
	return boxes
}

// endpointKey identifies the security groups of an endpoint that is not
// open: endpoints with equal keys have the same flows to and from
// everything.
func endpointKey(e graph.Endpoint) string {
	var parts []string
	for _, m := range graph.Distinct(e.SGs) {
		parts = append(parts, strconv.FormatBool(m.Certain)+" "+string(m.SG))
	}
	sort.Strings(parts)
	return strings.Join(parts, "\x00")
}

// endpointLines names an endpoint's groups, one a line, in the order the
// endpoint lists them (first mention wins).
func endpointLines(g *graph.Graph, e graph.Endpoint) []string {
	var lines []string
	for _, m := range graph.Distinct(e.SGs) {
		name := g.SGName(m.SG)
		if !m.Certain {
			name += " (conditional)"
		}
		lines = append(lines, name)
	}
	switch {
	case e.Open:
		lines = append(lines, "+ groups the files do not show")
	case len(lines) == 0:
		lines = append(lines, "no security group")
	}
	return lines
}

// sanitizeID keeps ASCII letters, digits and underscores (safe as a
// Mermaid and a DOT identifier), replacing runs of anything else with one
// underscore, and shortens long names.
func sanitizeID(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !ok {
			if !under {
				b.WriteByte('_')
			}
			under = true
			continue
		}
		under = false
		b.WriteRune(r)
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}

// Mermaid

// mermaidEscaper turns text into what a quoted Mermaid label may hold:
// Mermaid entity codes (#quot; and friends, decoded to HTML entities) for
// the characters that end the string, start an entity or HTML, or would
// close a Markdown fence; line breaks become spaces. Mermaid turns `\n`
// into a line break even when the backslash is an entity, so a backslash
// is followed by a word joiner (#8288;), which shows nothing and keeps
// the line from breaking there.
var mermaidEscaper = strings.NewReplacer(
	"#", "#35;", `"`, "#quot;", "&", "#amp;", "<", "#lt;", ">", "#gt;", "`", "#96;", `\`, "#92;#8288;",
	"\r\n", " ", "\r", " ", "\n", " ",
)

// mermaidText is untrusted text in a label: safetext.Line first (control
// characters and line breaks become visible escapes, as in every channel),
// then Mermaid's own escaping.
func mermaidText(s string) string { return mermaidEscaper.Replace(safetext.Line(s)) }

func mermaidLabel(lines []string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		esc[i] = mermaidText(l)
	}
	return `"` + strings.Join(esc, "<br/>") + `"`
}

// mermaidStyle is the linkStyle of an edge.
func mermaidStyle(s edgeState) string {
	if s == edgeUnknown {
		return "stroke:" + s.color() + ",stroke-width:1px,stroke-dasharray:5 5,color:#57606a"
	}
	return "stroke:" + s.color() + ",stroke-width:2px,color:" + s.color()
}

// writeMermaid writes one cluster as a `flowchart LR` (no fences), as the
// Markdown summary draws each cluster in a fence of its own.
func writeMermaid(b *strings.Builder, d clusterDiagram) {
	b.WriteString("flowchart LR\n")
	b.WriteString("  %% " + safetext.Line(d.title) + "\n")
	if d.omitted != "" {
		b.WriteString("  %% " + safetext.Line(d.omitted) + "\n")
	}
	byState := map[edgeState][]string{}
	writeMermaidBody(b, d, "  ", 0, byState)
	writeLinkStyles(b, byState)
}

// Mermaid's defaults, which GitHub keeps: a diagram with more edges or a
// longer source is not rendered.
const (
	mermaidMaxEdges = 500
	mermaidMaxText  = 50000
)

// writeMermaidDoc writes every cluster into one `flowchart LR`, a
// subgraph per cluster headed with its title (several `flowchart`s in one
// document are not valid Mermaid). Clusters are added while the document
// stays within mermaidMaxEdges and mermaidMaxText (the first always is);
// one more node counts the clusters left out.
func writeMermaidDoc(b *strings.Builder, ds []clusterDiagram) {
	var body strings.Builder
	byState := map[edgeState][]string{}
	edges, more := 0, 0
	for i, d := range ds {
		var sec strings.Builder
		secStates := map[edgeState][]string{}
		fmt.Fprintf(&sec, "  subgraph c%d[%s]\n", d.n, mermaidLabel([]string{d.title}))
		if d.omitted != "" {
			sec.WriteString("    %% " + safetext.Line(d.omitted) + "\n")
		}
		writeMermaidBody(&sec, d, "    ", edges, secStates)
		sec.WriteString("  end\n")
		// linkStyle lines take about 100 characters per state plus the indices.
		if i > 0 && (more > 0 || edges+len(d.edges) > mermaidMaxEdges ||
			body.Len()+sec.Len()+8*(edges+len(d.edges))+600 > mermaidMaxText) {
			more++
			continue
		}
		body.WriteString(sec.String())
		edges += len(d.edges)
		for st, idx := range secStates {
			byState[st] = append(byState[st], idx...)
		}
	}
	b.WriteString("flowchart LR\n")
	b.WriteString(body.String())
	if more > 0 {
		fmt.Fprintf(b, "  more[%s]\n", mermaidLabel([]string{fmt.Sprintf(
			"%d more clusters not drawn (a Mermaid diagram holds at most %d edges; eks-sg-lint graph --format dot draws all)",
			more, mermaidMaxEdges)}))
	}
	writeLinkStyles(b, byState)
}

// writeMermaidBody writes a cluster's nodes and edges, each line starting
// with indent; edges are numbered from first (Mermaid numbers the edges of
// a document in order) into byState for linkStyle.
func writeMermaidBody(b *strings.Builder, d clusterDiagram, indent string, first int, byState map[edgeState][]string) {
	for _, n := range d.nodes {
		b.WriteString(indent + n.id + "[" + mermaidLabel(n.lines) + "]\n")
	}
	for i, e := range d.edges {
		arrow := "-->"
		if e.state == edgeUnknown {
			arrow = "-.->"
		}
		if e.both {
			arrow = "<" + arrow
		}
		fmt.Fprintf(b, "%s%s %s|%s| %s\n", indent, e.from, arrow, mermaidLabel([]string{e.label()}), e.to)
		byState[e.state] = append(byState[e.state], strconv.Itoa(first+i))
	}
}

// writeLinkStyles writes one linkStyle per state, listing the indices of
// its edges.
func writeLinkStyles(b *strings.Builder, byState map[edgeState][]string) {
	for _, s := range []edgeState{edgeAllowed, edgeBlocked, edgePartial, edgeUnknown} {
		if idx := byState[s]; len(idx) > 0 {
			fmt.Fprintf(b, "  linkStyle %s %s\n", strings.Join(idx, ","), mermaidStyle(s))
		}
	}
}

// DOT

// dotQuote makes a DOT double-quoted string; label line breaks are \n.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r\n", `\n`, "\r", `\n`, "\n", `\n`).Replace(s) + `"`
}

func writeDOT(b *strings.Builder, ds []clusterDiagram) {
	if len(ds) == 0 {
		b.WriteString(`digraph "eks-sg-lint" { label=` + dotQuote(noClustersText) + "; }\n")
		return
	}
	b.WriteString("digraph \"eks-sg-lint\" {\n")
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\"];\n")
	for _, d := range ds {
		fmt.Fprintf(b, "\n  subgraph cluster_%d {\n", d.n)
		fmt.Fprintf(b, "    label=%s;\n", dotQuote(safetext.Line(d.title)))
		if d.omitted != "" {
			fmt.Fprintf(b, "    // %s\n", safetext.Line(d.omitted))
		}
		for _, n := range d.nodes {
			lines := make([]string, len(n.lines))
			for i, l := range n.lines {
				lines[i] = safetext.Line(l) // untrusted names; the joins are the label's own breaks
			}
			fmt.Fprintf(b, "    %s [label=%s];\n", n.id, dotQuote(strings.Join(lines, "\n")))
		}
		for _, e := range d.edges {
			attrs := fmt.Sprintf("label=%s, color=%s, fontcolor=%s", dotQuote(safetext.Line(e.label())), dotQuote(e.state.color()), dotQuote(e.state.color()))
			if e.state == edgeUnknown {
				attrs += ", style=dashed"
			} else {
				attrs += ", penwidth=2"
			}
			if e.both {
				attrs += ", dir=both"
			}
			fmt.Fprintf(b, "    %s -> %s [%s];\n", e.from, e.to, attrs)
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
}
