package graph

import "testing"

func TestEqual(t *testing.T) {
	p := func(name string) Value { return Value{Kind: KindParam, Scope: "f", Str: name} }
	q := Value{Kind: KindParam, Scope: "other-file", Str: "ClusterName"}
	key := Concat(Lit(ClusterTagPrefix), p("ClusterName"))
	for _, tc := range []struct {
		name string
		a, b Value
		want Tri
	}{
		{"same literal", Lit("a"), Lit("a"), Yes},
		{"different literal", Lit("a"), Lit("b"), No},
		{"same symbol", p("X"), p("X"), Yes},
		{"params of different files", p("ClusterName"), q, Unknown},
		{"symbol vs literal", p("X"), Lit("prod"), Unknown},
		{"sub equals join", key, Concat(Lit("kubernetes.io/"), Lit("cluster/"), p("ClusterName")), Yes},
		{"prefix conflict", key, Lit("Name"), No},
		{"other cluster literal prefix", Concat(Lit("kubernetes.io/cluster/"), p("A")), Lit("kubernetes.io/cluster/prod"), Unknown},
		{"suffix conflict", Concat(p("A"), Lit("-a")), Concat(p("A"), Lit("-b")), No},
		{"choice both equal", Value{Kind: KindChoice, Str: "c", Parts: []Value{Lit("a"), Lit("a")}}, Lit("a"), Yes},
		{"choice split", Value{Kind: KindChoice, Str: "c", Parts: []Value{Lit("a"), Lit("b")}}, Lit("a"), Unknown},
		{"choice both differ", Value{Kind: KindChoice, Str: "c", Parts: []Value{Lit("x"), Lit("y")}}, Lit("a"), No},
		{"unknown", UnknownValue("?"), Lit("a"), Unknown},
		{"unknown with itself", UnknownValue("?"), UnknownValue("?"), Unknown},
	} {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Equal(%s, %s) = %v, want %v", tc.name, tc.a, tc.b, got, tc.want)
		}
		if got := Equal(tc.b, tc.a); got != tc.want {
			t.Errorf("%s (swapped): got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestConcatNormalises(t *testing.T) {
	v := Concat(Lit("a"), Lit(""), Concat(Lit("b"), Value{Kind: KindParam, Str: "X"}), Lit("c"), Lit("d"))
	if v.Kind != KindConcat || len(v.Parts) != 3 || v.Parts[0].Str != "ab" || v.Parts[2].Str != "cd" {
		t.Fatalf("got %#v", v)
	}
	if s, ok := Concat(Lit("a"), Lit("b")).Literal(); !ok || s != "ab" {
		t.Fatal("literal parts must fold into one literal")
	}
	if rest, ok := v.TrimPrefix("a"); !ok || rest.String() != "b${X}cd" {
		t.Fatalf("TrimPrefix: %v %v", rest, ok)
	}
	if _, ok := v.TrimPrefix("x"); ok {
		t.Fatal("TrimPrefix of a missing prefix must fail")
	}
}

func TestTriLogic(t *testing.T) {
	if Yes.And(Unknown) != Unknown || No.And(Unknown) != No || Yes.Or(Unknown) != Yes || No.Or(Unknown) != Unknown || Unknown.Not() != Unknown || Yes.Not() != No {
		t.Fatal("Kleene logic broken")
	}
}

func TestVersionBelow(t *testing.T) {
	for v, want := range map[string]Tri{"1.13": Yes, "1.14": No, "1.9": Yes, "1.31": No, "2.0": No, "v1.10": Yes, "latest": Unknown} {
		if got := VersionBelow(Lit(v), 1, 14); got != want {
			t.Errorf("%s: %v, want %v", v, got, want)
		}
	}
}

// SameKey must agree with Equal on Yes, for every pair: ifList in the
// CloudFormation parser relies on it to look items up instead of comparing
// every pair.
func TestSameKeyAgreesWithEqual(t *testing.T) {
	p := func(name string) Value { return Value{Kind: KindParam, Scope: "f", Str: name} }
	choice := func(a, b Value) Value { return Value{Kind: KindChoice, Str: "c", Parts: []Value{a, b}} }
	vals := []Value{
		Lit("a"), Lit("b"), Lit(""), p("X"), p("Y"),
		{Kind: KindResource, Scope: "f", Str: "X"},
		{Kind: KindGetAtt, Scope: "f", Str: "R", Attr: "GroupId"},
		{Kind: KindImport, Str: "exp"},
		Concat(Lit("a-"), p("X")), Concat(Lit("a-"), p("X"), Lit("-b")),
		Concat(Lit("a-"), UnknownValue("?")),
		UnknownValue("?"),
		choice(Lit("a"), Lit("a")), choice(Lit("a"), Lit("b")), choice(p("X"), p("X")),
		choice(choice(Lit("a"), Lit("a")), Lit("a")), choice(choice(Lit("a"), Lit("b")), Lit("a")),
		choice(UnknownValue("?"), UnknownValue("?")), choice(Lit("a"), UnknownValue("?")),
	}
	for _, a := range vals {
		for _, b := range vals {
			eq := Equal(a, b) == Yes
			same := a.SameKey() != "" && a.SameKey() == b.SameKey()
			if eq != same {
				t.Errorf("Equal(%s, %s) == Yes is %v, SameKey %q vs %q", a, b, eq, a.SameKey(), b.SameKey())
			}
		}
	}
}
