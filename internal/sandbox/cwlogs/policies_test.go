package cwlogs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// docOfLen returns a valid JSON document of exactly n characters whose padding is pad
// (a single character, possibly multi-byte).
func docOfLen(n int, pad string) string {
	const head, tail = `{"Version":"2012-10-17","Statement":[],"Pad":"`, `"}`
	return head + strings.Repeat(pad, n-len(head)-len(tail)) + tail
}

func TestAccountPolicySizeLimit(t *testing.T) {
	e := newEnv(t, nil)
	put := func(name, doc string) error {
		_, err := e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
		return err
	}
	wantOK(t, put("at-limit", docOfLen(5120, "x")))
	err := put("over", docOfLen(5121, "x"))
	wantCode(t, err, CodeInvalidParameter)
	if !strings.Contains(err.Error(), "Policy document length breaking Cloudwatch Logs Constraints, either < 1 or > 5120") {
		t.Fatalf("message: %v", err)
	}
	// Counted in characters, not bytes: 5120 characters of which most are 2-byte 'é'.
	multi := docOfLen(5120, "é")
	if len(multi) <= 5120 {
		t.Fatal("test document must be longer than 5120 bytes")
	}
	wantOK(t, put("multibyte", multi))
	wantCode(t, put("multibyte-over", docOfLen(5121, "é")), CodeInvalidParameter)
	wantCode(t, put("empty", ""), CodeInvalidParameter)
	wantCode(t, put("notjson", "{not json"), CodeInvalidParameter)
	// Stored as sent (whitespace kept), length reported as stored.
	pretty := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"
	wantOK(t, put("pretty", pretty))
	out, err := e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{})
	wantOK(t, err)
	byName := map[string]types.ResourcePolicy{}
	for _, p := range out.ResourcePolicies {
		byName[*p.PolicyName] = p
	}
	if *byName["pretty"].PolicyDocument != pretty || *byName["multibyte"].PolicyDocument != multi || byName["pretty"].PolicyScope != types.PolicyScopeAccount || byName["pretty"].RevisionId != nil {
		t.Fatalf("stored policies: %+v", byName["pretty"])
	}
	if *byName["pretty"].LastUpdatedTime != testNow.UnixMilli() {
		t.Fatalf("lastUpdatedTime")
	}

	// A configured limit (e.g. 51200) is used in the check and the message.
	e2 := newEnv(t, func(o *Options) { o.PolicySizeLimit = 51200 })
	_, err = e2.cl.PutResourcePolicy(e2.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(docOfLen(51200, "x"))})
	wantOK(t, err)
	_, err = e2.cl.PutResourcePolicy(e2.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(docOfLen(51201, "x"))})
	if errCode(t, err) != CodeInvalidParameter || !strings.Contains(err.Error(), "> 51200") {
		t.Fatalf("51201: %v", err)
	}
}

func TestAccountPolicyCount(t *testing.T) {
	e := newEnv(t, nil)
	doc := `{"Version":"2012-10-17","Statement":[]}`
	for i := 0; i < 10; i++ {
		_, err := e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String(fmt.Sprintf("p%02d", i)), PolicyDocument: aws.String(doc)})
		wantOK(t, err)
	}
	_, err := e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String("p10"), PolicyDocument: aws.String(doc)})
	var le *types.LimitExceededException
	if !asErr(err, &le) || *le.Message != "Resource limit exceeded." {
		t.Fatalf("11th policy: %v", err)
	}
	// Replacing an existing name at the cap is fine.
	_, err = e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String("p03"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[ ]}`)})
	wantOK(t, err)
	// Paging.
	var names []string
	var tok *string
	for {
		out, err := e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{Limit: aws.Int32(3), NextToken: tok})
		wantOK(t, err)
		for _, p := range out.ResourcePolicies {
			names = append(names, *p.PolicyName)
		}
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if len(names) != 10 || names[0] != "p00" || names[9] != "p09" {
		t.Fatalf("paged names %v", names)
	}
	_, err = e.cl.DeleteResourcePolicy(e.ctx, &cwl.DeleteResourcePolicyInput{PolicyName: aws.String("p05")})
	wantOK(t, err)
	_, err = e.cl.DeleteResourcePolicy(e.ctx, &cwl.DeleteResourcePolicyInput{PolicyName: aws.String("p05")})
	wantCode(t, err, CodeResourceNotFound)
	_, err = e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String("p10"), PolicyDocument: aws.String(doc)})
	wantOK(t, err)
	if len(e.svc.AccountPolicies()) != 10 {
		t.Fatal("count")
	}
	_, err = e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{Limit: aws.Int32(51)})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyDocument: aws.String(doc)})
	wantCode(t, err, CodeInvalidParameter)
}

func TestResourceScopePolicies(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "/aws/vpn/g")
	arn := e.arn("/aws/vpn/g")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"` + arn + `:*"}]}`
	put := func(name, doc string, rev *string) (*cwl.PutResourcePolicyOutput, error) {
		return e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc), ResourceArn: aws.String(arn), ExpectedRevisionId: rev})
	}
	out, err := put("grp", doc, nil)
	wantOK(t, err)
	rev1 := *out.RevisionId
	if rev1 != "1" || *out.ResourcePolicy.RevisionId != rev1 || *out.ResourcePolicy.PolicyName != "grp" || out.ResourcePolicy.PolicyScope != types.PolicyScopeResource || *out.ResourcePolicy.ResourceArn != arn {
		t.Fatalf("put: %+v", out.ResourcePolicy)
	}
	if len(e.svc.AccountPolicies()) != 0 {
		t.Fatal("resource-scope policy must not count as an account policy")
	}
	_, err = put("grp", doc, nil)
	wantCode(t, err, CodeOperationAborted)
	_, err = put("grp", doc, aws.String("stale"))
	wantCode(t, err, CodeOperationAborted)
	_, err = put("other", doc, aws.String(rev1))
	wantCode(t, err, CodeLimitExceeded)
	out, err = put("grp", doc+" ", aws.String(rev1))
	wantOK(t, err)
	rev2 := *out.RevisionId
	if rev2 != "2" {
		t.Fatalf("second revision %q", rev2)
	}
	d, err := e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{PolicyScope: types.PolicyScopeResource, ResourceArn: aws.String(arn)})
	wantOK(t, err)
	if len(d.ResourcePolicies) != 1 || *d.ResourcePolicies[0].RevisionId != rev2 || *d.ResourcePolicies[0].PolicyDocument != doc+" " {
		t.Fatalf("describe RESOURCE: %+v", d.ResourcePolicies)
	}
	d, err = e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{})
	wantOK(t, err)
	if len(d.ResourcePolicies) != 0 {
		t.Fatal("ACCOUNT listing must not include resource policies")
	}
	_, err = e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{PolicyScope: types.PolicyScopeResource})
	wantCode(t, err, CodeInvalidParameter)
	// size limit for RESOURCE scope
	_, err = put("grp", docOfLen(51201, "x"), aws.String(rev2))
	if errCode(t, err) != CodeInvalidParameter || !strings.Contains(err.Error(), "> 51200") {
		t.Fatalf("resource size: %v", err)
	}
	_, err = put("grp", docOfLen(51200, "x"), aws.String(rev2))
	wantOK(t, err)
	rev3 := e.svc.ResourcePolicies(arn)[0].RevisionID
	// delete needs the revision
	_, err = e.cl.DeleteResourcePolicy(e.ctx, &cwl.DeleteResourcePolicyInput{PolicyName: aws.String("grp"), ResourceArn: aws.String(arn)})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.DeleteResourcePolicy(e.ctx, &cwl.DeleteResourcePolicyInput{PolicyName: aws.String("grp"), ResourceArn: aws.String(arn), ExpectedRevisionId: aws.String(rev1)})
	wantCode(t, err, CodeOperationAborted)
	_, err = e.cl.DeleteResourcePolicy(e.ctx, &cwl.DeleteResourcePolicyInput{PolicyName: aws.String("grp"), ResourceArn: aws.String(arn), ExpectedRevisionId: aws.String(rev3)})
	wantOK(t, err)
	if len(e.svc.ResourcePolicies(arn)) != 0 {
		t.Fatal("not deleted")
	}
	// missing group; deleting a group removes its policy
	_, err = e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String("x"), PolicyDocument: aws.String(doc), ResourceArn: aws.String(e.arn("nope"))})
	wantCode(t, err, CodeResourceNotFound)
	_, err = put("grp", doc, nil)
	wantOK(t, err)
	_, err = e.cl.DeleteLogGroup(e.ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/aws/vpn/g")})
	wantOK(t, err)
	e.mkGroup(t, "/aws/vpn/g")
	if len(e.svc.ResourcePolicies(arn)) != 0 {
		t.Fatal("policy survived group deletion")
	}
}

// Resource-scoped policies as terraform-provider-aws manages them: identified by the log group
// alone, without policyName; revisions "1", "2", ...; expectedRevisionId required to change or
// delete one.
func TestResourceScopePoliciesWithoutName(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "/vpn/g")
	arn := e.arn("/vpn/g")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"` + arn + `:*"}]}`
	put := func(rev *string) (*cwl.PutResourcePolicyOutput, error) {
		return e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyDocument: aws.String(doc), ResourceArn: aws.String(arn), ExpectedRevisionId: rev})
	}
	_, err := put(aws.String(""))
	if errCode(t, err) != CodeInvalidParameter || !strings.Contains(err.Error(), "'expectedRevisionId' failed to satisfy constraint") {
		t.Fatalf("empty expectedRevisionId: %v", err)
	}
	out, err := put(nil)
	wantOK(t, err)
	if *out.RevisionId != "1" || out.ResourcePolicy.PolicyName != nil || *out.ResourcePolicy.ResourceArn != arn {
		t.Fatalf("created: revision %v, name %v", *out.RevisionId, aws.ToString(out.ResourcePolicy.PolicyName))
	}
	out, err = put(aws.String("1"))
	wantOK(t, err)
	if *out.RevisionId != "2" {
		t.Fatalf("updated: revision %v", *out.RevisionId)
	}
	d, err := e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{PolicyScope: types.PolicyScopeResource, ResourceArn: aws.String(arn)})
	wantOK(t, err)
	if len(d.ResourcePolicies) != 1 || d.ResourcePolicies[0].PolicyName != nil || *d.ResourcePolicies[0].RevisionId != "2" {
		t.Fatalf("described: %+v", d.ResourcePolicies)
	}
	// A resourceArn without policyScope asks for the RESOURCE scope.
	d, err = e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{ResourceArn: aws.String(arn)})
	wantOK(t, err)
	if len(d.ResourcePolicies) != 1 || d.ResourcePolicies[0].PolicyScope != types.PolicyScopeResource {
		t.Fatalf("described without policyScope: %+v", d.ResourcePolicies)
	}

	del := func(name, rev *string) error {
		_, err := e.cl.DeleteResourcePolicy(e.ctx, &cwl.DeleteResourcePolicyInput{PolicyName: name, ResourceArn: aws.String(arn), ExpectedRevisionId: rev})
		return err
	}
	wantCode(t, del(nil, nil), CodeInvalidParameter)
	wantCode(t, del(nil, aws.String("")), CodeInvalidParameter)
	wantCode(t, del(nil, aws.String("1")), CodeOperationAborted)
	wantCode(t, del(aws.String("someone-elses"), aws.String("2")), CodeResourceNotFound)
	wantOK(t, del(nil, aws.String("2")))
	wantCode(t, del(nil, aws.String("2")), CodeResourceNotFound)
	_, err = e.cl.DeleteResourcePolicy(e.ctx, &cwl.DeleteResourcePolicyInput{})
	wantCode(t, err, CodeInvalidParameter)
	// Re-created, it starts again at revision 1.
	out, err = put(nil)
	wantOK(t, err)
	if *out.RevisionId != "1" {
		t.Fatalf("re-created: revision %v", *out.RevisionId)
	}
}
