package graph

import (
	"strconv"
	"strings"
)

// MaxProtocol is the highest IP protocol number.
const MaxProtocol = 255

// Traffic is a set of (protocol, port) pairs over IP protocols 0-255. TCP
// (6) and UDP (17) carry a PortSet; every other protocol (ICMP 1, ICMPv6
// 58, ESP 50, …) is either wholly in the set or wholly out of it.
//
// The representation is exact and closed under Union, Intersect and Minus:
// a 256-bit bitmap of the port-less protocols plus one PortSet each for TCP
// and UDP. So AllTraffic().Minus(ProtocolPorts(ProtoTCP, Ports(22, 22)))
// is every protocol except TCP, plus TCP 0-21 and 23-65535. The zero value
// is the empty set; values are immutable.
type Traffic struct {
	// other has bit p set when protocol p is in the set; the bits of TCP
	// and UDP are always clear.
	other    [4]uint64
	tcp, udp PortSet
}

// otherMask has the bit of every protocol except TCP and UDP.
var otherMask = func() (m [4]uint64) {
	for i := range m {
		m[i] = ^uint64(0)
	}
	m[ProtoTCP/64] &^= 1 << (ProtoTCP % 64)
	m[ProtoUDP/64] &^= 1 << (ProtoUDP % 64)
	return m
}()

// AllTraffic is every port of every protocol.
func AllTraffic() Traffic {
	return Traffic{other: otherMask, tcp: AllPorts(), udp: AllPorts()}
}

// NoTraffic is the empty set.
func NoTraffic() Traffic { return Traffic{} }

// ProtocolPorts is the traffic of one protocol: for TCP and UDP the given
// ports, for any other protocol 0-255 the whole protocol when ports is not
// empty (pass AllPorts) and nothing when it is. ProtoAll gives AllTraffic
// whatever the ports; ProtoUnknown and numbers outside 0-255 give
// NoTraffic, so callers must handle unknown protocols themselves.
func ProtocolPorts(proto int, ports PortSet) Traffic {
	switch {
	case proto == ProtoAll:
		return AllTraffic()
	case proto == ProtoTCP:
		return Traffic{tcp: ports}
	case proto == ProtoUDP:
		return Traffic{udp: ports}
	case proto < 0 || proto > MaxProtocol || ports.IsEmpty():
		return Traffic{}
	}
	var t Traffic
	t.other[proto/64] = 1 << (proto % 64)
	return t
}

// Union is the traffic in t or o.
func (t Traffic) Union(o Traffic) Traffic {
	r := Traffic{tcp: t.tcp.Union(o.tcp), udp: t.udp.Union(o.udp)}
	for i := range r.other {
		r.other[i] = t.other[i] | o.other[i]
	}
	return r
}

// Intersect is the traffic in both t and o.
func (t Traffic) Intersect(o Traffic) Traffic {
	r := Traffic{tcp: t.tcp.Intersect(o.tcp), udp: t.udp.Intersect(o.udp)}
	for i := range r.other {
		r.other[i] = t.other[i] & o.other[i]
	}
	return r
}

// Minus is the traffic in t and not in o.
func (t Traffic) Minus(o Traffic) Traffic {
	r := Traffic{tcp: t.tcp.Minus(o.tcp), udp: t.udp.Minus(o.udp)}
	for i := range r.other {
		r.other[i] = t.other[i] &^ o.other[i]
	}
	return r
}

// Covers reports whether all of o is in t (o ⊆ t).
func (t Traffic) Covers(o Traffic) bool {
	for i := range t.other {
		if o.other[i]&^t.other[i] != 0 {
			return false
		}
	}
	return t.tcp.Covers(o.tcp) && t.udp.Covers(o.udp)
}

// IsEmpty reports whether t holds no traffic.
func (t Traffic) IsEmpty() bool {
	return t.other == [4]uint64{} && t.tcp.IsEmpty() && t.udp.IsEmpty()
}

// IsAll reports whether t is all traffic.
func (t Traffic) IsAll() bool {
	return t.other == otherMask && t.tcp.IsAll() && t.udp.IsAll()
}

// Equal reports whether t and o hold the same traffic.
func (t Traffic) Equal(o Traffic) bool {
	return t.other == o.other && t.tcp.Equal(o.tcp) && t.udp.Equal(o.udp)
}

// Ports is the ports of protocol proto in t: a PortSet for TCP and UDP,
// AllPorts or the empty set for other protocols 0-255, and the empty set
// for ProtoAll, ProtoUnknown and numbers outside 0-255.
func (t Traffic) Ports(proto int) PortSet {
	switch {
	case proto == ProtoTCP:
		return t.tcp
	case proto == ProtoUDP:
		return t.udp
	case proto < 0 || proto > MaxProtocol:
		return PortSet{}
	case t.has(proto):
		return AllPorts()
	}
	return PortSet{}
}

func (t Traffic) has(proto int) bool { return t.other[proto/64]&(1<<(proto%64)) != 0 }

// String renders t by protocol number, protocols separated by "; ":
// "all traffic", "TCP 443, 1025-65535; UDP 53", "ICMP", "" when empty. A
// whole port range reads "TCP all ports"; consecutive protocols without a
// name are grouped ("protocols 2-5"). When t holds most of the port-less
// protocols it reads "all traffic except …" followed by what is missing.
func (t Traffic) String() string {
	if t.IsAll() {
		return "all traffic"
	}
	n := 0
	for p := 0; p <= MaxProtocol; p++ {
		if t.has(p) {
			n++
		}
	}
	if n > (MaxProtocol+1-2)/2 {
		return "all traffic except " + AllTraffic().Minus(t).String()
	}
	var parts []string
	portPart := func(name string, s PortSet) {
		switch {
		case s.IsEmpty():
		case s.IsAll():
			parts = append(parts, name+" all ports")
		default:
			parts = append(parts, name+" "+s.String())
		}
	}
	for p := 0; p <= MaxProtocol; p++ {
		switch {
		case p == ProtoTCP:
			portPart("TCP", t.tcp)
		case p == ProtoUDP:
			portPart("UDP", t.udp)
		case !t.has(p):
		case named(p):
			parts = append(parts, ProtocolName(p))
		default:
			q := p
			for q+1 <= MaxProtocol && t.has(q+1) && !named(q+1) {
				q++
			}
			if q == p {
				parts = append(parts, "protocol "+strconv.Itoa(p))
			} else {
				parts = append(parts, "protocols "+strconv.Itoa(p)+"-"+strconv.Itoa(q))
			}
			p = q
		}
	}
	return strings.Join(parts, "; ")
}

// named reports whether ProtocolName calls protocol p by a name rather
// than its number.
func named(p int) bool { return ProtocolName(p) != "protocol "+strconv.Itoa(p) }
