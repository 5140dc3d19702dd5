package logdelivery

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Model is where AWS lets log delivery write to a log group. AWS documents two behaviours, and they disagree
// (docs/design/aws-behaviour.md §3.4–§3.6):
//
//   - The Site-to-Site VPN logs page: enabling delivery adds the group to the account-level policy
//     AWSLogDeliveryWrite20150319, "limited to 5120 characters"; /aws/vendedlogs/ groups share one wildcard entry.
//   - CloudWatch Logs' V1 vended-logs page: "For newly created subscriptions, resource policies are configured at the
//     log group level and have a maximum size of 51,200 bytes. If an existing account-level resource policy already
//     grants permissions through wildcards, a separate log group level policy would not be created."
//
// Which one an account gets, and since when, is not published (UNCONFIRMED, docs/design/aws-behaviour.md §8 item 6),
// so the product asks (a setting) or looks for evidence in the account (ModelAuto).
type Model string

// Models.
const (
	// ModelAccount: the account-level delivery policy grows by one entry per log group (Budget.Project).
	ModelAccount Model = "account"
	// ModelLogGroup: a log group that no account-level policy covers gets a policy of its own, of at most
	// GroupPolicySizeLimit bytes; the account-level policies do not change (ProjectGroupPolicy).
	ModelLogGroup Model = "log-group"
	// ModelAuto: ModelLogGroup when the account shows it is in use (log groups VPN tunnels deliver to have their own
	// policies granting delivery), else ModelAccount (RunProjection.Model).
	ModelAuto Model = "auto"
)

// Models are the values a model setting takes, the default (auto) first.
func Models() []string {
	return []string{string(ModelAuto), string(ModelAccount), string(ModelLogGroup)}
}

// ValidModel reports whether s is one of Models.
func ValidModel(s string) bool { return slices.Contains(Models(), s) }

// ParseModel reads a model setting. The error says what each value means and, when s looks like one of them (another
// case, "_" for "-", "loggroup"), which one to write.
func ParseModel(s string) (Model, error) {
	if ValidModel(s) {
		return Model(s), nil
	}
	guess := ""
	switch strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(s)) {
	case "auto", "automatic":
		guess = string(ModelAuto)
	case "account", "accountlevel":
		guess = string(ModelAccount)
	case "loggroup", "loggrouplevel", "group", "resource":
		guess = string(ModelLogGroup)
	}
	msg := fmt.Sprintf("%q is not a resource-policy model: use %q (decided from the account, the default), %q (AWS adds each "+
		"log group to the account-level policy %s) or %q (AWS gives each log group a policy of its own)",
		s, ModelAuto, ModelAccount, DeliveryPolicyName, ModelLogGroup)
	if guess != "" {
		msg += fmt.Sprintf("; did you mean %q?", guess)
	}
	return "", errors.New(msg)
}

// ModelOrAuto is s as a Model, with "" standing for ModelAuto (the default).
func ModelOrAuto(s string) Model {
	if s == "" {
		return ModelAuto
	}
	return Model(s)
}

const (
	// GroupPolicySizeLimit is the size limit of a log group's own resource policy, in bytes ("have a maximum size of
	// 51,200 bytes", docs/design/aws-behaviour.md §3.3).
	GroupPolicySizeLimit = 51200
	// MaxModelProbes bounds the log-group-level policies ModelAuto reads to look for evidence: at most this many
	// DescribeResourcePolicies calls (policy scope RESOURCE, one log group each), once per run.
	MaxModelProbes = 10
)

// label is the model's name in sentences.
func (m Model) label() string {
	switch m {
	case ModelAccount:
		return "account-level"
	case ModelLogGroup:
		return "log-group-level"
	}
	return string(m)
}

// ModelEvidence is a log group whose own policy grants log delivery: the sign that AWS gives new deliveries in the
// account policies at the log group level.
type ModelEvidence struct {
	LogGroupARN string
	// PolicyName is the name of the group's policy; empty when it has none (AWS does not publish the name it gives
	// such a policy, so the policy is recognised by its grant, not its name).
	PolicyName string
}

// ModelChoice is the model a run assumes and why.
type ModelChoice struct {
	// Setting is the model asked for: ModelAccount, ModelLogGroup or ModelAuto.
	Setting Model
	// Model is the model assumed: ModelAccount or ModelLogGroup; empty when ModelAuto could not decide (the
	// account-level policies could not be read).
	Model Model
	// Delivering is the number of log groups of the run's account and region that VPN tunnels deliver to now
	// (ModelAuto only).
	Delivering int
	// Candidates are those of them (normalised ARNs, sorted) that no account-level policy covers: under the
	// account-level model AWS added every such group to the account-level policy, so their own policies are where
	// evidence of the log-group-level model is.
	Candidates []string
	// Probed are the first MaxModelProbes candidates, whose own policies were read.
	Probed []string
	// Evidence are the probed groups whose own policy grants delivery, sorted by ARN.
	Evidence []ModelEvidence
	// DeliveringErr is set when the VPN tunnels' log groups could not be listed; ProbeErr is the first failed read
	// of a probed group's policy.
	DeliveringErr, ProbeErr error
}

// EvidenceARNs are the ARNs of the Evidence groups.
func (c ModelChoice) EvidenceARNs() []string {
	out := make([]string, len(c.Evidence))
	for i, e := range c.Evidence {
		out[i] = e.LogGroupARN
	}
	return out
}

// setting renders the setting that chooses m in the adapter's words.
func (o ExplainOptions) modelSetting(m Model) string {
	if o.ModelSetting == nil {
		return fmt.Sprintf("%q", m)
	}
	return o.ModelSetting(m)
}

// Reason says which model was assumed and why, as one or more sentences: the setting, or what ModelAuto found.
func (c ModelChoice) Reason(opts ExplainOptions) string {
	if c.Model == "" {
		return fmt.Sprintf("The resource-policy model was not decided: %s looks for log-group-level policies only once the "+
			"account-level policies have been read.", opts.modelSetting(ModelAuto))
	}
	if c.Setting != ModelAuto {
		return fmt.Sprintf("This assumes the %s model, as %s sets.", c.Model.label(), opts.modelSetting(c.Setting))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "This assumes the %s model, which %s chose: ", c.Model.label(), opts.modelSetting(ModelAuto))
	switch {
	case len(c.Evidence) > 0:
		first := c.Evidence[0]
		name := ""
		if first.PolicyName != "" {
			name = " (" + first.PolicyName + ")"
		}
		fmt.Fprintf(&sb, "the own resource policy%s of %s, a log group that VPN tunnels deliver to, grants %s", name,
			first.LogGroupARN, DeliveryPrincipal)
		if n := len(c.Evidence) - 1; n > 0 {
			fmt.Fprintf(&sb, ", and so does that of %d more %s", n, plural(n, "group", "groups"))
		}
		sb.WriteString(".")
	case c.DeliveringErr != nil:
		fmt.Fprintf(&sb, "the log groups VPN tunnels deliver to could not be listed (%v), so there was no log-group-level "+
			"policy to go by.", c.DeliveringErr)
	case len(c.Candidates) == 0 && c.Delivering == 0:
		sb.WriteString("no VPN tunnel of the account and region delivers logs yet, so there is no log-group-level policy to go by.")
	case len(c.Candidates) == 0:
		groups := fmt.Sprintf("all %d log groups", c.Delivering)
		if c.Delivering == 1 {
			groups = "the one log group"
		}
		fmt.Fprintf(&sb, "the account-level policies cover %s that VPN tunnels deliver to, as they do when AWS adds "+
			"each group to them.", groups)
	default:
		fmt.Fprintf(&sb, "the own resource policies of the %d %s that VPN tunnels deliver to outside the account-level "+
			"policies (%s", len(c.Probed), plural(len(c.Probed), "log group", "log groups"), strings.Join(c.Probed, ", "))
		if n := len(c.Candidates) - len(c.Probed); n > 0 {
			fmt.Fprintf(&sb, "; %d more not read", n)
		}
		fmt.Fprintf(&sb, ") do not grant %s", DeliveryPrincipal)
		if c.ProbeErr != nil {
			fmt.Fprintf(&sb, ", as far as they could be read (%v)", c.ProbeErr)
		}
		sb.WriteString(".")
	}
	return sb.String()
}

// Alternative says how to choose the other model, and when to: one sentence for the fix of a finding.
func (c ModelChoice) Alternative(opts ExplainOptions) string {
	if c.Model == "" {
		return fmt.Sprintf("If you know how AWS grants log delivery in your account, set %s or %s.",
			opts.modelSetting(ModelAccount), opts.modelSetting(ModelLogGroup))
	}
	if c.Model == ModelLogGroup {
		return fmt.Sprintf("If AWS still adds log groups to the account-level policy %s in your account, as the Site-to-Site VPN "+
			"guide describes, set %s.", DeliveryPolicyName, opts.modelSetting(ModelAccount))
	}
	return fmt.Sprintf("If AWS gives new deliveries in your account a resource policy on the log group itself instead (\"For newly "+
		"created subscriptions, resource policies are configured at the log group level\", CloudWatch Logs User Guide), set %s: "+
		"each group's own policy is then checked against its limit of %d bytes.", opts.modelSetting(ModelLogGroup), GroupPolicySizeLimit)
}
