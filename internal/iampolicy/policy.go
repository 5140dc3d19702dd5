// Package iampolicy holds the IAM side of VPN log delivery: the least-privilege policy a principal needs to
// enable Site-to-Site VPN tunnel logging to CloudWatch Logs (Document), and a check of a principal's
// permissions with iam:SimulatePrincipalPolicy (Check). The provider's vpnlogs_iam_policy_document and
// vpnlogs_permissions_check data sources, its plan-time preflight, and the setup tool's `policy` command all
// use it, so the policy and the check are stated once.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// PolicyVersion is the IAM policy language version every document uses.
const PolicyVersion = "2012-10-17"

// Actions, by the statement that grants them.
const (
	// Sid S2SVPNLogging: the V1 log-delivery permissions AWS's Site-to-Site VPN documentation requires. They are
	// permission-only actions (no API operation has these names); the VPN service checks them on the caller.
	ActionCreateLogDelivery = "logs:CreateLogDelivery"
	ActionGetLogDelivery    = "logs:GetLogDelivery"
	ActionUpdateLogDelivery = "logs:UpdateLogDelivery"
	ActionDeleteLogDelivery = "logs:DeleteLogDelivery"
	ActionListLogDeliveries = "logs:ListLogDeliveries"

	// Sid S2SVPNLoggingCWL: lets AWS create or append the CloudWatch Logs resource policy that admits
	// delivery.logs.amazonaws.com to the log group.
	ActionPutResourcePolicy        = "logs:PutResourcePolicy"
	ActionDescribeResourcePolicies = "logs:DescribeResourcePolicies"
	ActionDescribeLogGroups        = "logs:DescribeLogGroups"

	// Tunnel options: the change that turns logging on or off, and the read that finds tunnels by outside IP.
	ActionModifyVpnTunnelOptions = "ec2:ModifyVpnTunnelOptions"
	ActionDescribeVpnConnections = "ec2:DescribeVpnConnections"

	// Reading the logs (vpnlogs health data source, the setup tool's read commands).
	ActionFilterLogEvents    = "logs:FilterLogEvents"
	ActionGetLogEvents       = "logs:GetLogEvents"
	ActionDescribeLogStreams = "logs:DescribeLogStreams"
	ActionStartQuery         = "logs:StartQuery"
	ActionGetQueryResults    = "logs:GetQueryResults"

	// The preflight itself (not part of any document: without them the check degrades to a warning).
	ActionSimulatePrincipalPolicy = "iam:SimulatePrincipalPolicy"
	ActionGetRole                 = "iam:GetRole"
)

// Statement IDs, in document order.
const (
	SidDelivery         = "S2SVPNLogging"
	SidDeliveryCWL      = "S2SVPNLoggingCWL"
	SidTunnelModify     = "S2SVPNTunnelModify"
	SidDescribeVPN      = "S2SVPNDescribeConnections"
	SidLogsRead         = "S2SVPNLogsRead"
	SidLogsQueryResults = "S2SVPNLogsQueryResults"
)

const (
	resourceAll          = "*"
	defaultPartitionName = "aws"
)

// resourceKind says what a statement's Resource is scoped to when the scope is known.
type resourceKind int

const (
	// resourceAny is "*" whatever the scope.
	resourceAny resourceKind = iota
	// resourceVPNConnection is arn:PARTITION:ec2:REGION:ACCOUNT:vpn-connection/*.
	resourceVPNConnection
	// resourceLogGroup is arn:PARTITION:logs:REGION:ACCOUNT:log-group:* (which also matches the groups' streams).
	resourceLogGroup
)

// statementSpec is one statement of the document, before scoping.
type statementSpec struct {
	sid     string
	actions []string
	kind    resourceKind
	set     actionSet
}

// actionSet says which option includes a statement.
type actionSet int

const (
	setDelivery actionSet = iota
	setTunnelModify
	setRead
)

// statements is the document, in its fixed order. The first two are the documented policy (docs/design/aws-behaviour.md §4.1), unchanged (AWS's
// Site-to-Site VPN documentation, "IAM requirements to publish to CloudWatch Logs").
var statements = []statementSpec{
	{sid: SidDelivery, set: setDelivery, kind: resourceAny, actions: []string{
		ActionCreateLogDelivery, ActionDeleteLogDelivery, ActionGetLogDelivery, ActionListLogDeliveries, ActionUpdateLogDelivery,
	}},
	// The CloudWatch Logs guide: "be sure to set the ARN of its Resource line to use a * wildcard". The
	// account-level resource policy has no ARN of its own, so "*" is kept even when the scope is known.
	// UNCONFIRMED: whether arn:PARTITION:logs:REGION:ACCOUNT:log-group:* (the guide's alternative example) suffices
	// for logs:PutResourcePolicy and logs:DescribeResourcePolicies on account-level policies; choice: "*", as the
	// VPN documentation prints it.
	{sid: SidDeliveryCWL, set: setDelivery, kind: resourceAny, actions: []string{
		ActionDescribeLogGroups, ActionDescribeResourcePolicies, ActionPutResourcePolicy,
	}},
	// UNCONFIRMED: docs/design/aws-behaviour.md §4.1 does not state the resource types of
	// ec2:ModifyVpnTunnelOptions; choice: scope it to the account's and region's VPN connections, the
	// vpn-connection resource type of the EC2 service authorization reference, when the scope is known.
	{sid: SidTunnelModify, set: setTunnelModify, kind: resourceVPNConnection, actions: []string{
		ActionModifyVpnTunnelOptions,
	}},
	// UNCONFIRMED (docs/design/aws-behaviour.md §4.1, §8 item 14): resource-level scoping of ec2:DescribeVpnConnections. EC2 Describe* actions
	// do not support it as far as is known; choice: always "*".
	{sid: SidDescribeVPN, set: setTunnelModify, kind: resourceAny, actions: []string{
		ActionDescribeVpnConnections,
	}},
	// UNCONFIRMED: resource types of the read actions are not in docs/design/aws-behaviour.md §4.1; choice: FilterLogEvents,
	// GetLogEvents, DescribeLogStreams and StartQuery on the log-group ARN pattern (log-group:* also matches the
	// :log-stream:NAME ARNs GetLogEvents is evaluated on). logs:DescribeLogGroups, which the read commands also
	// use, is already granted on "*" by S2SVPNLoggingCWL.
	{sid: SidLogsRead, set: setRead, kind: resourceLogGroup, actions: []string{
		ActionDescribeLogStreams, ActionFilterLogEvents, ActionGetLogEvents, ActionStartQuery,
	}},
	// UNCONFIRMED: logs:GetQueryResults addresses a query ID, not a log group; choice: "*".
	{sid: SidLogsQueryResults, set: setRead, kind: resourceAny, actions: []string{
		ActionGetQueryResults,
	}},
}

// DeliveryActions are the log-delivery permissions AWS documents for Site-to-Site VPN logging (Sids
// S2SVPNLogging and S2SVPNLoggingCWL), sorted.
var DeliveryActions = actionsOf(setDelivery)

// TunnelModifyActions change and read tunnel options, sorted.
var TunnelModifyActions = actionsOf(setTunnelModify)

// ReadActions read the delivered logs (health data source, the setup tool's read commands), sorted. They do
// not repeat logs:DescribeLogGroups, which DeliveryActions holds.
var ReadActions = actionsOf(setRead)

// LogGroupActions are the actions the vpnlogs_log_group resource calls to create, read, change and delete a log
// group, sorted. No document includes them: they are granted where log groups are managed.
var LogGroupActions = []string{
	"logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DeleteRetentionPolicy",
	"logs:DescribeLogGroups", "logs:DisassociateKmsKey", "logs:ListTagsForResource", "logs:PutRetentionPolicy",
	"logs:TagResource", "logs:UntagResource",
}

// RequiredActions is what enabling logging on a tunnel needs: DeliveryActions plus TunnelModifyActions, sorted.
// The provider's preflight and vpnlogs_permissions_check check this set by default.
var RequiredActions = sortedUnique(append(append([]string{}, DeliveryActions...), TunnelModifyActions...))

func actionsOf(set actionSet) []string {
	var out []string
	for _, s := range statements {
		if s.set == set {
			out = append(out, s.actions...)
		}
	}
	return sortedUnique(out)
}

func sortedUnique(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return slices.Compact(out)
}

// Scope locates the resources a document grants and a check simulates. Empty fields are unscoped.
type Scope struct {
	// Partition, for example "aws", "aws-cn" or "aws-us-gov". Empty: the region's partition, else "aws".
	Partition string
	// Region, for example "us-east-1". Empty: any region ("*" in ARNs).
	Region string
	// AccountID is the 12-digit account ID. Empty: any account ("*" in ARNs).
	AccountID string
}

// Scoped reports whether resource ARNs are narrowed at all (a region or an account is known).
func (s Scope) Scoped() bool { return s.Region != "" || s.AccountID != "" }

func (s Scope) partition() string {
	switch {
	case s.Partition != "":
		return s.Partition
	case s.Region != "":
		return awsconfig.PartitionForRegion(s.Region)
	}
	return defaultPartitionName
}

// resource renders a resource kind for the scope: "*" when nothing is known, else an ARN pattern with "*" for
// the unknown parts.
func (s Scope) resource(k resourceKind) string {
	if k == resourceAny || !s.Scoped() {
		return resourceAll
	}
	region, account := orStar(s.Region), orStar(s.AccountID)
	switch k {
	case resourceVPNConnection:
		return fmt.Sprintf("arn:%s:ec2:%s:%s:vpn-connection/*", s.partition(), region, account)
	case resourceLogGroup:
		return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", s.partition(), region, account)
	}
	return resourceAll
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

// Validate reports the first malformed field, naming it.
func (s Scope) Validate() error {
	if s.AccountID != "" && !awsconfig.AccountIDPattern.MatchString(s.AccountID) {
		return &FieldError{Field: "account_id", Msg: fmt.Sprintf("%q is not an AWS account ID: give the 12 digits, for example \"123456789012\"", s.AccountID)}
	}
	if s.Region != "" && !awsconfig.RegionPattern.MatchString(s.Region) {
		return &FieldError{Field: "region", Msg: fmt.Sprintf("%q is not an AWS region name such as \"us-east-1\"", s.Region)}
	}
	if s.Partition != "" && !awsconfig.PartitionPattern.MatchString(s.Partition) {
		return &FieldError{Field: "partition", Msg: fmt.Sprintf("%q is not an AWS partition such as \"aws\", \"aws-cn\" or \"aws-us-gov\"", s.Partition)}
	}
	if s.Partition != "" && s.Region != "" && awsconfig.PartitionForRegion(s.Region) != s.Partition {
		return &FieldError{Field: "partition", Msg: fmt.Sprintf("region %s is in partition %s, not %s", s.Region, awsconfig.PartitionForRegion(s.Region), s.Partition)}
	}
	return nil
}

// FieldError is an invalid option; Field is the data source attribute name (the CLI maps it to its flag).
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Options select and scope the document. The zero value is the delivery and tunnel-modify policy, unscoped.
type Options struct {
	Scope
	// IncludeRead adds what reading the logs needs (ReadActions).
	IncludeRead bool
	// ExcludeTunnelModify drops ec2:ModifyVpnTunnelOptions and ec2:DescribeVpnConnections (included by default).
	ExcludeTunnelModify bool
}

// Statement is one IAM policy statement; the field order is the JSON key order.
type Statement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

// Policy is an IAM policy document; it marshals to valid IAM JSON with keys in a stable order.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Document builds the least-privilege policy for opts. Statements come in a fixed order, each statement's
// actions sorted, so the JSON is stable.
func Document(opts Options) (Policy, error) {
	if err := opts.Validate(); err != nil {
		return Policy{}, err
	}
	p := Policy{Version: PolicyVersion}
	for _, s := range statements {
		if (s.set == setTunnelModify && opts.ExcludeTunnelModify) || (s.set == setRead && !opts.IncludeRead) {
			continue
		}
		p.Statement = append(p.Statement, Statement{
			Sid:      s.sid,
			Effect:   "Allow",
			Action:   sortedUnique(s.actions),
			Resource: []string{opts.resource(s.kind)},
		})
	}
	return p, nil
}

// Actions lists every action the policy allows, sorted and without duplicates.
func (p Policy) Actions() []string {
	var all []string
	for _, s := range p.Statement {
		all = append(all, s.Action...)
	}
	return sortedUnique(all)
}

// JSON is the minified document.
func (p Policy) JSON() string { return p.encode("") }

// PrettyJSON is the document indented by two spaces, without a trailing newline.
func (p Policy) PrettyJSON() string { return p.encode("  ") }

func (p Policy) encode(indent string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(p); err != nil {
		panic("iampolicy: encoding a policy cannot fail: " + err.Error())
	}
	return strings.TrimRight(buf.String(), "\n")
}

// simulationResource is the resource an action is simulated on: the one the document grants it on, so that a
// principal holding exactly the document is allowed. Actions the document does not know are simulated on "*".
func (s Scope) simulationResource(action string) string {
	for _, st := range statements {
		for _, a := range st.actions {
			if strings.EqualFold(a, action) {
				return s.resource(st.kind)
			}
		}
	}
	return resourceAll
}
