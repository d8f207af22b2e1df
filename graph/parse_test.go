package graph

import "testing"

func TestParseProtocol(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"-1", ProtoAll}, {"all", ProtoAll}, {"TCP", ProtoTCP}, {"\ttcp\t", ProtoTCP}, {"6", ProtoTCP},
		{"udp", ProtoUDP}, {"17", ProtoUDP}, {"icmp", ProtoICMP}, {"icmpv6", ProtoICMPv6}, {"58", ProtoICMPv6},
		{"50", 50}, {"0", 0}, {"255", 255}, {"256", ProtoUnknown}, {"-2", ProtoUnknown}, {"banana", ProtoUnknown}, {"", ProtoUnknown},
	} {
		if got := ParseProtocol(tc.in); got != tc.want {
			t.Errorf("ParseProtocol(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestParseCIDR(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"10.0.0.0/8", "10.0.0.0/8"}, {"10.1.2.3/8", "10.0.0.0/8"}, {"10.0.0.5", "10.0.0.5/32"}, {"::/0", "::/0"},
		{"2001:db8::1", "2001:db8::1/128"}, {"\t0.0.0.0/0\t", "0.0.0.0/0"}, {"300.1.1.1/8", ""}, {"10.0.0.0/33", ""},
		{"fe80::1%eth0", ""}, {"", ""},
	} {
		p, ok := ParseCIDR(tc.in)
		if got := map[bool]string{true: p.String(), false: ""}[ok]; got != tc.want {
			t.Errorf("ParseCIDR(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
