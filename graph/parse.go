package graph

import (
	"net/netip"
	"strconv"
	"strings"
)

// ParseProtocol normalises IpProtocol as EC2 accepts and reports it:
// "-1"/"all", "tcp", "udp", "icmp", "icmpv6" or a number 0-255; anything
// else is ProtoUnknown.
func ParseProtocol(s string) int {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "-1", "all":
		return ProtoAll
	case "tcp":
		return ProtoTCP
	case "udp":
		return ProtoUDP
	case "icmp":
		return ProtoICMP
	case "icmpv6":
		return ProtoICMPv6
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 {
		return ProtoUnknown
	}
	return n
}

// ParseCIDR reads a CIDR (host bits cleared) or a bare address (as a
// host prefix); ok is false for anything else, zoned addresses included.
func ParseCIDR(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}
