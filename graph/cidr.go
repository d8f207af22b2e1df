package graph

import "net/netip"

// canonicalPrefix masks p and turns an IPv4-mapped IPv6 prefix of at least
// 96 bits (::ffff:a.b.c.d/96+n) into the IPv4 prefix a.b.c.d/n; ok is false
// for an invalid prefix. Shorter IPv6 prefixes stay IPv6, even when their
// address happens to be IPv4-mapped.
func canonicalPrefix(p netip.Prefix) (netip.Prefix, bool) {
	if !p.IsValid() {
		return netip.Prefix{}, false
	}
	a, bits := p.Addr().WithZone(""), p.Bits()
	if a.Is4In6() && bits >= 96 {
		a, bits = a.Unmap(), bits-96
	}
	q, err := a.Prefix(bits)
	if err != nil {
		return netip.Prefix{}, false
	}
	return q, true
}

// PrefixCovers reports whether prefix a contains all of b. Both must be of
// the same address family (after IPv4-mapped IPv6 prefixes are unmapped):
// 0.0.0.0/0 covers every IPv4 prefix and no IPv6 one, ::/0 every IPv6
// prefix and no IPv4 one. Host bits are ignored; an invalid prefix covers
// nothing and is covered by nothing.
func PrefixCovers(a, b netip.Prefix) bool {
	a, okA := canonicalPrefix(a)
	b, okB := canonicalPrefix(b)
	if !okA || !okB || a.Addr().Is4() != b.Addr().Is4() {
		return false
	}
	return a.Bits() <= b.Bits() && a.Contains(b.Addr())
}

// IsWorld reports whether p is 0.0.0.0/0 or ::/0 (any /0, or the
// IPv4-mapped ::ffff:0:0/96); false for an invalid prefix.
func IsWorld(p netip.Prefix) bool {
	q, ok := canonicalPrefix(p)
	return ok && q.Bits() == 0
}
