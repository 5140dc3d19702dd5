package logdelivery

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// PoliciesAPI is the part of the CloudWatch Logs client that reads resource policies.
type PoliciesAPI interface {
	DescribeResourcePolicies(ctx context.Context, in *cloudwatchlogs.DescribeResourcePoliciesInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeResourcePoliciesOutput, error)
}

// maxPages bounds pagination: AWS allows 10 account-level policies and lists up to 50 per page, so a second page
// is already unusual; a token that never ends is a service bug, not a reason to loop.
const maxPages = 20

// ReadError is a failed DescribeResourcePolicies call.
type ReadError struct {
	// Scope is ScopeAccount or ScopeResource; ResourceARN is set for RESOURCE-scope reads.
	Scope, ResourceARN string
	Err                error
}

func (e *ReadError) Error() string {
	if e.ResourceARN != "" {
		return fmt.Sprintf("reading the CloudWatch Logs resource policy of %s (DescribeResourcePolicies, policyScope %s): %v", e.ResourceARN, e.Scope, e.Err)
	}
	return fmt.Sprintf("reading the account's CloudWatch Logs resource policies (DescribeResourcePolicies, policyScope %s): %v", e.Scope, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// ReadAccountPolicies lists the account-level resource policies: one DescribeResourcePolicies call with
// policyScope ACCOUNT, and further pages only if AWS returns a nextToken.
func ReadAccountPolicies(ctx context.Context, api PoliciesAPI) ([]Policy, error) {
	return readPolicies(ctx, api, cwltypes.PolicyScopeAccount, "")
}

// ReadResourcePolicies lists the RESOURCE-scope (log-group-level) policies of one log group, given its ARN with
// or without ":*" (sent without). A log group that does not exist (yet: a plan may create it) has none.
// UNCONFIRMED: what DescribeResourcePolicies answers for a log group that does not exist. Its documented errors do
// not include ResourceNotFoundException, and the sandbox lists no policies; a ResourceNotFoundException is read as
// "no policy" all the same.
func ReadResourcePolicies(ctx context.Context, api PoliciesAPI, logGroupARN string) ([]Policy, error) {
	ps, err := readPolicies(ctx, api, cwltypes.PolicyScopeResource, TrimARNSuffix(logGroupARN))
	if IsNotFound(err) {
		return nil, nil
	}
	return ps, err
}

func readPolicies(ctx context.Context, api PoliciesAPI, scope cwltypes.PolicyScope, resourceARN string) ([]Policy, error) {
	in := &cloudwatchlogs.DescribeResourcePoliciesInput{Limit: aws.Int32(50), PolicyScope: scope}
	if resourceARN != "" {
		in.ResourceArn = aws.String(resourceARN)
	}
	var out []Policy
	for page := 0; ; page++ {
		resp, err := api.DescribeResourcePolicies(ctx, in)
		if err != nil {
			return nil, &ReadError{Scope: string(scope), ResourceARN: resourceARN, Err: err}
		}
		for _, p := range resp.ResourcePolicies {
			s := string(p.PolicyScope)
			if s == "" {
				// UNCONFIRMED: whether AWS returns policyScope for account-level policies; a missing scope is
				// the scope asked for.
				s = string(scope)
			}
			out = append(out, Policy{
				Name: aws.ToString(p.PolicyName), Scope: s,
				Document: aws.ToString(p.PolicyDocument), ResourceARN: aws.ToString(p.ResourceArn),
			})
		}
		next := aws.ToString(resp.NextToken)
		if next == "" || page+1 >= maxPages || (in.NextToken != nil && next == *in.NextToken) {
			return out, nil
		}
		in.NextToken = aws.String(next)
	}
}
