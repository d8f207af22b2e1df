package graph

import (
	"net/netip"
	"testing"
)

func TestPrefixCovers(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"0.0.0.0/0", "10.0.0.0/8", true},
		{"0.0.0.0/0", "0.0.0.0/0", true},
		{"0.0.0.0/0", "203.0.113.7/32", true},
		{"10.0.0.0/8", "10.1.0.0/16", true},
		{"10.0.0.0/8", "10.0.0.0/8", true},
		{"10.0.0.0/8", "11.0.0.0/16", false},
		{"10.1.0.0/16", "10.0.0.0/8", false},
		{"10.1.0.0/16", "10.1.255.255/32", true},
		{"10.1.0.0/16", "10.2.0.0/32", false},
		{"10.0.0.5/32", "10.0.0.5/32", true},
		{"10.0.0.5/32", "10.0.0.6/32", false},
		{"10.0.0.5/32", "10.0.0.0/24", false},
		{"10.1.2.3/8", "10.200.0.0/16", true}, // host bits ignored
		{"10.0.0.0/8", "10.9.9.9/8", true},
		{"::/0", "2001:db8::/32", true},
		{"::/0", "::/0", true},
		{"2001:db8::/32", "2001:db8:1::/48", true},
		{"2001:db8:1::/48", "2001:db8::/32", false},
		{"2001:db8::/32", "2001:db9::/32", false},
		{"2001:db8::1/128", "2001:db8::1/128", true},
		{"0.0.0.0/0", "::/0", false},
		{"::/0", "0.0.0.0/0", false},
		{"::/0", "10.0.0.0/8", false},
		{"0.0.0.0/0", "2001:db8::/32", false},
		// IPv4-mapped IPv6 prefixes are their IPv4 prefix.
		{"::ffff:10.0.0.0/104", "10.1.0.0/16", true},
		{"10.0.0.0/8", "::ffff:10.1.0.0/112", true},
		{"0.0.0.0/0", "::ffff:0.0.0.0/96", true},
		{"::ffff:0.0.0.0/96", "0.0.0.0/0", true},
		{"::ffff:10.0.0.0/104", "11.0.0.0/8", false},
		{"::/0", "::ffff:10.0.0.0/104", false},
		{"::ffff:0:0/90", "10.0.0.0/8", false}, // shorter than /96: an IPv6 prefix
		{"::/0", "::ffff:0:0/90", true},
	} {
		a, b := netip.MustParsePrefix(tc.a), netip.MustParsePrefix(tc.b)
		if got := PrefixCovers(a, b); got != tc.want {
			t.Errorf("PrefixCovers(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	valid := netip.MustParsePrefix("0.0.0.0/0")
	for _, bad := range []netip.Prefix{{}, netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), 33), netip.PrefixFrom(netip.Addr{}, 0)} {
		if PrefixCovers(valid, bad) || PrefixCovers(bad, valid) || PrefixCovers(bad, bad) {
			t.Errorf("invalid prefix %v covers or is covered", bad)
		}
	}
}

func TestIsWorld(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want bool
	}{
		{"0.0.0.0/0", true},
		{"::/0", true},
		{"10.0.0.0/0", true},
		{"::ffff:0.0.0.0/96", true},
		{"0.0.0.0/1", false},
		{"128.0.0.0/1", false},
		{"::/1", false},
		{"10.0.0.0/8", false},
		{"0.0.0.0/32", false},
		{"::/128", false},
	} {
		if got := IsWorld(netip.MustParsePrefix(tc.p)); got != tc.want {
			t.Errorf("IsWorld(%s) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if IsWorld(netip.Prefix{}) || IsWorld(netip.PrefixFrom(netip.MustParseAddr("::"), 129)) {
		t.Error("invalid prefix is the world")
	}
}

func TestUnionIsWorld(t *testing.T) {
	p := func(ss ...string) []netip.Prefix {
		var out []netip.Prefix
		for _, s := range ss {
			out = append(out, netip.MustParsePrefix(s))
		}
		return out
	}
	for _, tc := range []struct {
		in   []netip.Prefix
		want bool
	}{
		{p("0.0.0.0/0"), true},
		{p("0.0.0.0/1", "128.0.0.0/1"), true},
		{p("128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"), true},
		{p("0.0.0.0/1", "128.0.0.0/2"), false},
		{p("0.0.0.0/1", "192.0.0.0/2", "128.0.0.0/3"), false},
		{p("::/1", "8000::/1"), true},
		{p("::/0"), true},
		{p("::/1"), false},
		{p("0.0.0.0/1", "8000::/1"), false}, // one half of each family
		{p("10.0.0.0/8"), false},
		{nil, false},
	} {
		if got := UnionIsWorld(tc.in); got != tc.want {
			t.Errorf("UnionIsWorld(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
