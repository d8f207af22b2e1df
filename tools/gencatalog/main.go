// Command gencatalog generates parsers/cloudformation/sgcatalog_gen.go: the
// table of CloudFormation resource properties through which a resource's
// network interfaces are placed in (attached to) security groups.
//
// The table is derived by reflection over goformation's typed model of every
// CloudFormation (and SAM) resource type. goformation is only linked into this
// generator; the generated file is plain data, so the shipped linter does not
// depend on goformation.
//
// Run it with:
//
//	go generate ./parsers/cloudformation
//
// which runs, in the tools module (tools/go.mod, kept apart so that
// `go install ./...` at the root installs only the CLI):
//
//	go -C tools tool gencatalog [-o path]
//
// Pass -list to print every property whose name mentions "Group", with the
// selection decision, which is how the rules below were chosen.
//
// # Selection rules
//
// Every resource type's properties are walked recursively through struct
// fields, pointers, slices and maps, using the json tag as the property name
// (a path segment gets a "[]" suffix when the property is a list of structs).
// goformation's SAM "union" helper structs (fields without a json tag, e.g.
// CodeUri = String | S3Location) are transparent: they add no path segment.
// A property is selected when all of the following hold:
//
//  1. The resource type is a real "Vendor::Service::Resource" type (the SAM
//     Globals sections "Function", "Api", ... in AllResources are skipped) and
//     its resource name does not contain "SecurityGroup": the security group
//     resources and their rule resources (AWS::EC2::SecurityGroup,
//     AWS::EC2::SecurityGroupIngress/Egress, AWS::EC2::SecurityGroupVpcAssociation,
//     AWS::RDS::DBSecurityGroup*, AWS::ElastiCache::SecurityGroup*,
//     AWS::Redshift::ClusterSecurityGroup*) define groups or rules; their
//     GroupId/SourceSecurityGroupId/... never attach anything.
//  2. The property name is either
//     a. <prefix>SecurityGroup<suffix>, suffix one of "", "s", "Id", "Ids",
//     "IdList", "Arns", "Names", "Memberships" (SecurityGroupIds, SecurityGroups,
//     VpcSecurityGroupIds, VPCSecurityGroups, SecurityGroupIdList,
//     EmrManagedMasterSecurityGroup, SecurityGroupArns (DataSync; the values
//     are security group ARNs), VpcSecurityGroupMemberships (RDS option
//     group), ...), where <prefix> contains none of
//     - Source, Destination, Ingress, Egress, Owner: rule peers, not
//     attachments (e.g. AWS::EKS::Nodegroup RemoteAccess.SourceSecurityGroups);
//     - ClassicLink: EC2-Classic ClassicLink (retired in 2022), not an ENI;
//     - DB, Cache, Cluster, Input: service-specific, non-VPC "security
//     groups" (RDS DBSecurityGroups, ElastiCache CacheSecurityGroupNames,
//     Redshift ClusterSecurityGroups, MediaLive InputSecurityGroups);
//     and which does not end in a non-reference word (SecurityGroupReferencingSupport,
//     AppSecurityGroupManagement, SecurityGroupIngress, ... all fail the
//     suffix test);
//     b. GroupSet (EC2 Instance NetworkInterfaces[].GroupSet,
//     AWS::EC2::NetworkInterface GroupSet);
//     c. Groups, only inside a struct whose goformation type name contains
//     "NetworkInterface" (LaunchTemplateData.NetworkInterfaces[].Groups,
//     SpotFleet LaunchSpecifications[].NetworkInterfaces[].Groups); Groups
//     elsewhere means IAM groups, broker users' groups, QuickSight field
//     groups, ...;
//     d. GroupId inside a struct reached through a property selected by (a)
//     that is itself a struct or list of structs (SpotFleet
//     LaunchSpecifications[].SecurityGroups[].GroupId, a GroupIdentifier).
//  3. Its value is a string or a list of strings (booleans such as
//     OpsWorks UseOpsworksSecurityGroups are not references). List records
//     whether the leaf itself is a list; a scalar leaf may still hold several
//     groups (SecretsManager HostedRotationLambda.VpcSecurityGroupIds is a
//     comma-separated string) and may sit below "[]" segments.
//
// A selected property below a map, or whose value is of an unexpected type
// (e.g. interface{}), makes the generator fail so that a goformation upgrade
// forces an explicit decision instead of silently dropping it.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
)

const goformationModule = "github.com/awslabs/goformation/v7"

// defaultOutput is the output path relative to the module root.
const defaultOutput = "parsers/cloudformation/sgcatalog_gen.go"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

// run is the command body; args exclude the program name.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gencatalog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file (default: <module root>/"+defaultOutput+")")
	list := fs.Bool("list", false, "print every property whose name contains \"Group\" with the selection decision, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}

	if *list {
		return listGroupProperties(stdout)
	}

	path := *out
	if path == "" {
		root, err := moduleRoot()
		if err != nil {
			return err
		}
		path = filepath.Join(root, filepath.FromSlash(defaultOutput))
	}
	src, err := render()
	if err != nil {
		return err
	}
	return os.WriteFile(path, src, 0o644)
}

// moduleRoot returns the nearest directory at or above the working directory
// that holds eks-sg-lint's go.mod (not this tools module's).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(data, []byte("module github.com/eks-sg-lint/eks-sg-lint\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("eks-sg-lint's go.mod not found at or above the working directory; pass -o")
		}
		dir = parent
	}
}

// sgProperty mirrors the type emitted into the generated file.
type sgProperty struct {
	Path string
	List bool
}

// render produces the gofmt'ed source of sgcatalog_gen.go.
func render() ([]byte, error) {
	catalog, err := buildCatalog()
	if err != nil {
		return nil, err
	}
	version, err := goformationVersion()
	if err != nil {
		return nil, err
	}

	types := make([]string, 0, len(catalog))
	for t := range catalog {
		types = append(types, t)
	}
	sort.Strings(types)

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by tools/gencatalog from %s %s; DO NOT EDIT.\n\n", goformationModule, version)
	b.WriteString("package cloudformation\n\n")
	b.WriteString("// sgProperty is a property path through which a resource is placed in security groups.\n")
	b.WriteString("//\n")
	b.WriteString("// Path joins property names with '.'; a name followed by \"[]\" is a list of\n")
	b.WriteString("// objects and the rest of the path applies to each element. List reports\n")
	b.WriteString("// whether the final property is a list of groups rather than a single value.\n")
	b.WriteString("type sgProperty struct {\n\tPath string\n\tList bool\n}\n\n")
	fmt.Fprintf(&b, "// sgCatalog maps a resource type to its security group attachment properties\n")
	fmt.Fprintf(&b, "// (%d resource types, %d properties).\n", len(types), countProps(catalog))
	b.WriteString("var sgCatalog = map[string][]sgProperty{\n")
	for _, t := range types {
		fmt.Fprintf(&b, "\t%q: {\n", t)
		for _, p := range catalog[t] {
			fmt.Fprintf(&b, "\t\t{Path: %q, List: %t},\n", p.Path, p.List)
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n\n")
	b.WriteString("// sgPropertiesOf returns the properties through which a resource of the given\n")
	b.WriteString("// type is placed in security groups, or nil if the type has none.\n")
	b.WriteString("func sgPropertiesOf(resourceType string) []sgProperty { return sgCatalog[resourceType] }\n")

	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting generated source: %w", err)
	}
	return src, nil
}

func countProps(c map[string][]sgProperty) int {
	n := 0
	for _, ps := range c {
		n += len(ps)
	}
	return n
}

// goformationVersion reports the linked goformation module version, falling
// back to the requirement in go.mod when build information lacks it.
func goformationVersion() (string, error) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == goformationModule {
				if d.Replace != nil && d.Replace.Version != "" {
					return d.Replace.Version, nil
				}
				if d.Version != "" && d.Version != "(devel)" {
					return d.Version, nil
				}
			}
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(goformationModule) + `\s+(v\S+)`).FindSubmatch(data)
	if m == nil {
		return "", fmt.Errorf("cannot determine the %s version", goformationModule)
	}
	return string(m[1]), nil
}

// buildCatalog walks every goformation resource type and returns the
// selected properties per resource type, with paths sorted.
func buildCatalog() (map[string][]sgProperty, error) {
	catalog := map[string][]sgProperty{}
	var errs []error
	for typeName, res := range cloudformation.AllResources() {
		if skipResourceType(typeName) {
			continue
		}
		seen := map[string]bool{}
		walk(reflect.TypeOf(res), "", walkState{}, map[reflect.Type]bool{}, func(c candidate) {
			if !c.selected {
				return
			}
			if c.err != nil {
				errs = append(errs, fmt.Errorf("%s %s: %w", typeName, c.path, c.err))
				return
			}
			if !seen[c.path] {
				seen[c.path] = true
				catalog[typeName] = append(catalog[typeName], sgProperty{Path: c.path, List: c.list})
			}
		})
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, errors.Join(errs...)
	}
	for _, ps := range catalog {
		sort.Slice(ps, func(i, j int) bool { return ps[i].Path < ps[j].Path })
	}
	return catalog, nil
}

// skipResourceType reports whether a whole resource type is out of scope
// (rule 1).
func skipResourceType(typeName string) bool {
	parts := strings.Split(typeName, "::")
	if len(parts) != 3 {
		return true // SAM Globals sections ("Function", "Api", ...)
	}
	return strings.Contains(parts[2], "SecurityGroup")
}

// candidate is a property visited by walk.
type candidate struct {
	path     string
	name     string
	selected bool
	reason   string // why the property was or was not selected (for -list)
	list     bool   // leaf is a list
	sgObject bool   // SecurityGroup-named property whose value is an object
	goType   string // goformation Go type of the value
	err      error  // selected but not representable
}

// walkState is the context a property is visited in.
type walkState struct {
	parentType reflect.Type // goformation struct type holding the property (set by walk)
	inSGObject bool         // directly inside the object value of a SecurityGroup property
	underMap   bool         // below a map (no path syntax for map keys)
}

// walk visits every property of struct type t (after dereferencing
// pointers), depth first. stack guards against recursive types.
func walk(t reflect.Type, prefix string, st walkState, stack map[reflect.Type]bool, visit func(candidate)) {
	t = deref(t)
	if t.Kind() != reflect.Struct || stack[t] {
		return
	}
	stack[t] = true
	defer delete(stack, t)
	st.parentType = t

	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, hasTag := f.Tag.Lookup("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue // AWSCloudFormationDependsOn, ... (resource attributes)
		}
		ft := deref(f.Type)

		if !hasTag {
			// SAM union helper (e.g. Function_CodeUri{String, S3Location}):
			// each alternative is the value of the enclosing property.
			child := st
			p := strings.TrimSuffix(prefix, ".")
			switch {
			case ft.Kind() == reflect.Struct:
				walk(ft, prefix, child, stack, visit)
			case (ft.Kind() == reflect.Slice || ft.Kind() == reflect.Array) && deref(ft.Elem()).Kind() == reflect.Struct && p != "":
				walk(ft.Elem(), p+"[].", child, stack, visit)
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		path := prefix + name

		c := classify(name, ft, st)
		c.path = path
		c.goType = f.Type.String()
		visit(c)

		// Descend into object-valued properties.
		child := st
		child.inSGObject = c.sgObject
		switch ft.Kind() {
		case reflect.Struct:
			walk(ft, path+".", child, stack, visit)
		case reflect.Slice, reflect.Array:
			if deref(ft.Elem()).Kind() == reflect.Struct {
				walk(ft.Elem(), path+"[].", child, stack, visit)
			}
		case reflect.Map:
			if deref(ft.Elem()).Kind() == reflect.Struct {
				child.underMap = true
				walk(ft.Elem(), path+".*.", child, stack, visit)
			}
		}
	}
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// sgName matches rule 2a: <prefix>SecurityGroup<suffix>.
var sgName = regexp.MustCompile(`^(.*?)SecurityGroup(|s|Id|Ids|IdList|Arns|Names|Memberships)$`)

// excludedPrefix lists the prefix words of rule 2a.
var excludedPrefix = []string{
	"Source", "Destination", "Ingress", "Egress", "Owner", // rule peers
	"ClassicLink",                     // EC2-Classic
	"DB", "Cache", "Cluster", "Input", // service-specific, non-VPC groups
}

// classify applies the selection rules to one property whose value has
// type ft (pointers removed).
func classify(name string, ft reflect.Type, st walkState) candidate {
	c := candidate{name: name}
	rule, reason := matchName(name, st)
	c.reason = reason
	if rule == "" {
		return c
	}
	kind, isList := leafKind(ft)
	switch {
	case kind == reflect.String:
		c.selected = true
		c.list = isList
	case kind == reflect.Struct && rule == "2a":
		c.sgObject = true
		c.reason = "object: the groups are its GroupId (rule 2d)"
	case kind == reflect.Bool || (kind >= reflect.Int && kind <= reflect.Float64):
		c.reason = "not a group reference (" + ft.String() + ")"
	default:
		c.selected = true
		c.err = fmt.Errorf("unsupported value type %s", ft)
	}
	if c.selected && st.underMap {
		c.err = errors.New("below a map: no path syntax for map keys")
	}
	return c
}

// leafKind returns the kind of a property value, looking through one level
// of list.
func leafKind(t reflect.Type) (kind reflect.Kind, isList bool) {
	t = deref(t)
	if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		return deref(t.Elem()).Kind(), true
	}
	return t.Kind(), false
}

// matchName applies the name rules 2a-2d. It returns the rule that matched
// ("" if none) and a human-readable reason.
func matchName(name string, st walkState) (rule, reason string) {
	if m := sgName.FindStringSubmatch(name); m != nil {
		for _, w := range excludedPrefix {
			if strings.Contains(m[1], w) {
				return "", "prefix contains " + w
			}
		}
		return "2a", "<prefix>SecurityGroup<suffix>"
	}
	switch name {
	case "GroupSet":
		return "2b", "GroupSet"
	case "Groups":
		if st.parentType != nil && strings.Contains(st.parentType.Name(), "NetworkInterface") {
			return "2c", "Groups in " + st.parentType.Name()
		}
		return "", "Groups outside a network interface"
	case "GroupId":
		if st.inSGObject {
			return "2d", "GroupId of a security group object"
		}
		return "", "GroupId outside a security group object"
	}
	if strings.Contains(name, "SecurityGroup") {
		return "", "SecurityGroup name with a non-reference suffix"
	}
	return "", "not a security group property"
}

// listGroupProperties prints every property whose name contains "Group",
// one per line: resource type, path, Go type, decision and reason.
func listGroupProperties(w io.Writer) error {
	var lines []string
	for typeName, res := range cloudformation.AllResources() {
		skip := skipResourceType(typeName)
		walk(reflect.TypeOf(res), "", walkState{}, map[reflect.Type]bool{}, func(c candidate) {
			if !strings.Contains(c.name, "Group") && !c.selected {
				return
			}
			decision := "skip"
			switch {
			case skip:
				c.reason = "resource type excluded (rule 1)"
			case c.err != nil:
				decision, c.reason = "ERROR", c.err.Error()
			case c.selected:
				decision = "SELECT"
			}
			lines = append(lines, fmt.Sprintf("%s\t%s\t%s\t%s\t%s", decision, typeName, c.path, c.goType, c.reason))
		})
	}
	sort.Strings(lines)
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}
