package terraform

import (
	"encoding/base64"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions are the Terraform functions the evaluator knows, by
// Terraform's names, from go-cty's stdlib and hcl's extensions, plus the
// few small ones written here. A call to any other function (file,
// templatefile, cidrsubnet, timestamp…) is an error the evaluator turns
// into an unknown value.
var functions = map[string]function.Function{
	"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc, "log": stdlib.LogFunc,
	"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc,
	"signum": stdlib.SignumFunc,
	"chomp":  stdlib.ChompFunc, "format": boundedFormat(stdlib.FormatFunc), "formatlist": boundedFormat(stdlib.FormatListFunc),
	"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc,
	"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "replace": stdlib.ReplaceFunc,
	"split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc,
	"trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
	"trimspace": stdlib.TrimSpaceFunc,
	"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
	"compact": stdlib.CompactFunc, "concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
	"distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc,
	"index": stdlib.IndexFunc, "keys": stdlib.KeysFunc, "length": lengthFunc, "lookup": lookupFunc,
	"merge": stdlib.MergeFunc, "range": boundedRange, "reverse": stdlib.ReverseListFunc,
	"setintersection": stdlib.SetIntersectionFunc, "setproduct": boundedSetProduct,
	"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc, "slice": stdlib.SliceFunc,
	"sort": stdlib.SortFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
	"csvdecode": stdlib.CSVDecodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc,
	"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
	"tostring": toFunc(cty.String), "tonumber": toFunc(cty.Number), "tobool": toFunc(cty.Bool),
	"tolist": toFunc(cty.List(cty.DynamicPseudoType)), "toset": toFunc(cty.Set(cty.DynamicPseudoType)),
	"tomap": toFunc(cty.Map(cty.DynamicPseudoType)),
	"one":   oneFunc, "alltrue": allTrueFunc, "anytrue": anyTrueFunc,
	"startswith": stringTestFunc(strings.HasPrefix), "endswith": stringTestFunc(strings.HasSuffix),
	"strcontains":  stringTestFunc(strings.Contains),
	"base64encode": base64EncodeFunc, "base64decode": base64DecodeFunc,
	"sensitive": identityFunc, "nonsensitive": identityFunc,
	"basename": pathFunc(path.Base), "dirname": pathFunc(path.Dir),
}

// lengthFunc is Terraform's length, which, unlike go-cty's, also counts an
// object's attributes (`length({})` is 0: modules test their map-typed
// `any` variables that way) and a string's characters.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true, AllowMarked: true}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		var n cty.Value
		var err error
		switch ty := v.Type(); {
		case ty.IsObjectType():
			n = cty.NumberIntVal(int64(len(ty.AttributeTypes())))
		case ty == cty.String:
			n, err = stdlib.Strlen(v)
		default:
			n, err = stdlib.Length(v)
		}
		return n.WithMarks(marks), err
	},
})

// lookupFunc is Terraform's lookup, whose default may be null: go-cty's
// refuses a null default, so `lookup(each.value, "cidr_blocks", null)`, the
// way terraform-aws-eks v18-v20 read their rule maps, was unknown and every
// rule of a downloaded module had unknown peers.
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowMarked: true},
		{Name: "key", Type: cty.String, AllowMarked: true},
	},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true},
	Type: function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) != 3 || !args[2].IsNull() {
			return stdlib.LookupFunc.Call(args)
		}
		m, _ := args[0].Unmark()
		k, _ := args[1].Unmark()
		if !m.IsKnown() || !k.IsKnown() {
			return cty.DynamicVal, nil
		}
		switch ty := m.Type(); {
		case ty.IsObjectType():
			if ty.HasAttribute(k.AsString()) {
				return m.GetAttr(k.AsString()), nil
			}
		case ty.IsMapType() && !m.IsNull():
			switch has := m.HasIndex(k); {
			case !has.IsKnown():
				return cty.DynamicVal, nil
			case has.True():
				return m.Index(k), nil
			}
		default:
			return stdlib.LookupFunc.Call(args)
		}
		return args[2], nil
	},
})

// toFunc converts to a type, as Terraform's tolist, toset … do.
func toFunc(ty cty.Type) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true}},
		Type: func(args []cty.Value) (cty.Type, error) {
			if !args[0].IsKnown() && args[0].Type() == cty.DynamicPseudoType {
				return ty.WithoutOptionalAttributesDeep(), nil
			}
			v, err := convert.Convert(args[0], ty)
			if err != nil {
				return cty.NilType, err
			}
			return v.Type(), nil
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			return convert.Convert(args[0], retType)
		},
	})
}

var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType() && len(ty.TupleElementTypes()) == 1:
			return ty.TupleElementTypes()[0], nil
		case ty.IsTupleType() && len(ty.TupleElementTypes()) == 0:
			return cty.DynamicPseudoType, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "must be a list, set or tuple of at most one element")
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		if v.LengthInt() == 0 {
			return cty.NullVal(retType), nil
		}
		if v.LengthInt() > 1 {
			return cty.NilVal, function.NewArgErrorf(0, "must have at most one element")
		}
		it := v.ElementIterator()
		it.Next()
		_, e := it.Element()
		return e, nil
	},
})

func boolsFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			result := all
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				if !e.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				if e.IsNull() {
					continue
				}
				if all && e.False() {
					result = false
				}
				if !all && e.True() {
					result = true
				}
			}
			return cty.BoolVal(result), nil
		},
	})
}

var allTrueFunc, anyTrueFunc = boolsFunc(true), boolsFunc(false)

func stringTestFunc(test func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "x", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, x := args[0].AsString(), args[1].AsString()
			if strings.IndexByte(s, 0) >= 0 || strings.IndexByte(x, 0) >= 0 {
				// The text of a value known only after apply is unknown.
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(test(s, x)), nil
		},
	})
}

// base64encode and base64decode are exact; symbols survive the round trip
// (user data is decoded to find the bootstrap script's cluster name).
var base64EncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var base64DecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		b, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "not base64: %v", err)
		}
		return cty.StringVal(string(b)), nil
	},
})

// pathFunc applies a slash-path function (basename, dirname) to a string
// without symbols.
func pathFunc(f func(string) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s := args[0].AsString()
			if strings.IndexByte(s, 0) >= 0 {
				return cty.UnknownVal(cty.String), nil
			}
			return cty.StringVal(f(s)), nil
		},
	})
}
