// Package userdata reads the facts node user data states about its
// cluster. CloudFormation and Terraform both hand it over as a symbolic
// graph.Value, so one reader serves every parser.
package userdata

import (
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// ClusterName reads the cluster name from user data that runs
// /etc/eks/bootstrap.sh <name> (AL2) or declares a nodeadm NodeConfig
// (`cluster:` … `name: <name>`, AL2023).
func ClusterName(ud graph.Value) (graph.Value, bool) {
	parts := []graph.Value{ud}
	if ud.Kind == graph.KindConcat {
		parts = ud.Parts
	}
	for _, marker := range []string{"bootstrap.sh", "kind: NodeConfig"} {
		for i, p := range parts {
			if p.Kind != graph.KindLiteral {
				continue
			}
			at := strings.LastIndex(p.Str, marker)
			if at < 0 {
				continue
			}
			rest := p.Str[at+len(marker):]
			if marker == "kind: NodeConfig" {
				c := strings.Index(rest, "cluster:")
				if c < 0 {
					continue
				}
				n := strings.Index(rest[c:], "name:")
				if n < 0 {
					continue
				}
				rest = rest[c+n+len("name:"):]
			}
			if v, ok := firstWord(rest, parts[i+1:]); ok {
				return v, true
			}
		}
	}
	return graph.Value{}, false
}

// firstWord takes the first whitespace-delimited argument starting in
// text and continuing through symbolic parts (`${ClusterName}`).
func firstWord(text string, more []graph.Value) (graph.Value, bool) {
	text = strings.TrimLeft(text, " \t'\"")
	var word []graph.Value
	stop := func(s string) (string, bool) {
		if i := strings.IndexAny(s, " \t\r\n'\";\\"); i >= 0 {
			return s[:i], true
		}
		return s, false
	}
	if text != "" {
		w, done := stop(text)
		word = append(word, graph.Lit(w))
		if done {
			return finishWord(word)
		}
	}
	for _, p := range more {
		if p.Kind != graph.KindLiteral {
			word = append(word, p)
			continue
		}
		w, done := stop(p.Str)
		word = append(word, graph.Lit(w))
		if done {
			break
		}
	}
	return finishWord(word)
}

func finishWord(parts []graph.Value) (graph.Value, bool) {
	v := graph.Concat(parts...)
	if s, ok := v.Literal(); ok && (s == "" || strings.HasPrefix(s, "-")) {
		return graph.Value{}, false
	}
	if v.Kind == graph.KindUnknown {
		return graph.Value{}, false
	}
	return v, true
}
