package logdelivery

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

// DescribeGroupsAPI is the part of the CloudWatch Logs client that looks log groups up (logs:DescribeLogGroups).
type DescribeGroupsAPI interface {
	DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
}

// TagsAPI is the part of the CloudWatch Logs client that reads a log group's tags (logs:ListTagsForResource).
type TagsAPI interface {
	ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error)
}

// GroupsAPI is the part of the CloudWatch Logs client that manages log groups.
type GroupsAPI interface {
	DescribeGroupsAPI
	TagsAPI
	CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error)
	DeleteLogGroup(ctx context.Context, in *cloudwatchlogs.DeleteLogGroupInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error)
	PutRetentionPolicy(ctx context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error)
	DeleteRetentionPolicy(ctx context.Context, in *cloudwatchlogs.DeleteRetentionPolicyInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteRetentionPolicyOutput, error)
	TagResource(ctx context.Context, in *cloudwatchlogs.TagResourceInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *cloudwatchlogs.UntagResourceInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.UntagResourceOutput, error)
}

// Log group classes a group can be created with.
const (
	ClassStandard         = "STANDARD"
	ClassInfrequentAccess = "INFREQUENT_ACCESS"
	ClassDelivery         = "DELIVERY"
)

// LogGroupClasses are the classes vpnlogs_log_group accepts.
var LogGroupClasses = []string{ClassStandard, ClassInfrequentAccess, ClassDelivery}

// ErrLogGroupNotFound is returned (wrapped) when a log group does not exist.
var ErrLogGroupNotFound = errors.New("log group not found")

// LogGroup is a log group as CloudWatch Logs reports it.
type LogGroup struct {
	Name string
	// ARN is the ARN without ":*" (LogGroup.logGroupArn).
	ARN      string
	KMSKeyID string
	Class    string
	// RetentionInDays is 0 when events never expire.
	RetentionInDays int64
	// Tags are set by ListLogGroupTags; DescribeLogGroup leaves them nil.
	Tags map[string]string
}

// ValidateNewLogGroupName applies CloudWatch Logs' naming rules for CreateLogGroup: those of
// ValidateLogGroupName, and names must not start with "aws/".
func ValidateNewLogGroupName(name string) error {
	if err := ValidateLogGroupName(name); err != nil {
		return err
	}
	if strings.HasPrefix(name, "aws/") {
		return fmt.Errorf("log group name %q is not valid: CloudWatch Logs does not accept names that start with \"aws/\" (did you mean %q?)", name, "/"+name)
	}
	return nil
}

// CloudWatch Logs error codes this package acts on.
const (
	codeResourceNotFound = "ResourceNotFoundException"
	codeInvalidParameter = "InvalidParameterException"
)

// IsNotFound reports whether err is CloudWatch Logs' ResourceNotFoundException or ErrLogGroupNotFound.
func IsNotFound(err error) bool {
	return awserr.IsA(err, codeResourceNotFound) || errors.Is(err, ErrLogGroupNotFound)
}

// DescribeLogGroup looks one log group up by exact name with DescribeLogGroups alone (logGroupNamePrefix, paginated
// until the name is found), so that it needs only logs:DescribeLogGroups: whether the group exists, its ARN, class,
// key and retention. Tags stays nil (ListLogGroupTags reads them). A missing group is ErrLogGroupNotFound.
func DescribeLogGroup(ctx context.Context, api DescribeGroupsAPI, name string) (*LogGroup, error) {
	in := &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)}
	var found *cwltypes.LogGroup
	for page := 0; found == nil; page++ {
		out, err := api.DescribeLogGroups(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("describing log groups with prefix %s: %w", name, err)
		}
		for i := range out.LogGroups {
			if aws.ToString(out.LogGroups[i].LogGroupName) == name {
				found = &out.LogGroups[i]
				break
			}
		}
		next := aws.ToString(out.NextToken)
		if found != nil || next == "" || page >= 1000 {
			break
		}
		in.NextToken = aws.String(next)
	}
	if found == nil {
		return nil, fmt.Errorf("%w: %s", ErrLogGroupNotFound, name)
	}
	g := &LogGroup{
		Name:     name,
		ARN:      aws.ToString(found.LogGroupArn),
		KMSKeyID: aws.ToString(found.KmsKeyId),
		Class:    string(found.LogGroupClass),
	}
	if g.ARN == "" {
		g.ARN = TrimARNSuffix(aws.ToString(found.Arn))
	}
	if g.Class == "" {
		g.Class = ClassStandard
	}
	if found.RetentionInDays != nil {
		g.RetentionInDays = int64(*found.RetentionInDays)
	}
	return g, nil
}

// ListLogGroupTags reads a log group's tags with ListTagsForResource (logs:ListTagsForResource), given the group's
// ARN with or without ":*" (sent without). A group that does not exist (any more) is ErrLogGroupNotFound. The map is
// never nil.
func ListLogGroupTags(ctx context.Context, api TagsAPI, arn string) (map[string]string, error) {
	arn = TrimARNSuffix(arn)
	out, err := api.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if IsNotFound(err) {
		return nil, fmt.Errorf("%w: %s", ErrLogGroupNotFound, arn)
	}
	if err != nil {
		return nil, fmt.Errorf("listing tags of %s: %w", arn, err)
	}
	if out.Tags == nil {
		return map[string]string{}, nil
	}
	return out.Tags, nil
}

// CreateLogGroupInput is what vpnlogs_log_group creates.
type CreateLogGroupInput struct {
	Name     string
	KMSKeyID string
	Class    string
	Tags     map[string]string
}

// CreateLogGroup creates the group (with its class, key and tags in the one call).
func CreateLogGroup(ctx context.Context, api GroupsAPI, in CreateLogGroupInput) error {
	req := &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(in.Name)}
	if in.KMSKeyID != "" {
		req.KmsKeyId = aws.String(in.KMSKeyID)
	}
	if in.Class != "" {
		req.LogGroupClass = cwltypes.LogGroupClass(in.Class)
	}
	if len(in.Tags) > 0 {
		req.Tags = in.Tags
	}
	if _, err := api.CreateLogGroup(ctx, req); err != nil {
		return err
	}
	return nil
}

// SetRetention sets the retention period; 0 removes it (events never expire).
func SetRetention(ctx context.Context, api GroupsAPI, name string, days int64) error {
	if days == 0 {
		_, err := api.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(name)})
		return err
	}
	_, err := api.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
		LogGroupName: aws.String(name), RetentionInDays: aws.Int32(int32(days)),
	})
	return err
}

// UpdateTags changes the group's tags from old to want: UntagResource for removed keys, TagResource for added or
// changed ones.
func UpdateTags(ctx context.Context, api GroupsAPI, arn string, old, want map[string]string) error {
	var remove []string
	for k := range old {
		if _, ok := want[k]; !ok {
			remove = append(remove, k)
		}
	}
	sort.Strings(remove)
	set := map[string]string{}
	for k, v := range want {
		if ov, ok := old[k]; !ok || ov != v {
			set[k] = v
		}
	}
	arn = TrimARNSuffix(arn)
	if len(remove) > 0 {
		if _, err := api.UntagResource(ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove}); err != nil {
			return fmt.Errorf("removing tags %v: %w", remove, err)
		}
	}
	if len(set) > 0 {
		if _, err := api.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: set}); err != nil {
			return fmt.Errorf("setting tags: %w", err)
		}
	}
	return nil
}

// DeleteLogGroup deletes the group; a group that no longer exists is not an error.
func DeleteLogGroup(ctx context.Context, api GroupsAPI, name string) error {
	_, err := api.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
	if IsNotFound(err) {
		return nil
	}
	return err
}
