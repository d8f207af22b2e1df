package graph

import (
	"math/rand"
	"testing"
)

// tmodel is the brute-force model of a Traffic: a flag per port-less
// protocol and a bitmap each for TCP and UDP.
type tmodel struct {
	other    [MaxProtocol + 1]bool
	tcp, udp bitmap
}

func (m *tmodel) ports(proto int) *bitmap {
	switch proto {
	case ProtoTCP:
		return &m.tcp
	case ProtoUDP:
		return &m.udp
	}
	return nil
}

// apply sets every (protocol, port) of the model to f(in m, in o); f is
// one of the bitwise or, and, andNot, not.
func (m *tmodel) apply(o *tmodel, f func(x, y uint64) uint64) *tmodel {
	word := func(b bool) uint64 {
		if b {
			return ^uint64(0)
		}
		return 0
	}
	r := new(tmodel)
	for p := range m.other {
		if bm := m.ports(p); bm != nil {
			*r.ports(p) = *combine(bm, o.ports(p), f)
			continue
		}
		r.other[p] = f(word(m.other[p]), word(o.other[p])) != 0
	}
	return r
}

func modelAll() *tmodel {
	m := new(tmodel)
	return m.apply(m, not)
}

func (m *tmodel) empty() bool {
	return *m == tmodel{}
}

// checkTraffic fails unless t holds exactly the traffic of m.
func checkTraffic(t *testing.T, what string, tr Traffic, m *tmodel) {
	t.Helper()
	for p := 0; p <= MaxProtocol; p++ {
		got := tr.Ports(p)
		if bm := m.ports(p); bm != nil {
			checkModel(t, what+" "+ProtocolName(p), got, bm)
			continue
		}
		if m.other[p] && !got.IsAll() || !m.other[p] && !got.IsEmpty() {
			t.Fatalf("%s: protocol %d has ports %q, want in=%v (%s)", what, p, got, m.other[p], tr)
		}
	}
	if tr.IsEmpty() != m.empty() {
		t.Fatalf("%s: IsEmpty() = %v for %q", what, tr.IsEmpty(), tr)
	}
}

var someProtocols = []int{ProtoAll, 0, ProtoICMP, ProtoTCP, ProtoTCP, ProtoUDP, ProtoUDP, 50, ProtoICMPv6, 255}

// randomTraffic builds a Traffic and, independently, its model.
func randomTraffic(rng *rand.Rand) (Traffic, *tmodel) {
	tr, m := NoTraffic(), new(tmodel)
	if rng.Intn(3) == 0 {
		tr, m = AllTraffic(), modelAll()
	}
	for n := rng.Intn(4); n > 0; n-- {
		proto := someProtocols[rng.Intn(len(someProtocols))]
		ports := randomPortSet(rng)
		var pm *tmodel
		switch {
		case proto == ProtoAll:
			pm = modelAll()
		case proto == ProtoTCP || proto == ProtoUDP:
			pm = new(tmodel)
			pm.ports(proto).set(ports)
		default:
			pm = new(tmodel)
			pm.other[proto] = !ports.IsEmpty()
		}
		pt := ProtocolPorts(proto, ports)
		if rng.Intn(3) == 0 {
			tr, m = tr.Minus(pt), m.apply(pm, andNot)
		} else {
			tr, m = tr.Union(pt), m.apply(pm, or)
		}
	}
	return tr, m
}

func tcp(from, to int) Traffic { return ProtocolPorts(ProtoTCP, Ports(from, to)) }
func udp(from, to int) Traffic { return ProtocolPorts(ProtoUDP, Ports(from, to)) }
func proto(p int) Traffic      { return ProtocolPorts(p, AllPorts()) }

func TestTrafficAllMinusSSH(t *testing.T) {
	tr := AllTraffic().Minus(tcp(22, 22))
	for p := 0; p <= MaxProtocol; p++ {
		want := "0-65535"
		if p == ProtoTCP {
			want = "0-21, 23-65535"
		}
		if got := tr.Ports(p).String(); got != want {
			t.Errorf("protocol %d: %q, want %q", p, got, want)
		}
	}
	if tr.IsAll() || tr.IsEmpty() || !AllTraffic().Covers(tr) || tr.Covers(tcp(22, 22)) || !tr.Covers(tcp(21, 21).Union(tcp(23, 23))) {
		t.Error("predicates of all traffic minus TCP 22 wrong")
	}
	if got := tr.Union(tcp(22, 22)); !got.IsAll() || !got.Equal(AllTraffic()) {
		t.Errorf("adding TCP 22 back gives %q", got)
	}
	if got := tr.String(); got != "all traffic except TCP 22" {
		t.Errorf("String() = %q", got)
	}
}

func TestProtocolPorts(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  Traffic
		want string
	}{
		{"all", ProtocolPorts(ProtoAll, PortSet{}), "all traffic"},
		{"all ignores ports", ProtocolPorts(ProtoAll, Ports(22, 22)), "all traffic"},
		{"unknown", ProtocolPorts(ProtoUnknown, AllPorts()), ""},
		{"out of range", ProtocolPorts(256, AllPorts()), ""},
		{"negative", ProtocolPorts(-3, AllPorts()), ""},
		{"icmp", proto(ProtoICMP), "ICMP"},
		{"icmp any ports", ProtocolPorts(ProtoICMP, Ports(8, 8)), "ICMP"},
		{"icmp no ports", ProtocolPorts(ProtoICMP, PortSet{}), ""},
		{"icmpv6", proto(ProtoICMPv6), "ICMPv6"},
		{"esp", proto(50), "protocol 50"},
		{"protocol 0", proto(0), "protocol 0"},
		{"protocol 255", proto(255), "protocol 255"},
		{"tcp empty", ProtocolPorts(ProtoTCP, PortSet{}), ""},
		{"tcp all", tcp(0, 65535), "TCP all ports"},
		{"tcp one", tcp(443, 443), "TCP 443"},
		{"udp edge", udp(65535, 65535), "UDP 65535"},
		{"mixed", tcp(443, 443).Union(tcp(1025, 65535)).Union(udp(53, 53)), "TCP 443, 1025-65535; UDP 53"},
		{"by number", udp(53, 53).Union(proto(ProtoICMP)).Union(tcp(22, 22)), "ICMP; TCP 22; UDP 53"},
		{"adjacent tcp", tcp(0, 1024).Union(tcp(1025, 65535)), "TCP all ports"},
		{"grouped", proto(47).Union(proto(50)).Union(proto(51)).Union(proto(5)).Union(proto(7)), "protocol 5; protocol 7; protocol 47; protocols 50-51"},
		{"all minus icmp", AllTraffic().Minus(proto(ProtoICMP)), "all traffic except ICMP"},
		{"all minus udp", AllTraffic().Minus(udp(0, 65535)), "all traffic except UDP all ports"},
		{"all minus holes", AllTraffic().Minus(tcp(0, 0).Union(tcp(65535, 65535)).Union(proto(50))), "all traffic except TCP 0, 65535; protocol 50"},
		{"no traffic", NoTraffic(), ""},
		{"all via protocols", tcp(0, 65535).Union(udp(0, 65535)).Union(AllTraffic().Minus(tcp(0, 65535)).Minus(udp(0, 65535))), "all traffic"},
	} {
		if got := tc.got.String(); got != tc.want {
			t.Errorf("%s: String() = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := proto(ProtoICMP).Ports(ProtoICMP); !got.IsAll() {
		t.Errorf("ICMP ports %q", got)
	}
	if got := AllTraffic().Ports(ProtoAll); !got.IsEmpty() {
		t.Errorf("Ports(ProtoAll) = %q", got)
	}
	if got := AllTraffic().Ports(256); !got.IsEmpty() {
		t.Errorf("Ports(256) = %q", got)
	}
}

func TestTrafficString(t *testing.T) {
	many := NoTraffic()
	for p := 100; p < 250; p++ {
		many = many.Union(proto(p))
	}
	want := "all traffic except protocol 0; ICMP; protocols 2-5; TCP all ports; protocols 7-16; UDP all ports; protocols 18-57; ICMPv6; protocols 59-99; protocols 250-255"
	if got := many.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	few := NoTraffic()
	for p := 100; p < 120; p++ {
		few = few.Union(proto(p))
	}
	if got := few.String(); got != "protocols 100-119" {
		t.Errorf("String() = %q", got)
	}
}

func TestTrafficImmutable(t *testing.T) {
	a := tcp(0, 10).Union(proto(ProtoICMP))
	before := a.String()
	_ = a.Union(tcp(11, 20)).Union(proto(50))
	_ = a.Minus(tcp(5, 5))
	_ = a.Intersect(tcp(5, 5))
	all := AllTraffic()
	_ = all.Minus(a)
	if a.String() != before || !all.IsAll() || !AllTraffic().IsAll() {
		t.Fatalf("operands changed: %q", a)
	}
}

// TestTrafficModel checks every operation against the brute-force model.
func TestTrafficModel(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 300; i++ {
		a, ma := randomTraffic(rng)
		b, mb := randomTraffic(rng)
		c, _ := randomTraffic(rng)
		checkTraffic(t, "a", a, ma)
		checkTraffic(t, "union", a.Union(b), ma.apply(mb, or))
		checkTraffic(t, "intersect", a.Intersect(b), ma.apply(mb, and))
		checkTraffic(t, "minus", a.Minus(b), ma.apply(mb, andNot))

		subset := mb.apply(ma, andNot).empty()
		if a.Covers(b) != subset {
			t.Fatalf("%q.Covers(%q) = %v, want %v", a, b, a.Covers(b), subset)
		}
		if a.Covers(b) != b.Minus(a).IsEmpty() {
			t.Fatalf("Covers and Minus disagree on %q, %q", a, b)
		}
		if a.Equal(b) != (*ma == *mb) || a.Equal(b) != (a.Covers(b) && b.Covers(a)) {
			t.Fatalf("%q.Equal(%q) wrong", a, b)
		}
		if a.IsAll() != (*ma == *modelAll()) || a.IsAll() != a.Covers(AllTraffic()) {
			t.Fatalf("%q.IsAll() wrong", a)
		}
		if a.String() == "" != a.IsEmpty() || a.String() == "all traffic" != a.IsAll() {
			t.Fatalf("String %q of %v", a.String(), a)
		}

		laws := []struct {
			name string
			l, r Traffic
		}{
			{"union commutes", a.Union(b), b.Union(a)},
			{"intersect commutes", a.Intersect(b), b.Intersect(a)},
			{"union associates", a.Union(b).Union(c), a.Union(b.Union(c))},
			{"distributes", a.Intersect(b.Union(c)), a.Intersect(b).Union(a.Intersect(c))},
			{"de morgan union", c.Minus(a.Union(b)), c.Minus(a).Intersect(c.Minus(b))},
			{"de morgan intersect", c.Minus(a.Intersect(b)), c.Minus(a).Union(c.Minus(b))},
			{"double complement", AllTraffic().Minus(AllTraffic().Minus(a)), a},
			{"minus is intersect complement", a.Minus(b), a.Intersect(AllTraffic().Minus(b))},
			{"minus then union", a.Minus(b).Union(a.Intersect(b)), a},
			{"split by protocol", a, ProtocolPorts(ProtoTCP, a.Ports(ProtoTCP)).Union(ProtocolPorts(ProtoUDP, a.Ports(ProtoUDP))).Union(a.Minus(tcp(0, 65535)).Minus(udp(0, 65535)))},
		}
		for _, law := range laws {
			if !law.l.Equal(law.r) {
				t.Fatalf("%s fails for a=%q b=%q c=%q: %q != %q", law.name, a, b, c, law.l, law.r)
			}
		}
	}
}
