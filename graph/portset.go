package graph

import (
	"strconv"
	"strings"
)

// MaxPort is the highest TCP or UDP port.
const MaxPort = 65535

// PortRange is an inclusive range of ports 0-65535.
type PortRange struct{ From, To int }

func (r PortRange) String() string {
	if r.From == r.To {
		return strconv.Itoa(r.From)
	}
	return strconv.Itoa(r.From) + "-" + strconv.Itoa(r.To)
}

// PortSet is a normalised set of ports: its ranges are sorted, valid,
// non-overlapping and non-adjacent (touching ranges are merged), so two
// sets hold the same ports exactly when their ranges are equal. The zero
// value is the empty set. Values are immutable: every method returns a new
// set and never changes the ranges of its operands.
type PortSet struct{ ranges []PortRange }

// Ports is the set of ports from..to inclusive; it is empty when from > to
// or either bound lies outside 0..65535.
func Ports(from, to int) PortSet {
	if from > to || from < 0 || to > MaxPort {
		return PortSet{}
	}
	return PortSet{ranges: []PortRange{{from, to}}}
}

// allPorts backs every AllPorts set: sets are immutable, so they can share
// it (capacity 1, so an append elsewhere could never write into it).
var allPorts = []PortRange{{0, MaxPort}}

// AllPorts is the set of ports 0-65535.
func AllPorts() PortSet { return PortSet{ranges: allPorts[:1:1]} }

// PortSetOf builds a set from ranges in any order; invalid ranges (From >
// To, or outside 0..65535) are ignored.
func PortSetOf(rs ...PortRange) PortSet {
	var s PortSet
	for _, r := range rs {
		s = s.Union(Ports(r.From, r.To))
	}
	return s
}

// Union is the set of ports in s or o.
func (s PortSet) Union(o PortSet) PortSet {
	if len(o.ranges) == 0 || s.IsAll() {
		return s
	}
	if len(s.ranges) == 0 || o.IsAll() {
		return o
	}
	out := make([]PortRange, 0, len(s.ranges)+len(o.ranges))
	add := func(r PortRange) {
		if n := len(out); n > 0 && r.From <= out[n-1].To+1 {
			if r.To > out[n-1].To {
				out[n-1].To = r.To
			}
			return
		}
		out = append(out, r)
	}
	i, j := 0, 0
	for i < len(s.ranges) || j < len(o.ranges) {
		if j >= len(o.ranges) || (i < len(s.ranges) && s.ranges[i].From <= o.ranges[j].From) {
			add(s.ranges[i])
			i++
		} else {
			add(o.ranges[j])
			j++
		}
	}
	return PortSet{ranges: out}
}

// Intersect is the set of ports in both s and o.
func (s PortSet) Intersect(o PortSet) PortSet {
	switch {
	case len(s.ranges) == 0 || len(o.ranges) == 0:
		return PortSet{}
	case o.IsAll():
		return s
	case s.IsAll():
		return o
	}
	var out []PortRange
	i, j := 0, 0
	for i < len(s.ranges) && j < len(o.ranges) {
		a, b := s.ranges[i], o.ranges[j]
		lo, hi := max(a.From, b.From), min(a.To, b.To)
		if lo <= hi {
			out = append(out, PortRange{lo, hi})
		}
		if a.To < b.To {
			i++
		} else {
			j++
		}
	}
	return PortSet{ranges: out}
}

// Complement is the set of ports 0-65535 not in s.
func (s PortSet) Complement() PortSet {
	switch {
	case len(s.ranges) == 0:
		return AllPorts()
	case s.IsAll():
		return PortSet{}
	}
	var out []PortRange
	next := 0
	for _, r := range s.ranges {
		if r.From > next {
			out = append(out, PortRange{next, r.From - 1})
		}
		next = r.To + 1
	}
	if next <= MaxPort {
		out = append(out, PortRange{next, MaxPort})
	}
	return PortSet{ranges: out}
}

// Minus is the set of ports in s and not in o.
func (s PortSet) Minus(o PortSet) PortSet {
	if len(s.ranges) == 0 || len(o.ranges) == 0 {
		return s
	}
	if o.IsAll() {
		return PortSet{}
	}
	return s.Intersect(o.Complement())
}

// Covers reports whether every port of o is in s (o ⊆ s).
func (s PortSet) Covers(o PortSet) bool {
	i := 0
	for _, r := range o.ranges {
		// Ranges of s are non-adjacent, so r must lie within one of them.
		for i < len(s.ranges) && s.ranges[i].To < r.From {
			i++
		}
		if i == len(s.ranges) || s.ranges[i].From > r.From || s.ranges[i].To < r.To {
			return false
		}
	}
	return true
}

// Contains reports whether port is in s.
func (s PortSet) Contains(port int) bool {
	for _, r := range s.ranges {
		if port < r.From {
			return false
		}
		if port <= r.To {
			return true
		}
	}
	return false
}

// IsEmpty reports whether s has no ports.
func (s PortSet) IsEmpty() bool { return len(s.ranges) == 0 }

// IsAll reports whether s is 0-65535.
func (s PortSet) IsAll() bool {
	return len(s.ranges) == 1 && s.ranges[0] == PortRange{0, MaxPort}
}

// Equal reports whether s and o hold the same ports.
func (s PortSet) Equal(o PortSet) bool {
	if len(s.ranges) != len(o.ranges) {
		return false
	}
	for i := range s.ranges {
		if s.ranges[i] != o.ranges[i] {
			return false
		}
	}
	return true
}

// Ranges returns a copy of the normalised ranges of s, in ascending order.
func (s PortSet) Ranges() []PortRange {
	if len(s.ranges) == 0 {
		return nil
	}
	return append([]PortRange(nil), s.ranges...)
}

// Count is the number of ports in s.
func (s PortSet) Count() int {
	n := 0
	for _, r := range s.ranges {
		n += r.To - r.From + 1
	}
	return n
}

// String renders s as "22, 80, 443, 1025-65535": "" when empty, "0-65535"
// when it holds every port.
func (s PortSet) String() string {
	var b strings.Builder
	for i, r := range s.ranges {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.String())
	}
	return b.String()
}
