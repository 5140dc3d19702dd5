package logdelivery

import "fmt"

// Fields of a Mismatch.
const (
	FieldRegion    = "region"
	FieldAccount   = "account"
	FieldPartition = "partition"
)

// Mismatch is one way a log group lies outside the partition, region or account of the VPN connections that would
// deliver to it.
type Mismatch struct {
	// Field is FieldRegion, FieldAccount or FieldPartition.
	Field string
	// Got is the log group's value, Want that of the deliverer.
	Got, Want string
	// Reason says why delivery needs the two to match, as a sentence without its final period; empty when there is
	// nothing to add.
	Reason string
}

// Describe words the mismatch for arn, spelled as the user gave it: "<arn> is in region eu-west-1, but <setBy>
// us-east-1", where setBy names, in the caller's terms, what chose the expected value ("the provider works in", "the
// AWS settings select"). An account reads "account 123456789012". Reason is not included.
func (m Mismatch) Describe(arn, setBy string) string {
	want := m.Want
	if m.Field == FieldAccount {
		want = "account " + want
	}
	return fmt.Sprintf("%s is in %s %s, but %s %s", arn, m.Field, m.Got, setBy, want)
}

// CheckDeliverable compares the log group with the scope of the VPN connections that would deliver to it:
// Site-to-Site VPN delivers logs only to a group in the connection's own account and region (and so partition). It
// returns the mismatches in the order region, account, partition; none when the group is deliverable. Empty fields
// of s are not known and not compared.
func (a LogGroupARN) CheckDeliverable(s Scope) []Mismatch {
	var out []Mismatch
	if s.Region != "" && a.Region != s.Region {
		out = append(out, Mismatch{Field: FieldRegion, Got: a.Region, Want: s.Region,
			Reason: "Site-to-Site VPN delivers logs only to a log group in the connection's own region"})
	}
	if s.AccountID != "" && a.AccountID != s.AccountID {
		out = append(out, Mismatch{Field: FieldAccount, Got: a.AccountID, Want: s.AccountID,
			Reason: "Site-to-Site VPN log delivery is same-account"})
	}
	if s.Partition != "" && a.Partition != s.Partition {
		out = append(out, Mismatch{Field: FieldPartition, Got: a.Partition, Want: s.Partition})
	}
	return out
}

// placeholderAccountID stands for an account ID that is not known: only its length matters to a policy's size.
const placeholderAccountID = "123456789012"

// OutsideVendedLogsExplanation explains why a log group name outside /aws/vendedlogs/ needs an opt-in: when a tunnel
// starts delivering to the group, AWS adds its own entry to the account's delivery policy; what that entry costs of
// limit, how many such groups fit in a policy that holds nothing else, and that groups under /aws/vendedlogs/ share one
// wildcard entry. This is the account-level model; with opts.ModelSetting it also says how to choose the
// log-group-level one, under which such a name costs the account-level policy nothing. The fix (VendedName, or the
// opt-in) names a setting or a flag, so the caller adds it. An empty s.AccountID is replaced by a placeholder of the
// same length.
func OutsideVendedLogsExplanation(s Scope, name string, limit int, opts ExplainOptions) string {
	if s.AccountID == "" {
		s.AccountID = placeholderAccountID
	}
	entry := DeliveryEntry(s.LogGroupARN(name))
	cost := Characters(jsonString(entry)) + 1 // quoted, and a comma in the Resource list
	empty := Characters(DocumentedPolicy(s, nil))
	room := max(0, (limit-empty)/cost)
	setting, when := "", ""
	if opts.LimitSetting != "" {
		setting = " (" + opts.LimitSetting + ")"
	}
	if opts.When != "" {
		when = " " + opts.When
	}
	model := ""
	if opts.ModelSetting != nil {
		model = fmt.Sprintf(" This is the account-level model, which the Site-to-Site VPN guide describes; if AWS gives new "+
			"deliveries in your account a resource policy on the log group itself instead, set %s: a name outside %s then "+
			"costs the account-level policy nothing.", opts.modelSetting(ModelLogGroup), VendedLogsPrefix)
	}
	return fmt.Sprintf("The log group name %q does not start with %s. When a VPN tunnel starts delivering logs to it, AWS adds "+
		"the entry %q to the account-wide CloudWatch Logs resource policy %s: %d more characters for this group alone. "+
		"That one policy serves every log delivery of the account in %s and is limited to %d characters%s, room for at most "+
		"%d such groups; once it is full, enabling logs fails%s. All groups under %s share a single wildcard entry and do not "+
		"grow it.%s",
		name, VendedLogsPrefix, entry, DeliveryPolicyName, cost, s.Region, limit, setting, room, when, VendedLogsPrefix, model)
}
