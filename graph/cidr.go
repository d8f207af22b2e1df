package graph

import (
	"net/netip"
	"sort"
)

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

// UnionIsWorld reports whether the prefixes together cover every IPv4
// address, or every IPv6 address (0.0.0.0/1 and 128.0.0.0/1 are the
// internet as surely as 0.0.0.0/0). IPv6 prefixes longer than /64 are
// ignored: they cannot be told apart at that precision, and leaving them out
// only ever says "not the world".
func UnionIsWorld(prefixes []netip.Prefix) bool {
	type span struct{ from, to uint64 } // inclusive
	var v4, v6 []span
	for _, p := range prefixes {
		q, ok := canonicalPrefix(p)
		if !ok {
			continue
		}
		if q.Addr().Is4() {
			b := q.Addr().As4()
			start := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
			v4 = append(v4, span{start, start + (uint64(1) << (32 - q.Bits())) - 1})
			continue
		}
		if q.Bits() > 64 {
			continue
		}
		b := q.Addr().As16()
		var start uint64
		for i := 0; i < 8; i++ {
			start = start<<8 | uint64(b[i])
		}
		size := uint64(0) // 2^(64-bits), wrapping to 0 for /0
		if q.Bits() > 0 {
			size = uint64(1) << (64 - q.Bits())
		}
		v6 = append(v6, span{start, start + size - 1})
	}
	covers := func(spans []span, max uint64) bool {
		sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
		var next uint64 // first address not yet covered
		for _, s := range spans {
			if s.from > next {
				return false
			}
			if s.to >= max {
				return true
			}
			if s.to+1 > next {
				next = s.to + 1
			}
		}
		return false
	}
	return covers(v4, 1<<32-1) || covers(v6, ^uint64(0))
}
