package graph

import (
	"hash/maphash"
	"net/netip"
	"sort"
	"strings"
	"sync"
)

// Document is what one parser learned from one file. Documents are built
// independently (in parallel) and merged into one Graph per scan.
type Document struct {
	File string
	// SGs are the groups the file defines or refers to.
	SGs []*SecurityGroup
	// Rules are standalone rules; their SG may be defined in another file.
	Rules       []*Rule
	Clusters    []*Cluster
	NodeGroups  []*NodeGroup
	Attachments []Attachment
	// Aliases say that one key names the same group as another, e.g. an
	// export name and the group the exporting template defines.
	Aliases       map[SGKey]SGKey
	Notifications []Notification
	Suppressions  []Suppression
	// NestedStacks, Outputs and Assets link templates to the stack
	// resources that create them (nested.go).
	NestedStacks []NestedStack
	Outputs      []StackOutput
	Assets       AssetManifest
	// DeclaredParams are the names of the parameters the file declares
	// (CloudFormation Parameters), so the CLI can tell a --param that no
	// input declares (a typo) from one that is used.
	DeclaredParams []string
	// DeclaredVars are the root-module variables a Terraform folder
	// declares, for the same check of --var.
	DeclaredVars []string
}

// Graph is the linked model of a whole scan.
type Graph struct {
	SGs           map[SGKey]*SecurityGroup
	Clusters      []*Cluster
	NodeGroups    []*NodeGroup
	Attachments   []Attachment
	Notifications []Notification
	Suppressions  []Suppression
	// DeclaredParams holds every parameter name an input declares.
	DeclaredParams map[string]bool
	// DeclaredVars holds every Terraform root-module variable declared.
	DeclaredVars map[string]bool
	clusterByKey map[string]*Cluster
	// attachIndex: attachments by group, built on first use.
	attachOnce  sync.Once
	attachIndex map[SGKey][]int
}

// SG returns the group with that key (nil if the scan has none).
func (g *Graph) SG(k SGKey) *SecurityGroup { return g.SGs[k] }

// Cluster returns the cluster with that key (nil if none).
func (g *Graph) Cluster(key string) *Cluster { return g.clusterByKey[key] }

// SGName is a group's name for messages.
func (g *Graph) SGName(k SGKey) string {
	if sg := g.SGs[k]; sg != nil {
		return sg.Name
	}
	return string(k)
}

// SortedSGs lists groups in a stable order (by location, then key).
func (g *Graph) SortedSGs() []*SecurityGroup {
	out := make([]*SecurityGroup, 0, len(g.SGs))
	for _, sg := range g.SGs {
		out = append(out, sg)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Loc != out[j].Loc {
			return out[i].Loc.Less(out[j].Loc)
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Merge links the documents of one scan into a graph. Documents must be
// given in a deterministic order (sorted by file) for stable output.
func Merge(docs []*Document) *Graph {
	// Maps sized up front: a large scan has hundreds of thousands of rules,
	// and growing the maps step by step costs more than filling them.
	nSGs, nRules := 0, 0
	for _, d := range docs {
		nSGs += len(d.SGs)
		nRules += len(d.Rules)
		for _, sg := range d.SGs {
			nRules += len(sg.Rules)
		}
	}
	g := &Graph{SGs: make(map[SGKey]*SecurityGroup, nSGs), clusterByKey: map[string]*Cluster{}, DeclaredParams: map[string]bool{}, DeclaredVars: map[string]bool{}}
	for _, d := range docs {
		for _, p := range d.DeclaredParams {
			g.DeclaredParams[p] = true
		}
		for _, v := range d.DeclaredVars {
			g.DeclaredVars[v] = true
		}
	}
	aliases := map[SGKey]SGKey{}
	for _, d := range docs {
		for from, to := range d.Aliases {
			if from != to {
				aliases[from] = to
			}
		}
	}
	nestedNotes := linkNested(docs, aliases)
	resolve := func(k SGKey) SGKey {
		for i := 0; i < 16; i++ { // bounded: alias chains are short, cycles are ignored
			to, ok := aliases[k]
			if !ok {
				break
			}
			k = to
		}
		return k
	}
	members := func(ms []SGMember) []SGMember {
		for i := range ms {
			ms[i].SG = resolve(ms[i].SG)
		}
		return ms
	}
	// A group described twice (two dumps, a dump and a rules listing)
	// holds each permission once.
	// Seen rules by the hash of their key (a map of full keys would hold
	// tens of megabytes in a large scan); keys that share a hash are told
	// apart exactly.
	seed := maphash.MakeSeed()
	ruleSeen := make(map[uint64]*Rule, nRules)
	var hashShared map[ruleKey]bool
	ngByKey := map[string]*NodeGroup{}
	// cpSeen holds, for a cluster described more than once, the keys of its
	// control-plane groups so far (rebuilding it for every description is
	// quadratic when many files describe one cluster).
	cpSeen := map[*Cluster]map[SGKey]bool{}
	// A group or rule that several files describe alike (the groups an
	// eksctl cluster stack creates, modelled from every config of the
	// cluster) keeps the description of the first file whose node groups
	// carry the group, else of the first file: a finding about nodes then
	// points into the config of those nodes, not into another config of
	// the same cluster. carried holds the groups on the current document's
	// node groups; sgOnNodes and ruleOnNodes what the kept descriptions
	// came with.
	var carried map[SGKey]bool
	sgOnNodes := map[SGKey]bool{}
	ruleOnNodes := map[*Rule]bool{}
	addRule := func(r *Rule) {
		r.SG = resolve(r.SG)
		if r.Peer.Kind == PeerSG {
			r.Peer.SG = resolve(r.Peer.SG)
		}
		key := r.semanticKey()
		h := ruleHash(seed, key)
		if first, ok := ruleSeen[h]; !ok {
			ruleSeen[h] = r
			if carried[r.SG] {
				ruleOnNodes[r] = true
			}
		} else if first.semanticKey() == key {
			if carried[r.SG] && !ruleOnNodes[first] {
				// The same rule in a file whose node groups carry its group:
				// findings about those nodes point there.
				first.Loc, first.Resource = r.Loc, r.Resource
				ruleOnNodes[first] = true
			}
			return
		} else {
			if hashShared == nil {
				hashShared = map[ruleKey]bool{}
			}
			if hashShared[key] {
				return
			}
			hashShared[key] = true
		}
		sg := g.ensureSG(r.SG, r.Loc)
		sg.Rules = append(sg.Rules, r)
	}
	for _, d := range docs {
		carried = map[SGKey]bool{}
		for _, ng := range d.NodeGroups {
			for _, m := range ng.SGs {
				carried[resolve(m.SG)] = true
			}
		}
		for _, sg := range d.SGs {
			key := resolve(sg.Key)
			old := g.SGs[key]
			if sg.Defined && carried[key] && !sgOnNodes[key] {
				sgOnNodes[key] = true
				if old != nil && old.Defined {
					// Take this description (location, name, tags); the
					// rules of both stay.
					sg.Key, sg.Rules, old.Rules = key, old.Rules, sg.Rules
					if sg.ClusterSGOf == "" {
						sg.ClusterSGOf = old.ClusterSGOf
					}
					if sg.RemoteAccessOf == "" {
						sg.RemoteAccessOf = old.RemoteAccessOf
					}
					g.SGs[key] = sg
					for _, r := range old.Rules {
						addRule(r)
					}
					continue
				}
			}
			switch {
			case old == nil:
				sg.Key = key
				rules := sg.Rules
				sg.Rules = nil
				g.SGs[key] = sg
				for _, r := range rules {
					addRule(r)
				}
			case sg.Defined && !old.Defined:
				// The description replaces what was assumed about a group
				// only referred to: its assumed (implicit) rules go, rules
				// other files add to it stay.
				sg.Key = key
				rules := sg.Rules
				sg.Rules = nil
				for _, r := range old.Rules {
					if r.Implicit == "" {
						sg.Rules = append(sg.Rules, r)
					}
				}
				if sg.ClusterSGOf == "" {
					sg.ClusterSGOf = old.ClusterSGOf
				}
				if sg.RemoteAccessOf == "" {
					sg.RemoteAccessOf = old.RemoteAccessOf
				}
				if sg.ClusterSGOf != "" && !hasImplicitTag(sg.Tags) {
					for _, t := range old.Tags {
						if t.Implicit {
							sg.Tags = append(sg.Tags, t)
						}
					}
				}
				g.SGs[key] = sg
				for _, r := range rules {
					addRule(r)
				}
			default:
				if old.ClusterSGOf == "" {
					old.ClusterSGOf = sg.ClusterSGOf
				}
				if old.RemoteAccessOf == "" {
					old.RemoteAccessOf = sg.RemoteAccessOf
				}
				if !sg.Defined || old.Defined {
					// Only a second full description's rules count: an
					// assumption about a group already described does not.
					if sg.Defined {
						for _, r := range sg.Rules {
							addRule(r)
						}
					} else {
						for _, r := range sg.Rules {
							if r.Implicit == "" {
								addRule(r)
							}
						}
					}
				}
			}
		}
		for _, r := range d.Rules {
			addRule(r)
		}
		for _, c := range d.Clusters {
			c.ClusterSG = resolve(c.ClusterSG)
			c.ControlPlaneSGs = members(c.ControlPlaneSGs)
			old := g.clusterByKey[c.Key]
			if old == nil {
				g.clusterByKey[c.Key] = c
				g.Clusters = append(g.Clusters, c)
				continue
			}
			if cpSeen[old] == nil {
				cpSeen[old] = map[SGKey]bool{}
				for _, m := range old.ControlPlaneSGs {
					cpSeen[old][m.SG] = true
				}
			}
			mergeCluster(old, c, cpSeen[old])
		}
		for _, ng := range d.NodeGroups {
			ng.SGs = members(ng.SGs)
			if old := ngByKey[ng.Key]; old != nil {
				// The same nodes seen twice (describe-nodegroup and the
				// instances): the groups seen on either are on the nodes.
				old.SGs = Distinct(append(old.SGs, ng.SGs...))
				old.SGsOpen = old.SGsOpen && ng.SGsOpen
				continue
			}
			ngByKey[ng.Key] = ng
			g.NodeGroups = append(g.NodeGroups, ng)
		}
		for _, a := range d.Attachments {
			a.SG = resolve(a.SG)
			g.Attachments = append(g.Attachments, a)
		}
		g.Notifications = append(g.Notifications, d.Notifications...)
		g.Suppressions = append(g.Suppressions, d.Suppressions...)
	}
	g.Notifications = append(g.Notifications, nestedNotes...)
	// Every referenced group exists in the graph, if only as unknown.
	for _, c := range g.Clusters {
		for _, m := range c.ControlPlaneSGs {
			g.ensureSG(m.SG, m.Loc)
		}
	}
	for _, ng := range g.NodeGroups {
		for _, m := range ng.SGs {
			g.ensureSG(m.SG, m.Loc)
		}
		if ng.ClusterKey != "" && g.clusterByKey[ng.ClusterKey] == nil {
			c := &Cluster{Key: ng.ClusterKey, Name: Lit(strings.TrimPrefix(ng.ClusterKey, "name:")), Loc: ng.Loc,
				EndpointPublic: Unknown, EndpointPrivate: Unknown}
			g.clusterByKey[c.Key] = c
			g.Clusters = append(g.Clusters, c)
		}
	}
	for _, a := range g.Attachments {
		g.ensureSG(a.SG, a.Loc)
	}
	sort.SliceStable(g.Clusters, func(i, j int) bool { return g.Clusters[i].Loc.Less(g.Clusters[j].Loc) })
	sort.SliceStable(g.NodeGroups, func(i, j int) bool { return g.NodeGroups[i].Loc.Less(g.NodeGroups[j].Loc) })
	return g
}

// mergeCluster folds a second description of the same cluster into the
// first; seen holds the keys of old's control-plane groups.
func mergeCluster(old, c *Cluster, seen map[SGKey]bool) {
	if !old.Defined && c.Defined {
		old.Defined, old.Loc, old.Resource, old.Version = true, c.Loc, c.Resource, c.Version
		old.ControlPlaneSGsOpen = c.ControlPlaneSGsOpen
		old.EndpointPublic, old.EndpointPrivate = c.EndpointPublic, c.EndpointPrivate
		old.Certain = c.Certain
	}
	if old.ClusterSG == "" {
		old.ClusterSG = c.ClusterSG
	}
	for _, m := range c.ControlPlaneSGs {
		if !seen[m.SG] {
			seen[m.SG] = true
			old.ControlPlaneSGs = append(old.ControlPlaneSGs, m)
		}
	}
}

// ensureSG returns the group with that key, creating an unknown one for a
// group only referred to.
func (g *Graph) ensureSG(k SGKey, loc Location) *SecurityGroup {
	if sg := g.SGs[k]; sg != nil {
		return sg
	}
	sg := &SecurityGroup{Key: k, Name: ExternalSGName(k), Loc: loc, TagsOpen: true, RulesOpen: true}
	g.SGs[k] = sg
	return sg
}

// ExternalSGName names a group the files only refer to.
func ExternalSGName(k SGKey) string {
	s := string(k)
	switch {
	case strings.HasPrefix(s, "param:"):
		return "parameter " + s[strings.LastIndexByte(s, '#')+1:]
	case strings.HasPrefix(s, "import:"):
		return "ImportValue " + strings.TrimPrefix(s, "import:")
	case strings.HasPrefix(s, "cfn:"):
		return s[strings.LastIndexByte(s, '#')+1:]
	case strings.HasPrefix(s, "unknown:"):
		return "unresolved security group at " + strings.TrimPrefix(s, "unknown:")
	}
	return s
}

func hasImplicitTag(tags []Tag) bool {
	for _, t := range tags {
		if t.Implicit {
			return true
		}
	}
	return false
}

// ruleHash hashes rule keys for Merge (a variable so that tests can make
// every key collide).
var ruleHash = maphash.Comparable[ruleKey]

// ruleKey identifies what a rule permits, so the same permission
// described twice is kept once (conditional rules stay distinct). It is a
// struct rather than a formatted string: Merge builds one per rule.
type ruleKey struct {
	sg                   SGKey
	dir                  Direction
	proto, from, to      int
	portsKnown           bool
	kind                 PeerKind
	cidr                 netip.Prefix
	peer                 string   // a group's key, or a prefix list's
	unknownAt            Location // unknown peers are never the same
	certain, hasImplicit bool
}

func (r *Rule) semanticKey() ruleKey {
	k := ruleKey{sg: r.SG, dir: r.Direction, proto: r.Protocol, from: r.FromPort, to: r.ToPort, portsKnown: r.PortsKnown,
		kind: r.Peer.Kind, certain: r.Certain, hasImplicit: r.Implicit != ""}
	switch r.Peer.Kind {
	case PeerCIDR:
		k.cidr = r.Peer.CIDR
	case PeerPrefixList:
		k.peer = r.Peer.PrefixList.Key()
	case PeerUnknown:
		// As Location.String() tells locations apart.
		k.unknownAt = Location{File: r.Loc.File, Line: r.Loc.Line, Column: r.Loc.Column}
		if k.unknownAt.Line == 0 {
			k.unknownAt.Column = 0
		}
	default:
		k.peer = string(r.Peer.SG)
	}
	return k
}
