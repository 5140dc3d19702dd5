package logdelivery

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
)

// fakeDescribe serves DescribeLogGroups from pages; it has no ListTagsForResource, so DescribeLogGroup cannot call it.
type fakeDescribe struct {
	pages [][]cwltypes.LogGroup
	err   error
	calls int
}

func (f *fakeDescribe) DescribeLogGroups(_ context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	page := 0
	if in.NextToken != nil {
		page = int((*in.NextToken)[0] - '0')
	}
	out := &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: f.pages[page]}
	if page+1 < len(f.pages) {
		out.NextToken = aws.String(string(rune('0' + page + 1)))
	}
	return out, nil
}

func TestDescribeLogGroup(t *testing.T) {
	t.Parallel()
	const name = "/aws/vendedlogs/vpn"
	arn := tPrefix + "log-group:" + name
	cases := []struct {
		name  string
		api   *fakeDescribe
		want  *LogGroup
		calls int
		err   string // "not found", or an error's text
	}{
		{
			name: "exact name on the second page, among longer names",
			api: &fakeDescribe{pages: [][]cwltypes.LogGroup{
				{{LogGroupName: aws.String(name + "/other"), LogGroupArn: aws.String(arn + "/other")}},
				{{LogGroupName: aws.String(name), LogGroupArn: aws.String(arn), KmsKeyId: aws.String("arn:aws:kms:us-east-1:123456789012:key/k"),
					LogGroupClass: cwltypes.LogGroupClassInfrequentAccess, RetentionInDays: aws.Int32(30)}},
			}},
			want:  &LogGroup{Name: name, ARN: arn, KMSKeyID: "arn:aws:kms:us-east-1:123456789012:key/k", Class: ClassInfrequentAccess, RetentionInDays: 30},
			calls: 2,
		},
		{
			name:  "only the :* form of the ARN, no class: STANDARD",
			api:   &fakeDescribe{pages: [][]cwltypes.LogGroup{{{LogGroupName: aws.String(name), Arn: aws.String(arn + ":*")}}}},
			want:  &LogGroup{Name: name, ARN: arn, Class: ClassStandard},
			calls: 1,
		},
		{
			name:  "missing",
			api:   &fakeDescribe{pages: [][]cwltypes.LogGroup{{{LogGroupName: aws.String(name + "-x")}}, {}}},
			calls: 2, err: "not found",
		},
		{
			name:  "denied",
			api:   &fakeDescribe{err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}},
			calls: 1, err: "describing log groups with prefix /aws/vendedlogs/vpn: api error AccessDeniedException: no",
		},
	}
	for _, tc := range cases {
		g, err := DescribeLogGroup(context.Background(), tc.api, name)
		switch {
		case tc.err == "not found":
			if !errors.Is(err, ErrLogGroupNotFound) || !IsNotFound(err) || g != nil {
				t.Errorf("%s: got %+v, %v; want ErrLogGroupNotFound", tc.name, g, err)
			}
		case tc.err != "":
			if err == nil || err.Error() != tc.err || IsNotFound(err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
		case err != nil || !reflect.DeepEqual(g, tc.want):
			t.Errorf("%s: got %+v, %v; want %+v", tc.name, g, err, tc.want)
		}
		if tc.api.calls != tc.calls {
			t.Errorf("%s: %d DescribeLogGroups calls, want %d", tc.name, tc.api.calls, tc.calls)
		}
	}
}

type fakeTags struct {
	tags map[string]string
	err  error
	arn  string
}

func (f *fakeTags) ListTagsForResource(_ context.Context, in *cloudwatchlogs.ListTagsForResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	f.arn = aws.ToString(in.ResourceArn)
	if f.err != nil {
		return nil, f.err
	}
	return &cloudwatchlogs.ListTagsForResourceOutput{Tags: f.tags}, nil
}

func TestListLogGroupTags(t *testing.T) {
	t.Parallel()
	arn := tPrefix + "log-group:/vpn"
	cases := []struct {
		name string
		api  *fakeTags
		want map[string]string
		err  string
	}{
		{name: "tags", api: &fakeTags{tags: map[string]string{"env": "prod"}}, want: map[string]string{"env": "prod"}},
		{name: "no tags: an empty map", api: &fakeTags{}, want: map[string]string{}},
		{name: "gone", api: &fakeTags{err: &cwltypes.ResourceNotFoundException{Message: aws.String("gone")}}, err: "not found"},
		{
			name: "denied", api: &fakeTags{err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}},
			err: "listing tags of " + arn + ": api error AccessDeniedException: no",
		},
	}
	for _, tc := range cases {
		tags, err := ListLogGroupTags(context.Background(), tc.api, arn+":*")
		switch {
		case tc.err == "not found":
			if !errors.Is(err, ErrLogGroupNotFound) || tags != nil {
				t.Errorf("%s: got %v, %v; want ErrLogGroupNotFound", tc.name, tags, err)
			}
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
		case err != nil || !reflect.DeepEqual(tags, tc.want) || tags == nil:
			t.Errorf("%s: got %#v, %v; want %#v", tc.name, tags, err, tc.want)
		}
		if tc.api.arn != arn {
			t.Errorf("%s: ListTagsForResource got ARN %q, want %q (without :*)", tc.name, tc.api.arn, arn)
		}
	}
}
