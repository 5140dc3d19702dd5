package ec2

import (
	"crypto/rand"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// Tunnel is one of the two tunnels of a VPN connection, with every option DescribeVpnConnections
// returns. Tunnels are identified by their AWS outside IP address, which never changes.
type Tunnel struct {
	OutsideIP         string
	InsideCIDR        string
	InsideIPv6CIDR    string
	PreSharedKey      string
	DPDTimeoutAction  string
	DPDTimeoutSeconds int64
	EnableLifecycle   bool
	IKEVersions       []string
	Phase1Encryption  []string
	Phase1Integrity   []string
	Phase1DHGroups    []string
	Phase1Lifetime    int64
	Phase2Encryption  []string
	Phase2Integrity   []string
	Phase2DHGroups    []string
	Phase2Lifetime    int64
	RekeyMargin       int64
	RekeyFuzz         int64
	ReplayWindow      int64
	StartupAction     string
	Log               LogOptions
	Activity, BGP     *LogTarget   // where delivery writes, once the connection is available; nil: not delivered
	Traffic           TrafficState // kept for the sandbox's log traffic generator
}

// TrafficState is the sandbox's log traffic generator's state of a tunnel. The EC2 model only keeps it, with the
// tunnel it belongs to.
type TrafficState struct {
	Seq, SPISeq int   // counters for generated log messages
	LastMillis  int64 // timestamp of the newest generated event
}

// LogOptions are a tunnel's CloudWatch Logs options as stored and returned: ARNs exactly as sent
// (with or without ":*").
type LogOptions struct {
	Enabled                bool
	GroupARN, Format       string
	BGPEnabled             bool
	BGPGroupARN, BGPFormat string
}

// LogTarget is a delivery: the group and stream a tunnel's events go to, in the format. The sandbox activates it
// (creates the stream and writes its history) once the connection is available.
type LogTarget struct {
	Group, Stream, Format string
	Activated             bool // stream created and history written
}

// AWS defaults and permitted values (EC2 VpnTunnelOptionsSpecification documentation).
var (
	allowedEncryption  = []string{"AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"}
	allowedIntegrity   = []string{"SHA1", "SHA2-256", "SHA2-384", "SHA2-512"}
	allowedPhase1DH    = []string{"2", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24"}
	allowedPhase2DH    = []string{"2", "5", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24"}
	allowedIKEVersions = []string{"ikev1", "ikev2"}
)

// reservedInsideCIDRs may not be used as tunnel inside CIDRs (AWS documentation).
var reservedInsideCIDRs = []string{
	"169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30",
	"169.254.4.0/30", "169.254.5.0/30", "169.254.169.252/30",
}

func defaultTunnel() *Tunnel {
	return &Tunnel{
		DPDTimeoutAction: "clear", DPDTimeoutSeconds: 40,
		IKEVersions:      slices.Clone(allowedIKEVersions),
		Phase1Encryption: slices.Clone(allowedEncryption), Phase1Integrity: slices.Clone(allowedIntegrity),
		Phase1DHGroups: slices.Clone(allowedPhase1DH), Phase1Lifetime: 28800,
		Phase2Encryption: slices.Clone(allowedEncryption), Phase2Integrity: slices.Clone(allowedIntegrity),
		Phase2DHGroups: slices.Clone(allowedPhase2DH), Phase2Lifetime: 3600,
		RekeyMargin: 270, RekeyFuzz: 100, ReplayWindow: 1024, StartupAction: "add",
	}
}

func (t *Tunnel) clone() *Tunnel {
	c := *t
	c.IKEVersions = slices.Clone(t.IKEVersions)
	c.Phase1Encryption, c.Phase1Integrity, c.Phase1DHGroups = slices.Clone(t.Phase1Encryption), slices.Clone(t.Phase1Integrity), slices.Clone(t.Phase1DHGroups)
	c.Phase2Encryption, c.Phase2Integrity, c.Phase2DHGroups = slices.Clone(t.Phase2Encryption), slices.Clone(t.Phase2Integrity), slices.Clone(t.Phase2DHGroups)
	return &c
}

// InsideIPs returns the AWS-side and customer-side addresses of the inside /30: the first usable
// address is the virtual private gateway's, the second the customer gateway's.
func (t *Tunnel) InsideIPs() (aws, cgw string) {
	pfx, err := netip.ParsePrefix(t.InsideCIDR)
	if err != nil {
		return "", ""
	}
	a := pfx.Addr().Next()
	return a.String(), a.Next().String()
}

// tunnelSpec is the tunnel part of a CreateVpnConnection or ModifyVpnTunnelOptions request. Nil
// fields were not sent.
type tunnelSpec struct {
	InsideCIDR, InsideIPv6CIDR, PreSharedKey, DPDTimeoutAction, StartupAction               *string
	DPDTimeoutSeconds, Phase1Lifetime, Phase2Lifetime, RekeyMargin, RekeyFuzz, ReplayWindow *int64
	EnableLifecycle                                                                         *bool
	IKEVersions, Phase1Encryption, Phase1Integrity, Phase1DHGroups                          []string
	Phase2Encryption, Phase2Integrity, Phase2DHGroups                                       []string
	LogEnabled, BGPLogEnabled                                                               *bool
	LogGroupARN, LogFormat, BGPLogGroupARN, BGPLogFormat                                    *string
}

func optStr(p awsapi.Params, key string) *string {
	if v, ok := p.Str(key); ok {
		return &v
	}
	return nil
}

// parseTunnelSpec decodes the tunnel options under prefix ("TunnelOptions." for a modify,
// "Options.TunnelOptions.N." for a create).
func parseTunnelSpec(p awsapi.Params, prefix string) (*tunnelSpec, *awsapi.Error) {
	sp := &tunnelSpec{
		InsideCIDR: optStr(p, prefix+"TunnelInsideCidr"), InsideIPv6CIDR: optStr(p, prefix+"TunnelInsideIpv6Cidr"),
		PreSharedKey: optStr(p, prefix+"PreSharedKey"), DPDTimeoutAction: optStr(p, prefix+"DPDTimeoutAction"),
		StartupAction: optStr(p, prefix+"StartupAction"),
		IKEVersions:   p.ValueList(prefix + "IKEVersion"), Phase1Encryption: p.ValueList(prefix + "Phase1EncryptionAlgorithm"),
		Phase1Integrity: p.ValueList(prefix + "Phase1IntegrityAlgorithm"), Phase1DHGroups: p.ValueList(prefix + "Phase1DHGroupNumber"),
		Phase2Encryption: p.ValueList(prefix + "Phase2EncryptionAlgorithm"), Phase2Integrity: p.ValueList(prefix + "Phase2IntegrityAlgorithm"),
		Phase2DHGroups: p.ValueList(prefix + "Phase2DHGroupNumber"),
	}
	lp := prefix + "LogOptions.CloudWatchLogOptions."
	sp.LogGroupARN, sp.LogFormat = optStr(p, lp+"LogGroupArn"), optStr(p, lp+"LogOutputFormat")
	sp.BGPLogGroupARN, sp.BGPLogFormat = optStr(p, lp+"BgpLogGroupArn"), optStr(p, lp+"BgpLogOutputFormat")
	var err error
	for key, dst := range map[string]**int64{
		"DPDTimeoutSeconds": &sp.DPDTimeoutSeconds, "Phase1LifetimeSeconds": &sp.Phase1Lifetime,
		"Phase2LifetimeSeconds": &sp.Phase2Lifetime, "RekeyMarginTimeSeconds": &sp.RekeyMargin,
		"RekeyFuzzPercentage": &sp.RekeyFuzz, "ReplayWindowSize": &sp.ReplayWindow,
	} {
		if *dst, err = p.Integer(prefix + key); err != nil {
			return nil, errInvalidParameterValue("%s", err.Error())
		}
	}
	for key, dst := range map[string]**bool{
		prefix + "EnableTunnelLifecycleControl": &sp.EnableLifecycle,
		lp + "LogEnabled":                       &sp.LogEnabled,
		lp + "BgpLogEnabled":                    &sp.BGPLogEnabled,
	} {
		if *dst, err = p.Boolean(key); err != nil {
			return nil, errInvalidParameterValue("%s", err.Error())
		}
	}
	return sp, nil
}

// apply returns t with the sent options changed and the others kept, validated as a whole.
//
// UNCONFIRMED: that ModifyVpnTunnelOptions keeps the options a request does not send, including a
// partial CloudWatchLogOptions (e.g. only BgpLogEnabled leaves the tunnel-activity log as it was).
// Terraform's AWS provider relies on it (docs/design/aws-behaviour.md §1.2); AWS does not state it.
func (sp *tunnelSpec) apply(t *Tunnel) (*Tunnel, *awsapi.Error) {
	n := t.clone()
	if sp.InsideCIDR != nil {
		n.InsideCIDR = *sp.InsideCIDR
	}
	if sp.InsideIPv6CIDR != nil {
		n.InsideIPv6CIDR = *sp.InsideIPv6CIDR
	}
	if sp.PreSharedKey != nil {
		n.PreSharedKey = *sp.PreSharedKey
	}
	if sp.DPDTimeoutAction != nil {
		n.DPDTimeoutAction = *sp.DPDTimeoutAction
	}
	if sp.StartupAction != nil {
		n.StartupAction = *sp.StartupAction
	}
	if sp.EnableLifecycle != nil {
		n.EnableLifecycle = *sp.EnableLifecycle
	}
	for _, f := range []struct{ sent, dst *int64 }{
		{sp.DPDTimeoutSeconds, &n.DPDTimeoutSeconds}, {sp.Phase1Lifetime, &n.Phase1Lifetime}, {sp.Phase2Lifetime, &n.Phase2Lifetime},
		{sp.RekeyMargin, &n.RekeyMargin}, {sp.RekeyFuzz, &n.RekeyFuzz}, {sp.ReplayWindow, &n.ReplayWindow},
	} {
		if f.sent != nil {
			*f.dst = *f.sent
		}
	}
	for _, l := range []struct {
		sent []string
		dst  *[]string
	}{
		{sp.IKEVersions, &n.IKEVersions}, {sp.Phase1Encryption, &n.Phase1Encryption}, {sp.Phase1Integrity, &n.Phase1Integrity},
		{sp.Phase1DHGroups, &n.Phase1DHGroups}, {sp.Phase2Encryption, &n.Phase2Encryption},
		{sp.Phase2Integrity, &n.Phase2Integrity}, {sp.Phase2DHGroups, &n.Phase2DHGroups},
	} {
		// An empty list sent explicitly restores AWS's default (all permitted values).
		if l.sent != nil {
			*l.dst = slices.Clone(l.sent)
		}
	}
	var e *awsapi.Error
	if n.Log, e = sp.applyLog(t.Log); e != nil {
		return nil, e
	}
	if e := n.validate(); e != nil {
		return nil, e
	}
	return n, nil
}

// applyLog merges the sent CloudWatch Logs options into the current ones. Enabling requires the
// group ARN in the same request; disabling forgets ARN and format (DescribeVpnConnections then shows
// only logEnabled=false).
func (sp *tunnelSpec) applyLog(cur LogOptions) (LogOptions, *awsapi.Error) {
	n := cur
	var e *awsapi.Error
	if n.Enabled, n.GroupARN, n.Format, e = mergeLog("LogEnabled", "LogGroupArn", "LogOutputFormat",
		cur.Enabled, cur.GroupARN, cur.Format, sp.LogEnabled, sp.LogGroupARN, sp.LogFormat); e != nil {
		return cur, e
	}
	if n.BGPEnabled, n.BGPGroupARN, n.BGPFormat, e = mergeLog("BgpLogEnabled", "BgpLogGroupArn", "BgpLogOutputFormat",
		cur.BGPEnabled, cur.BGPGroupARN, cur.BGPFormat, sp.BGPLogEnabled, sp.BGPLogGroupARN, sp.BGPLogFormat); e != nil {
		return cur, e
	}
	return n, nil
}

func mergeLog(enName, arnName, fmtName string, enabled bool, groupARN, format string, sentEnabled *bool, sentARN, sentFormat *string) (bool, string, string, *awsapi.Error) {
	if sentEnabled != nil {
		if *sentEnabled && sentARN == nil {
			return false, "", "", errInvalidParameterValue("%s is required when %s is true.", arnName, enName)
		}
		enabled = *sentEnabled
	}
	if !enabled {
		return false, "", "", nil
	}
	if sentARN != nil {
		if _, ok := logGroupNameOf(*sentARN); !ok {
			return false, "", "", errInvalidParameterValue("Invalid value '%s' for %s. Specify the ARN of a CloudWatch Logs log group, e.g. arn:aws:logs:REGION:ACCOUNT:log-group:NAME.", awsapi.Clip(*sentARN, 256), arnName)
		}
		groupARN = *sentARN
	}
	if sentFormat != nil {
		if *sentFormat != "json" && *sentFormat != "text" {
			return false, "", "", errInvalidParameterValue("Invalid value '%s' for %s. Valid values: json, text.", awsapi.Clip(*sentFormat, 32), fmtName)
		}
		format = *sentFormat
	}
	if format == "" {
		format = "json" // AWS default
	}
	return true, groupARN, format, nil
}

// logGroupNameOf extracts the log group name from a log group ARN, with or without the ":*" suffix
// CloudWatch Logs itself appends (docs/design/aws-behaviour.md §1.5: accept both, store as sent).
func logGroupNameOf(groupARN string) (string, bool) {
	a, err := awsapi.ParseARN(groupARN)
	if err != nil || a.Service != "logs" || a.Region == "" || a.Account == "" {
		return "", false
	}
	name, ok := strings.CutPrefix(a.Resource, "log-group:")
	name = strings.TrimSuffix(name, ":*")
	if !ok || name == "" || strings.Contains(name, ":") {
		return "", false
	}
	return name, true
}

func (t *Tunnel) validate() *awsapi.Error {
	bad := func(name string, v any, rule string) *awsapi.Error {
		return errInvalidParameterValue("Invalid value '%v' for %s. %s", v, name, rule)
	}
	if !slices.Contains([]string{"clear", "none", "restart"}, t.DPDTimeoutAction) {
		return bad("DPDTimeoutAction", t.DPDTimeoutAction, "Valid values: clear, none, restart.")
	}
	if !slices.Contains([]string{"add", "start"}, t.StartupAction) {
		return bad("StartupAction", t.StartupAction, "Valid values: add, start.")
	}
	if t.DPDTimeoutSeconds < 30 {
		return bad("DPDTimeoutSeconds", t.DPDTimeoutSeconds, "The value must be greater than or equal to 30.")
	}
	if t.Phase1Lifetime < 900 || t.Phase1Lifetime > 28800 {
		return bad("Phase1LifetimeSeconds", t.Phase1Lifetime, "The value must be between 900 and 28800.")
	}
	if t.Phase2Lifetime < 900 || t.Phase2Lifetime > 3600 {
		return bad("Phase2LifetimeSeconds", t.Phase2Lifetime, "The value must be between 900 and 3600.")
	}
	if t.Phase2Lifetime >= t.Phase1Lifetime {
		return bad("Phase2LifetimeSeconds", t.Phase2Lifetime, "The value must be less than Phase1LifetimeSeconds.")
	}
	if t.RekeyMargin < 60 || t.RekeyMargin > t.Phase2Lifetime/2 {
		return bad("RekeyMarginTimeSeconds", t.RekeyMargin, "The value must be between 60 and half of Phase2LifetimeSeconds.")
	}
	if t.RekeyFuzz < 0 || t.RekeyFuzz > 100 {
		return bad("RekeyFuzzPercentage", t.RekeyFuzz, "The value must be between 0 and 100.")
	}
	if t.ReplayWindow < 64 || t.ReplayWindow > 2048 {
		return bad("ReplayWindowSize", t.ReplayWindow, "The value must be between 64 and 2048.")
	}
	for _, l := range []struct {
		name    string
		vals    *[]string
		allowed []string
	}{
		{"IKEVersions", &t.IKEVersions, allowedIKEVersions},
		{"Phase1EncryptionAlgorithms", &t.Phase1Encryption, allowedEncryption},
		{"Phase1IntegrityAlgorithms", &t.Phase1Integrity, allowedIntegrity},
		{"Phase1DHGroupNumbers", &t.Phase1DHGroups, allowedPhase1DH},
		{"Phase2EncryptionAlgorithms", &t.Phase2Encryption, allowedEncryption},
		{"Phase2IntegrityAlgorithms", &t.Phase2Integrity, allowedIntegrity},
		{"Phase2DHGroupNumbers", &t.Phase2DHGroups, allowedPhase2DH},
	} {
		if len(*l.vals) == 0 {
			*l.vals = slices.Clone(l.allowed)
		}
		for _, v := range *l.vals {
			if !slices.Contains(l.allowed, v) {
				return bad(l.name, v, "Valid values: "+strings.Join(l.allowed, ", ")+".")
			}
		}
	}
	if e := validateInsideCIDR(t.InsideCIDR); e != nil {
		return e
	}
	if t.InsideIPv6CIDR != "" {
		pfx, err := netip.ParsePrefix(t.InsideIPv6CIDR)
		if err != nil || !pfx.Addr().Is6() || pfx.Bits() != 126 || !netip.MustParsePrefix("fd00::/8").Contains(pfx.Addr()) {
			return bad("TunnelInsideIpv6Cidr", t.InsideIPv6CIDR, "Specify a /126 CIDR block from the local fd00::/8 range.")
		}
	}
	return validatePSK(t.PreSharedKey)
}

func validateInsideCIDR(c string) *awsapi.Error {
	pfx, err := netip.ParsePrefix(c)
	if err != nil || !pfx.Addr().Is4() || pfx.Bits() != 30 || pfx.Masked() != pfx ||
		!netip.MustParsePrefix("169.254.0.0/16").Contains(pfx.Addr()) {
		return errInvalidParameterValue("Invalid value '%s' for TunnelInsideCidr. Specify a size /30 CIDR block from the 169.254.0.0/16 range.", awsapi.Clip(c, 64))
	}
	if slices.Contains(reservedInsideCIDRs, c) {
		return errInvalidParameterValue("The CIDR block %s is reserved and cannot be used as a tunnel inside CIDR.", c)
	}
	return nil
}

// pskAlphabet are the characters AWS allows in pre-shared keys: alphanumerics, '.' and '_'.
const pskAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"

func validatePSK(k string) *awsapi.Error {
	if len(k) < 8 || len(k) > 64 || k[0] == '0' || strings.Trim(k, pskAlphabet) != "" {
		// The key itself is never echoed back.
		return errInvalidParameterValue("Invalid value for PreSharedKey. The key must be 8 to 64 characters of letters, digits, periods and underscores, and must not start with zero.")
	}
	return nil
}

// newPSK generates a pre-shared key from a cryptographic source: characters of AWS's alphabet, not
// starting with '0'.
//
// UNCONFIRMED: the length of AWS-generated keys (32 here; AWS allows 8 to 64).
func newPSK() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("sandbox: crypto/rand: %v", err))
	}
	for i := range b {
		b[i] = pskAlphabet[int(b[i])%len(pskAlphabet)]
	}
	if b[0] == '0' {
		b[0] = 'A'
	}
	return string(b)
}

// allocOutsideIP hands out an AWS outside address never handed out before.
// Addresses come from ranges AWS uses for VPN endpoints (3.x and 52.x), unless one is pinned.
func (s *Service) allocOutsideIP() string {
	if ip, ok := s.takePinned(PinOutsideIP); ok && !s.usedIPs[ip] {
		s.usedIPs[ip] = true
		return ip
	}
	for {
		first := []int{3, 52}[s.opts.Rand.IntN(2)]
		ip := fmt.Sprintf("%d.%d.%d.%d", first, s.opts.Rand.IntN(256), s.opts.Rand.IntN(256), 1+s.opts.Rand.IntN(254))
		if !s.usedIPs[ip] {
			s.usedIPs[ip] = true
			return ip
		}
	}
}

// allocInsideCIDR picks a free, unreserved /30 in 169.254.0.0/16: the pinned one if it is such, else
// a seeded random one.
func (s *Service) allocInsideCIDR(inUse map[string]bool) string {
	if c, ok := s.takePinned(PinInsideCIDR); ok && !inUse[c] && validateInsideCIDR(c) == nil {
		inUse[c] = true
		return c
	}
	for {
		c := "169.254." + strconv.Itoa(s.opts.Rand.IntN(256)) + "." + strconv.Itoa(4*s.opts.Rand.IntN(64)) + "/30"
		if !inUse[c] && !slices.Contains(reservedInsideCIDRs, c) {
			inUse[c] = true
			return c
		}
	}
}
