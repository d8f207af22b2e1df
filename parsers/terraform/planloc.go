package terraform

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// rootSource is the HCL of a root module as the scan read it: where a plan
// made from it finds each resource's block, by address.
type rootSource struct {
	l   *loader
	dir string // absolute
	// read is the HCL reading by address, made when a plan first needs it.
	read     *hclReading
	readDone bool
}

// RootDir is the root module's folder (absolute), or "" when the result
// is not one of Scan's.
func (r Result) RootDir() string {
	if r.source == nil {
		return ""
	}
	return r.source.dir
}

// HasResources reports whether every resource address (`type.name`, no
// instance key) is declared in the root module, and every module call
// name called there: whether a plan's configuration is this module's.
func (r Result) HasResources(addrs, calls []string) bool {
	if r.source == nil {
		return false
	}
	m := r.source.l.load(r.source.dir)
	for _, a := range addrs {
		if m.resources[a] == nil {
			return false
		}
	}
	for _, c := range calls {
		if m.calls[c] == nil {
			return false
		}
	}
	return true
}

// resource finds the block of a resource instance address
// (`module.a["k"].aws_security_group.x[0]`) through module calls: local
// ones, and copies `terraform init` downloaded (modules.json). Instances of
// one block share its range. Inside a module with no copy on disk (a
// modelled or opaque one), the resource stands at its module block, as the
// model's facts do: body is then nil.
func (r *rootSource) resource(address string) (rng hcl.Range, body hcl.Body, ok bool) {
	t, diags := hclsyntax.ParseTraversalAbs([]byte(address), "", hcl.InitialPos)
	if diags.HasErrors() || len(t) < 2 {
		return hcl.Range{}, nil, false
	}
	m, i, call := r.walk(t)
	if m == nil {
		if call != nil {
			return call.rng, nil, true
		}
		return hcl.Range{}, nil, false
	}
	typ, name := stepName(t, i), attrStep(t, i+1)
	if typ == "" || name == "" || typ == "data" {
		return hcl.Range{}, nil, false
	}
	if rc := m.resources[typ+"."+name]; rc != nil {
		return rc.rng, rc.body, true
	}
	return hcl.Range{}, nil, false
}

// module is the HCL of a module instance path ("" for the root), nil when
// it is not on disk.
func (r *rootSource) module(path string) *moduleConfig {
	if path == "" {
		return r.l.load(r.dir)
	}
	t, diags := hclsyntax.ParseTraversalAbs([]byte(path), "", hcl.InitialPos)
	if diags.HasErrors() {
		return nil
	}
	m, i, _ := r.walk(t)
	if i != len(t) {
		return nil
	}
	return m
}

// walk follows the module steps at the start of an address. It returns
// the module reached and the index of the first step after them; or nil
// and the call whose module is not on disk (nil when there is no such call).
func (r *rootSource) walk(t hcl.Traversal) (*moduleConfig, int, *moduleCall) {
	m := r.l.load(r.dir)
	i := 0
	var key []string
	for depth := 0; i < len(t) && stepName(t, i) == "module"; depth++ {
		name := attrStep(t, i+1)
		c := m.calls[name]
		if c == nil || depth > maxModuleDepth {
			return nil, i, nil
		}
		key = append(key, name)
		dir, local := localSource(m.dir, c.source)
		if !local {
			dir = r.l.modulesJSONOf(r.dir)[strings.Join(key, ".")]
		}
		if dir == "" {
			dir = r.modelDir(c)
		}
		if dir == "" {
			return nil, i, c
		}
		if m = r.l.load(dir); m.readErr != "" {
			return nil, i, c
		}
		i += 2
		if _, ok := indexStep(t, i); ok {
			i++
		}
	}
	return m, i, nil
}

// modelDir is the folder of the built-in model the HCL reading used for a
// terraform-aws-modules/eks call (its locations stand at the call), when
// it modelled one major only: with several, which one made the plan is not
// known.
func (r *rootSource) modelDir(c *moduleCall) string {
	prefix := fmt.Sprintf("%s:%d@", c.rng.Filename, c.rng.Start.Byte)
	var found *standIn
	for k, t := range r.l.trees {
		if strings.HasPrefix(k, prefix) {
			if found != nil {
				return ""
			}
			found = t
		}
	}
	if found == nil || found.sub {
		return ""
	}
	return filepath.FromSlash(found.root)
}

// stepName is the name at step i: the root or an attribute.
func stepName(t hcl.Traversal, i int) string {
	if i == 0 {
		return t.RootName()
	}
	return attrStep(t, i)
}
