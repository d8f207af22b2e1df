package graph

import (
	"math/bits"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// bitmap is the brute-force model of a PortSet: one bit per port.
type bitmap [(MaxPort + 1) / 64]uint64

func (b *bitmap) get(p int) bool { return b[p/64]&(1<<(p%64)) != 0 }
func (b *bitmap) add(p int)      { b[p/64] |= 1 << (p % 64) }

func (b *bitmap) set(s PortSet) *bitmap {
	for _, r := range s.ranges {
		for p := r.From; p <= r.To; p++ {
			b.add(p)
		}
	}
	return b
}

// combine is the port-by-port f of a and b (f works on 64 ports at once).
func combine(a, b *bitmap, f func(x, y uint64) uint64) *bitmap {
	r := new(bitmap)
	for i := range r {
		r[i] = f(a[i], b[i])
	}
	return r
}

func or(x, y uint64) uint64     { return x | y }
func and(x, y uint64) uint64    { return x & y }
func andNot(x, y uint64) uint64 { return x &^ y }
func not(x, _ uint64) uint64    { return ^x }

func (b *bitmap) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

func modelOf(s PortSet) *bitmap { return new(bitmap).set(s) }

// portSetOfBitmap builds the normalised set of a bitmap by hand.
func portSetOfBitmap(b *bitmap) PortSet {
	var rs []PortRange
	for p := 0; p <= MaxPort; p++ {
		if !b.get(p) {
			continue
		}
		q := p
		for q < MaxPort && b.get(q+1) {
			q++
		}
		rs = append(rs, PortRange{p, q})
		p = q
	}
	return PortSet{ranges: rs}
}

// checkNormal fails unless s is sorted, valid, non-overlapping and
// non-adjacent.
func checkNormal(t *testing.T, what string, s PortSet) {
	t.Helper()
	for i, r := range s.ranges {
		if r.From < 0 || r.To > MaxPort || r.From > r.To {
			t.Fatalf("%s: invalid range %v in %v", what, r, s.ranges)
		}
		if i > 0 && s.ranges[i-1].To+1 >= r.From {
			t.Fatalf("%s: ranges %v and %v not merged in %v", what, s.ranges[i-1], r, s.ranges)
		}
	}
}

// checkModel fails unless s is normal and holds exactly the ports of b.
func checkModel(t *testing.T, what string, s PortSet, b *bitmap) {
	t.Helper()
	checkNormal(t, what, s)
	if got := modelOf(s); *got != *b {
		t.Fatalf("%s: got %q, want %q", what, s, portSetOfBitmap(b))
	}
}

// parsePortSet reads the String form back ("" is the empty set).
func parsePortSet(t *testing.T, str string) PortSet {
	t.Helper()
	var s PortSet
	if str == "" {
		return s
	}
	for _, part := range strings.Split(str, ", ") {
		lo, hi, ok := strings.Cut(part, "-")
		if !ok {
			hi = lo
		}
		from, err1 := strconv.Atoi(lo)
		to, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || from > to {
			t.Fatalf("bad port set string %q", str)
		}
		s = s.Union(Ports(from, to))
	}
	return s
}

var edgePorts = []int{0, 1, 2, 21, 22, 23, 1023, 1024, 1025, 65533, 65534, 65535}

// randomPort favours edge ports and a small window so that random ranges
// often touch or overlap.
func randomPort(rng *rand.Rand) int {
	switch rng.Intn(4) {
	case 0:
		return edgePorts[rng.Intn(len(edgePorts))]
	case 1:
		return rng.Intn(40)
	case 2:
		return 1000 + rng.Intn(40)
	}
	return rng.Intn(MaxPort + 1)
}

func randomPortSet(rng *rand.Rand) PortSet {
	switch rng.Intn(10) {
	case 0:
		return PortSet{}
	case 1:
		return AllPorts()
	}
	var s PortSet
	for n := rng.Intn(6); n > 0; n-- {
		a, b := randomPort(rng), randomPort(rng)
		if a > b && rng.Intn(4) != 0 {
			a, b = b, a // mostly valid; sometimes an empty from>to
		}
		s = s.Union(Ports(a, b))
	}
	return s
}

func TestPorts(t *testing.T) {
	for _, tc := range []struct {
		from, to int
		want     string
		count    int
	}{
		{0, 0, "0", 1},
		{1, 1, "1", 1},
		{65535, 65535, "65535", 1},
		{65534, 65535, "65534-65535", 2},
		{0, 65535, "0-65535", 65536},
		{0, 1024, "0-1024", 1025},
		{1023, 1025, "1023-1025", 3},
		{1025, 65535, "1025-65535", 64511},
		{5, 4, "", 0},
		{-1, 10, "", 0},
		{0, 65536, "", 0},
		{-5, -1, "", 0},
		{65536, 70000, "", 0},
	} {
		s := Ports(tc.from, tc.to)
		if got := s.String(); got != tc.want {
			t.Errorf("Ports(%d, %d) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
		if got := s.Count(); got != tc.count {
			t.Errorf("Ports(%d, %d).Count() = %d, want %d", tc.from, tc.to, got, tc.count)
		}
		if s.IsEmpty() != (tc.count == 0) {
			t.Errorf("Ports(%d, %d).IsEmpty() = %v", tc.from, tc.to, s.IsEmpty())
		}
	}
	if !Ports(0, 65535).Equal(AllPorts()) || !AllPorts().IsAll() || Ports(0, 65534).IsAll() {
		t.Error("Ports(0, 65535) is not AllPorts")
	}
	var zero PortSet
	if !zero.IsEmpty() || zero.String() != "" || zero.Count() != 0 || zero.Ranges() != nil {
		t.Error("zero PortSet is not empty")
	}
}

func TestPortSetOps(t *testing.T) {
	p := Ports
	set := func(rs ...PortRange) PortSet { return PortSetOf(rs...) }
	for _, tc := range []struct {
		name string
		got  PortSet
		want string
	}{
		{"adjacent merge", p(0, 1024).Union(p(1025, 65535)), "0-65535"},
		{"adjacent merge reversed", p(1025, 65535).Union(p(0, 1024)), "0-65535"},
		{"single ports merge", p(0, 0).Union(p(1, 1)).Union(p(2, 2)), "0-2"},
		{"gap stays", p(0, 0).Union(p(2, 2)), "0, 2"},
		{"gap filled", p(0, 0).Union(p(2, 2)).Union(p(1, 1)), "0-2"},
		{"overlap", p(10, 20).Union(p(15, 30)), "10-30"},
		{"contained", p(10, 30).Union(p(15, 20)), "10-30"},
		{"bridge", set(PortRange{0, 10}, PortRange{20, 30}, PortRange{40, 50}).Union(p(11, 39)), "0-50"},
		{"unsorted input", set(PortRange{443, 443}, PortRange{22, 22}, PortRange{80, 80}, PortRange{1025, 65535}), "22, 80, 443, 1025-65535"},
		{"union empty", p(22, 22).Union(PortSet{}), "22"},
		{"empty union", PortSet{}.Union(p(22, 22)), "22"},

		{"intersect", p(0, 1024).Intersect(p(1024, 65535)), "1024"},
		{"intersect disjoint", p(0, 1023).Intersect(p(1024, 65535)), ""},
		{"intersect multi", set(PortRange{0, 10}, PortRange{20, 30}).Intersect(p(5, 25)), "5-10, 20-25"},
		{"intersect all", AllPorts().Intersect(p(65534, 65535)), "65534-65535"},
		{"intersect empty", AllPorts().Intersect(PortSet{}), ""},

		{"minus hole middle", AllPorts().Minus(p(22, 22)), "0-21, 23-65535"},
		{"minus low end", AllPorts().Minus(p(0, 0)), "1-65535"},
		{"minus high end", AllPorts().Minus(p(65535, 65535)), "0-65534"},
		{"minus both ends", AllPorts().Minus(p(0, 1023)).Minus(p(65535, 65535)), "1024-65534"},
		{"minus both ends at once", AllPorts().Minus(p(0, 1).Union(p(65534, 65535))), "2-65533"},
		{"minus privileged", AllPorts().Minus(p(0, 1024)), "1025-65535"},
		{"minus to single", p(1023, 1025).Minus(p(1023, 1023)).Minus(p(1025, 1025)), "1024"},
		{"minus all", p(22, 80).Minus(AllPorts()), ""},
		{"minus nothing", p(22, 80).Minus(PortSet{}), "22-80"},
		{"minus disjoint", p(22, 80).Minus(p(81, 90)), "22-80"},
		{"minus multi", AllPorts().Minus(set(PortRange{22, 22}, PortRange{80, 80}, PortRange{443, 443})), "0-21, 23-79, 81-442, 444-65535"},
		{"complement", p(1, 65534).Complement(), "0, 65535"},
		{"complement empty", PortSet{}.Complement(), "0-65535"},
		{"complement all", AllPorts().Complement(), ""},
	} {
		checkNormal(t, tc.name, tc.got)
		if s := tc.got.String(); s != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, s, tc.want)
		}
	}
}

func TestPortSetPredicates(t *testing.T) {
	p := Ports
	for _, tc := range []struct {
		s, o   PortSet
		covers bool
	}{
		{AllPorts(), p(0, 0), true},
		{AllPorts(), p(65535, 65535), true},
		{AllPorts(), AllPorts(), true},
		{AllPorts(), PortSet{}, true},
		{PortSet{}, PortSet{}, true},
		{PortSet{}, p(0, 0), false},
		{p(0, 1024), p(1024, 1024), true},
		{p(0, 1024), p(1024, 1025), false},
		{p(1, 65535), p(0, 0), false},
		{p(0, 10).Union(p(20, 30)), p(5, 25), false},
		{p(0, 10).Union(p(20, 30)), p(0, 0).Union(p(25, 30)), true},
		{p(0, 10).Union(p(20, 30)), p(11, 11), false},
		{p(22, 22), AllPorts(), false},
	} {
		if got := tc.s.Covers(tc.o); got != tc.covers {
			t.Errorf("%q.Covers(%q) = %v, want %v", tc.s, tc.o, got, tc.covers)
		}
	}
	s := p(0, 0).Union(p(1023, 1025)).Union(p(65535, 65535))
	for port, want := range map[int]bool{-1: false, 0: true, 1: false, 1022: false, 1023: true, 1024: true, 1025: true, 1026: false, 65534: false, 65535: true, 65536: false} {
		if got := s.Contains(port); got != want {
			t.Errorf("%q.Contains(%d) = %v, want %v", s, port, got, want)
		}
	}
	if p(0, 1).Equal(p(0, 2)) || !p(0, 1).Equal(p(0, 0).Union(p(1, 1))) || p(0, 0).Equal(PortSet{}) {
		t.Error("Equal")
	}
}

func TestPortSetImmutable(t *testing.T) {
	a := Ports(0, 10).Union(Ports(20, 30))
	b := Ports(11, 19)
	before := a.String()
	_ = a.Union(b)
	_ = a.Minus(Ports(5, 25))
	_ = a.Intersect(Ports(5, 25))
	rs := a.Ranges()
	rs[0].From = 99
	if a.String() != before || b.String() != "11-19" {
		t.Fatalf("operands changed: %q, %q", a, b)
	}
	// Union may return an operand; later unions must not write through it.
	u := a.Union(PortSet{})
	_ = u.Union(Ports(11, 11))
	if a.String() != before {
		t.Fatalf("operand changed through a shared result: %q", a)
	}
}

func TestPortSetStringRoundTrip(t *testing.T) {
	for _, s := range []string{"", "0", "65535", "0-1024", "0-65535", "22, 80, 443, 1025-65535", "0, 2, 65535", "1-65534"} {
		ps := parsePortSet(t, s)
		if got := ps.String(); got != s {
			t.Errorf("round trip %q -> %q", s, got)
		}
	}
}

// TestPortSetModel checks every operation against the bitmap model.
func TestPortSetModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	all := new(bitmap).set(AllPorts())
	for i := 0; i < 1000; i++ {
		a, b, c := randomPortSet(rng), randomPortSet(rng), randomPortSet(rng)
		ma, mb := modelOf(a), modelOf(b)
		checkNormal(t, "a", a)

		checkModel(t, "union", a.Union(b), combine(ma, mb, or))
		checkModel(t, "intersect", a.Intersect(b), combine(ma, mb, and))
		checkModel(t, "minus", a.Minus(b), combine(ma, mb, andNot))
		checkModel(t, "complement", a.Complement(), combine(ma, ma, not))
		subset := combine(mb, ma, andNot).count() == 0
		if got := a.Covers(b); got != subset {
			t.Fatalf("%q.Covers(%q) = %v, want %v", a, b, got, subset)
		}
		if a.Covers(b) != b.Minus(a).IsEmpty() {
			t.Fatalf("Covers and Minus disagree on %q, %q", a, b)
		}
		if a.Equal(b) != (*ma == *mb) {
			t.Fatalf("%q.Equal(%q) wrong", a, b)
		}
		if a.Equal(b) != (a.Covers(b) && b.Covers(a)) {
			t.Fatalf("Equal and Covers disagree on %q, %q", a, b)
		}
		n := ma.count()
		if a.Count() != n || a.IsEmpty() != (n == 0) || a.IsAll() != (*ma == *all) {
			t.Fatalf("Count/IsEmpty/IsAll of %q wrong (model %d ports)", a, n)
		}
		if p := randomPort(rng); a.Contains(p) != ma.get(p) {
			t.Fatalf("%q.Contains(%d) wrong", a, p)
		}
		if got := parsePortSet(t, a.String()); !got.Equal(a) {
			t.Fatalf("String round trip %q -> %q", a, got)
		}
		if got := PortSetOf(a.Ranges()...); !got.Equal(a) {
			t.Fatalf("Ranges round trip %q -> %q", a, got)
		}

		// Algebraic laws.
		laws := []struct {
			name string
			l, r PortSet
		}{
			{"union commutes", a.Union(b), b.Union(a)},
			{"intersect commutes", a.Intersect(b), b.Intersect(a)},
			{"union associates", a.Union(b).Union(c), a.Union(b.Union(c))},
			{"intersect associates", a.Intersect(b).Intersect(c), a.Intersect(b.Intersect(c))},
			{"distributes", a.Intersect(b.Union(c)), a.Intersect(b).Union(a.Intersect(c))},
			{"de morgan union", c.Minus(a.Union(b)), c.Minus(a).Intersect(c.Minus(b))},
			{"de morgan intersect", c.Minus(a.Intersect(b)), c.Minus(a).Union(c.Minus(b))},
			{"complement de morgan", a.Union(b).Complement(), a.Complement().Intersect(b.Complement())},
			{"minus is intersect complement", a.Minus(b), a.Intersect(b.Complement())},
			{"minus then union", a.Minus(b).Union(a.Intersect(b)), a},
			{"double complement", a.Complement().Complement(), a},
			{"all minus", AllPorts().Minus(a), a.Complement()},
			{"idempotent", a.Union(a), a},
		}
		for _, law := range laws {
			if !law.l.Equal(law.r) {
				t.Fatalf("%s fails for a=%q b=%q c=%q: %q != %q", law.name, a, b, c, law.l, law.r)
			}
		}
		if !a.Minus(b).Intersect(b).IsEmpty() || !a.Union(b).Covers(a) || !a.Covers(a.Intersect(b)) {
			t.Fatalf("containment laws fail for a=%q b=%q", a, b)
		}
	}
}

// portSetFromBytes reads pairs of 16-bit ports (bounds in either order)
// into a set and its model.
func portSetFromBytes(data []byte) (PortSet, *bitmap) {
	var s PortSet
	m := new(bitmap)
	for len(data) >= 4 {
		a := int(data[0])<<8 | int(data[1])
		b := int(data[2])<<8 | int(data[3])
		data = data[4:]
		s = s.Union(Ports(a, b))
		for p := a; p <= b; p++ {
			m.add(p)
		}
	}
	return s, m
}

func FuzzPortSet(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0}, []byte{4, 1, 255, 255})          // 0-1024, 1025-65535
	f.Add([]byte{0, 0, 255, 255}, []byte{0, 22, 0, 22})        // all, 22
	f.Add([]byte{0, 0, 0, 0, 255, 255, 255, 255}, []byte{})    // 0 and 65535
	f.Add([]byte{0, 10, 0, 5, 0, 1, 0, 2}, []byte{0, 2, 0, 3}) // empty then 1-2
	f.Fuzz(func(t *testing.T, x, y []byte) {
		a, ma := portSetFromBytes(x)
		b, mb := portSetFromBytes(y)
		checkModel(t, "a", a, ma)
		checkModel(t, "b", b, mb)
		checkModel(t, "union", a.Union(b), combine(ma, mb, or))
		checkModel(t, "intersect", a.Intersect(b), combine(ma, mb, and))
		checkModel(t, "minus", a.Minus(b), combine(ma, mb, andNot))
		subset := combine(mb, ma, andNot).count() == 0
		if a.Covers(b) != subset {
			t.Fatalf("%q.Covers(%q) = %v, want %v", a, b, a.Covers(b), subset)
		}
		if a.Equal(b) != (*ma == *mb) {
			t.Fatalf("%q.Equal(%q) wrong", a, b)
		}
		if got := parsePortSet(t, a.String()); !got.Equal(a) {
			t.Fatalf("String round trip %q -> %q", a, got)
		}
	})
}
