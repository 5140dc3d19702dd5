package logdelivery

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// The explanations of this file are the one wording of the delivery-policy budget and of a missing log group. The
// provider and the setup tool show them; each passes, in ExplainOptions, the words of its own vocabulary (attribute
// names or flags, "at apply time" or "when the change is made"), so that both say the same thing in their own terms.

// ExplainOptions word an explanation for the adapter that shows it.
type ExplainOptions struct {
	// LimitSetting names where the policy size limit comes from, e.g. "the provider's resource_policy_size_limit";
	// empty: not named.
	LimitSetting string
	// When says when AWS refuses a delivery that does not fit, e.g. "at apply time"; empty: not said.
	When string
	// Change names the change being checked, to follow "Enabling": "the log delivery planned in this run",
	// "delivery to these log groups". Empty: "log delivery".
	Change string
	// CreateGroup says how to create a log group with the given name, as one or more complete sentences (it may end
	// with an indented configuration block); nil: not said.
	CreateGroup func(name string) string
	// UseExisting says how to deliver to another, existing group instead, as a sentence; empty: not said.
	UseExisting string
	// ModelSetting renders the setting that chooses a resource-policy model, e.g. `resource_policy_model =
	// "log-group"` or `--resource-policy-model log-group`; nil: the model's name, quoted.
	ModelSetting func(Model) string
}

func (o ExplainOptions) change() string {
	if o.Change == "" {
		return "log delivery"
	}
	return o.Change
}

func (o ExplainOptions) setting() string {
	if o.LimitSetting == "" {
		return ""
	}
	return " (" + o.LimitSetting + ")"
}

func (o ExplainOptions) when() string {
	if o.When == "" {
		return ""
	}
	return " " + o.When
}

// Severity says whether an Explanation is an error (AWS would refuse the change) or a warning.
type Severity int

// Severities of an Explanation.
const (
	SeverityWarning Severity = iota + 1
	SeverityError
)

// Explanation is a finding worded for users: a short summary, what is wrong and why, and what to do.
type Explanation struct {
	Severity Severity
	Summary  string
	// Detail says what is wrong and why, with the numbers; it may hold several paragraphs.
	Detail string
	// Fix says what to do, as sentences that start with a capital (an error's fix follows "Fix: " in Text); it may
	// hold several paragraphs.
	Fix string
}

// Text is the detail followed by the fix, for adapters that show one text.
func (e Explanation) Text() string {
	switch {
	case e.Fix == "":
		return e.Detail
	case e.Severity == SeverityError:
		return e.Detail + "\n\nFix: " + e.Fix
	}
	return e.Detail + "\n\n" + e.Fix
}

// Summaries of the budget explanations.
const (
	SummaryTooManyPolicies = "Too many CloudWatch Logs resource policies"
	SummaryOverLimit       = "CloudWatch Logs resource policy would exceed its size limit"
	SummaryNearLimit       = "CloudWatch Logs resource policy close to its size limit"
	SummaryNotChecked      = "CloudWatch Logs resource policy budget not checked"
	SummaryMissingGroup    = "Log group does not exist"
)

// Explain words the verdict on the run's projection under the run's model: an error when AWS would refuse the change
// for lack of a policy slot or of room in a policy, else a warning when a policy would come close to its limit, else
// nothing (under the log-group-level model also a warning for the groups whose own policy could not be read). There
// is never a warning beside an error about the same projection: the error says more. Every finding ends with the
// model it assumed and how to choose the other.
//
// incomplete says that more changes may still be planned after this verdict, so the totals are lower bounds and are
// worded "at least".
func (r RunResult) Explain(opts ExplainOptions, incomplete bool) []Explanation {
	if r.Budget == nil {
		return nil
	}
	if r.Model.Model == ModelLogGroup {
		return r.explainGroups(opts, incomplete)
	}
	if len(r.Growing()) == 0 {
		return nil
	}
	var out []Explanation
	if !r.FitsCount() {
		out = append(out, r.explainCount(opts))
	}
	switch {
	case !r.FitsSize():
		out = append(out, r.explainSize(opts, incomplete, false))
	case r.NearLimit() && len(out) == 0:
		out = append(out, r.explainSize(opts, incomplete, true))
	}
	return out
}

// growthLines lists, one per line, what grows the policy: the skeleton AWS adds around the entries, then each group
// by ARN with the characters its entry adds and the changes that deliver to it.
func (r RunResult) growthLines() string {
	var sb strings.Builder
	if r.Skeleton > 0 {
		fmt.Fprintf(&sb, "  - %s: +%d characters\n", r.SkeletonWhat, r.Skeleton)
	}
	growing := r.Growing()
	sort.SliceStable(growing, func(i, j int) bool { return growing[i].LogGroupARN < growing[j].LogGroupARN })
	for _, g := range growing {
		fmt.Fprintf(&sb, "  - %s: +%d characters", g.LogGroupARN, g.Growth)
		if g.Entry != DeliveryEntry(mustParse(g.LogGroupARN)) {
			fmt.Fprintf(&sb, " for %s", g.Entry)
		}
		if src := r.sources(g.LogGroupARN); len(src) > 0 {
			fmt.Fprintf(&sb, " (%s)", strings.Join(src, ", "))
		}
		sb.WriteString("\n")
	}
	return strings.TrimRight(sb.String(), "\n")
}

func mustParse(arn string) LogGroupARN {
	a, _ := ParseLogGroupARN(arn) // projected groups are parsed ARNs
	return a
}

// sources are the changes that deliver to the group, sorted.
func (r RunResult) sources(arn string) []string {
	src := append([]string(nil), r.Sources[arn]...)
	sort.Strings(src)
	return src
}

func (r RunResult) explainSize(opts ExplainOptions, incomplete, near bool) Explanation {
	atLeast := ""
	if incomplete {
		atLeast = "at least "
	}
	var sb strings.Builder
	if r.NewPolicy {
		fmt.Fprintf(&sb, "Enabling %s would make AWS create the account-level CloudWatch Logs resource policy %s with %s%d characters",
			opts.change(), r.PolicyName, atLeast, r.ProjectedCharacters)
	} else {
		fmt.Fprintf(&sb, "Enabling %s would grow the account-level CloudWatch Logs resource policy %s from %d to %s%d characters",
			opts.change(), r.PolicyName, r.CurrentCharacters, atLeast, r.ProjectedCharacters)
	}
	e := Explanation{Severity: SeverityError, Summary: SummaryOverLimit}
	if near {
		e = Explanation{Severity: SeverityWarning, Summary: SummaryNearLimit}
		remain := "would remain"
		if incomplete {
			remain = "at most would remain"
		}
		fmt.Fprintf(&sb, ", %s%.0f%% of the limit of %d%s; %d characters %s.", atLeast,
			100*float64(r.ProjectedCharacters)/float64(r.Limit), r.Limit, opts.setting(), r.Remaining(), remain)
	} else {
		fmt.Fprintf(&sb, "; the limit is %d%s, %s%d over. AWS would reject the change%s.", r.Limit, opts.setting(), atLeast,
			-r.Remaining(), opts.when())
	}
	fmt.Fprintf(&sb, "\n\nWhat grows the policy, in characters of its minified document (%d %s):\n%s",
		len(r.Growing()), plural(len(r.Growing()), "log group", "log groups"), r.growthLines())
	if incomplete {
		sb.WriteString("\n\nMore changes were still being planned when this was checked, so the policy would grow at least this much.")
	}
	sb.WriteString("\n\n" + r.Model.Reason(opts))
	e.Detail = sb.String()
	e.Fix = r.vendedFix(opts, near) + "\n\n" + r.Model.Alternative(opts)
	return e
}

// vendedFix is the fix for a policy that would overflow (or come close): the same groups under /aws/vendedlogs/,
// which the policy covers with one entry (Budget.VendedAlternative), or else room made in the policy.
func (r RunResult) vendedFix(opts ExplainOptions, near bool) string {
	freeRoom := fmt.Sprintf("remove from %s the entries of log groups that no longer receive logs (logs:PutResourcePolicy), or "+
		"raise the limit%s if AWS enforces a larger one in your account.", r.PolicyName, opts.setting())
	alt, ok := r.Budget.VendedAlternative(r.Projection)
	if !ok {
		if r.NewPolicy {
			return fmt.Sprintf("The policy AWS would create does not fit the limit by itself: raise the limit%s if AWS enforces "+
				"a larger one in your account.", opts.setting())
		}
		return "Free room: " + freeRoom
	}
	var sb strings.Builder
	if near {
		sb.WriteString("To keep room, deliver to log groups whose names start with " + VendedLogsPrefix + ". ")
	} else {
		sb.WriteString("Deliver to log groups whose names start with " + VendedLogsPrefix + ". ")
	}
	switch {
	case alt.CoveredBy != "":
		fmt.Fprintf(&sb, "The policy already covers all of them with the entry %s, so they add nothing.", alt.Entry)
	case alt.InProjection:
		fmt.Fprintf(&sb, "AWS covers all of them with the single entry %s, which this change adds already (it is in the list "+
			"above), so further ones add nothing.", alt.Entry)
	default:
		fmt.Fprintf(&sb, "AWS covers all of them with the single entry %s (%d characters, added once), so they do not grow "+
			"the policy one by one.", alt.Entry, alt.Growth)
		if !alt.FitsSize && !r.NewPolicy {
			fmt.Fprintf(&sb, " The policy has only %d characters left, too few even for that entry: first %s",
				r.Limit-r.CurrentCharacters, freeRoom)
		}
	}
	if opts.CreateGroup != nil {
		sb.WriteString(" " + opts.CreateGroup(VendedName(alt.Groups[0].Name)))
	}
	sb.WriteString("\n\nNames to use instead:")
	for _, g := range alt.Groups {
		fmt.Fprintf(&sb, "\n  %s -> %s", g.Name, VendedName(g.Name))
	}
	return sb.String()
}

func (r RunResult) explainCount(opts ExplainOptions) Explanation {
	var groups []string
	for _, g := range r.Growing() {
		groups = append(groups, g.LogGroupARN)
	}
	sort.Strings(groups)
	region := r.Budget.Scope.Region
	return Explanation{
		Severity: SeverityError,
		Summary:  SummaryTooManyPolicies,
		Detail: fmt.Sprintf("Enabling %s needs the account-level CloudWatch Logs resource policy %s, which does not exist yet. AWS "+
			"would have to create it as policy number %d, but an account can have at most %d account-level resource policies "+
			"per Region (a quota that cannot be raised), and %s already has %d: %s. AWS would reject the change%s.\n\n"+
			"Log groups that need the policy: %s.\n\n%s",
			opts.change(), r.PolicyName, r.ProjectedPolicyCount, r.MaxPolicies, region, r.PolicyCount,
			strings.Join(r.Budget.PolicyNames(), ", "), opts.when(), strings.Join(groups, ", "), r.Model.Reason(opts)),
		Fix: fmt.Sprintf("Delete an account-level resource policy that is no longer needed (aws logs delete-resource-policy "+
			"--policy-name NAME --region %s). Log groups under %s do not avoid this: they, too, need the delivery policy.\n\n%s",
			region, VendedLogsPrefix, r.Model.Alternative(opts)),
	}
}

// NotCheckedExplanation says what was not checked when the account's resource policies could not be read (err) for
// the given log groups (ARNs), and how to have it checked; model is the run's model as far as it was decided.
func NotCheckedExplanation(s Scope, limit int, groups []string, err error, model ModelChoice, opts ExplainOptions) Explanation {
	why := "failed"
	if awsconfig.IsAccessDenied(err) {
		why = "was denied (access denied)"
	}
	if limit <= 0 {
		limit = DefaultPolicySizeLimit
	}
	groups = append([]string(nil), groups...)
	sort.Strings(groups)
	applies := ""
	if len(groups) > 0 {
		applies = " This applies to " + strings.Join(groups, ", ") + "."
	}
	what := fmt.Sprintf("the log delivery resource policy %s (limit %d characters%s) or the limit of %d account-level resource "+
		"policies", DeliveryPolicyName, limit, opts.setting(), MaxAccountPolicies)
	if model.Model == ModelLogGroup {
		what = fmt.Sprintf("the resource policies of the log groups themselves (limit %d bytes each), which an account-level "+
			"policy may make unnecessary,", GroupPolicySizeLimit)
	}
	return Explanation{
		Severity: SeverityWarning,
		Summary:  SummaryNotChecked,
		Detail: fmt.Sprintf("Reading the account's CloudWatch Logs resource policies (logs:DescribeResourcePolicies in %s) %s, so "+
			"whether enabling %s fits %s was not checked.%s If it does not fit, AWS rejects the change%s.\n\nError: %s\n\n%s",
			s.Region, why, opts.change(), what, applies, opts.when(), err, model.Reason(opts)),
		Fix: "To have it checked, allow logs:DescribeResourcePolicies for the identity that makes the change. Log groups whose " +
			"names start with " + VendedLogsPrefix + " do not grow the account-level policy.\n\n" + model.Alternative(opts),
	}
}

// MissingGroupExplanation says that the log group a change would deliver to does not exist: AWS refuses to enable
// delivery to it.
func MissingGroupExplanation(a LogGroupARN, opts ExplainOptions) Explanation {
	var fix []string
	if opts.CreateGroup != nil {
		fix = append(fix, opts.CreateGroup(a.Name))
	}
	if opts.UseExisting != "" {
		fix = append(fix, opts.UseExisting)
	}
	e := Explanation{
		Severity: SeverityError,
		Summary:  SummaryMissingGroup,
		Detail: fmt.Sprintf("The log group %s does not exist in %s/%s, so AWS would refuse to deliver logs to it%s.",
			a.Name, a.AccountID, a.Region, opts.when()),
	}
	e.Fix = strings.Join(fix, "\n\n")
	return e
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
