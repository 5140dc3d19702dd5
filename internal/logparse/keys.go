package logparse

// The keys of both logs, in both output formats.

// keyID names a known key of either log, in either format.
type keyID uint8

const (
	keyUnknown keyID = iota
	keyEventTimestamp
	keyTimestamp
	keyDPD
	keyNATT
	keyPhase1
	keyPhase2
	keyDetails
	keyMessage
	keyResourceID
	keyType
	keyStatus
	keyVPNConnectionID
	keyOutsideIP
	keyPrefix
	keyASPath
	keyLocalPref
	keyMED
	keyNextHop
	keyWeight
)

// lookupKey identifies a key ignoring letter case, '_', '-' and spaces, so
// "ike_phase1_state", "IkePhase1State" and "ike-phase1-state" are one key.
//
// UNCONFIRMED: besides the documented JSON keys, the documentation's field
// names (TunnelIKEPhase1State, VpnLogDetail, ...) and the 2022 keys
// VpnConnectionId and TunnelOutsideIPAddress are accepted, in case a format
// version uses them.
func lookupKey(raw string) keyID {
	// Fast path: the keys as AWS documents them.
	switch raw {
	case "event_timestamp":
		return keyEventTimestamp
	case "timestamp":
		return keyTimestamp
	case "dpd_enabled":
		return keyDPD
	case "nat_t_detected":
		return keyNATT
	case "ike_phase1_state":
		return keyPhase1
	case "ike_phase2_state":
		return keyPhase2
	case "details":
		return keyDetails
	case "message":
		return keyMessage
	case "resource_id":
		return keyResourceID
	case "type":
		return keyType
	case "status":
		return keyStatus
	}
	var buf [32]byte
	n := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '_' || c == '-' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(buf) {
			return keyUnknown
		}
		buf[n] = c
		n++
	}
	switch string(buf[:n]) {
	case "eventtimestamp", "vpnlogcreationtimestamp":
		return keyEventTimestamp
	case "timestamp", "vpnlogcreationtimestampreadable":
		return keyTimestamp
	case "dpdenabled", "tunneldpdenabled":
		return keyDPD
	case "nattdetected", "tunnelcgwnattdetectionstatus":
		return keyNATT
	case "ikephase1state", "tunnelikephase1state":
		return keyPhase1
	case "ikephase2state", "tunnelikephase2state":
		return keyPhase2
	case "details", "vpnlogdetail", "vpnlogdetails":
		return keyDetails
	case "message":
		return keyMessage
	case "resourceid":
		return keyResourceID
	case "type":
		return keyType
	case "status":
		return keyStatus
	case "vpnconnectionid":
		return keyVPNConnectionID
	case "tunneloutsideipaddress", "tunneloutsideip":
		return keyOutsideIP
	case "prefix":
		return keyPrefix
	case "aspath":
		return keyASPath
	case "localpref":
		return keyLocalPref
	case "med":
		return keyMED
	case "nexthopip", "nexthop":
		return keyNextHop
	case "weight":
		return keyWeight
	}
	return keyUnknown
}
