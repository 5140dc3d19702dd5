package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// awsLogGroup is what the CloudWatch Logs API reports for one group.
type awsLogGroup struct {
	Exists    bool
	Retention int32
	KMSKeyID  string
	Class     string
	Tags      map[string]string
}

// describeLogGroup reads a group straight from the sandbox's CloudWatch Logs API.
func describeLogGroup(t *testing.T, srv *sandbox.Server, name string) awsLogGroup {
	t.Helper()
	out, err := sandboxLogs(srv).DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeLogGroups(%s): %v", name, err)
	}
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) != name {
			continue
		}
		return awsLogGroup{
			Exists: true, Retention: aws.ToInt32(g.RetentionInDays), KMSKeyID: aws.ToString(g.KmsKeyId),
			Class: string(g.LogGroupClass), Tags: srv.Logs().Tags(name),
		}
	}
	return awsLogGroup{}
}

// checkLogGroup asserts the API-side effect of a step.
func checkLogGroup(t *testing.T, srv *sandbox.Server, name string, want awsLogGroup) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := describeLogGroup(t, srv, name)
		if want.Tags == nil && got.Tags != nil && len(got.Tags) == 0 {
			got.Tags = nil
		}
		if got.Exists != want.Exists || got.Retention != want.Retention || got.KMSKeyID != want.KMSKeyID ||
			got.Class != want.Class || !maps.Equal(got.Tags, want.Tags) {
			return fmt.Errorf("log group %s: AWS reports %+v, want %+v", name, got, want)
		}
		return nil
	}
}

func checkLogGroupGone(srv *sandbox.Server, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if slices.Contains(srv.Logs().LogGroupNames(), name) {
			return fmt.Errorf("log group %s still exists", name)
		}
		return nil
	}
}

func logGroupConfig(srv *sandbox.Server, body string) string {
	return sandboxProviderConfig(srv, `
resource "vpnlogs_log_group" "test" {
`+body+`
}
`)
}

func TestLogGroup_lifecycle(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	name := vendedGroupPrefix + "lifecycle"
	addr := "vpnlogs_log_group.test"
	arn := testLogGroupARN(name)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkLogGroupGone(srv, name),
		Steps: []resource.TestStep{
			{ // create: arn is known in the plan already
				Config: logGroupConfig(srv, fmt.Sprintf(`  name = %q
  retention_in_days = 30
  tags = { env = "test" }`, name)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("arn"), knownvalue.StringExact(arn)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("arn"), knownvalue.StringExact(arn)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("log_group_class"), knownvalue.StringExact("STANDARD")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("retention_in_days"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("skip_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("allow_outside_vendedlogs"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("kms_key_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"env": knownvalue.StringExact("test")})),
				},
				Check: checkLogGroup(t, srv, name, awsLogGroup{Exists: true, Retention: 30, Class: "STANDARD", Tags: map[string]string{"env": "test"}}),
			},
			{ // retention and tags change in place
				Config: logGroupConfig(srv, fmt.Sprintf(`  name = %q
  retention_in_days = 90
  tags = { env = "prod", team = "net" }`, name)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("arn"), knownvalue.StringExact(arn)),
				}},
				Check: checkLogGroup(t, srv, name, awsLogGroup{Exists: true, Retention: 90, Class: "STANDARD", Tags: map[string]string{"env": "prod", "team": "net"}}),
			},
			{ // removing retention and a tag: DeleteRetentionPolicy, UntagResource
				Config: logGroupConfig(srv, fmt.Sprintf(`  name = %q
  tags = { team = "net" }`, name)),
				PreConfig: srv.ResetStats,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLogGroup(t, srv, name, awsLogGroup{Exists: true, Class: "STANDARD", Tags: map[string]string{"team": "net"}}),
					func(*terraform.State) error {
						if callCount(srv, "logs", "DeleteRetentionPolicy") != 1 || callCount(srv, "logs", "UntagResource") != 1 ||
							callCount(srv, "logs", "TagResource") != 0 {
							return fmt.Errorf("calls: %v", srv.Stats()["logs"])
						}
						return nil
					},
				),
			},
			{ // import by name
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
			{ // drift made through the CloudWatch Logs API is detected and corrected
				Config: logGroupConfig(srv, fmt.Sprintf(`  name = %q
  tags = { team = "net" }`, name)),
				PreConfig: func() {
					ctx := context.Background()
					c := sandboxLogs(srv)
					if _, err := c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(7)}); err != nil {
						t.Fatal(err)
					}
					if _, err := c.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"owner": "console", "team": "ops"}}); err != nil {
						t.Fatal(err)
					}
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("retention_in_days"), knownvalue.Null()),
				}},
				Check: checkLogGroup(t, srv, name, awsLogGroup{Exists: true, Class: "STANDARD", Tags: map[string]string{"team": "net"}}),
			},
		},
	})
}

func TestLogGroup_importOutsideVendedlogs(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	name := "/legacy/vpn"
	createLogGroup(t, srv, name)
	if _, err := sandboxLogs(srv).PutRetentionPolicy(context.Background(), &cloudwatchlogs.PutRetentionPolicyInput{
		LogGroupName: aws.String(name), RetentionInDays: aws.Int32(14),
	}); err != nil {
		t.Fatal(err)
	}
	addr := "vpnlogs_log_group.test"
	config := logGroupConfig(srv, fmt.Sprintf(`  name = %q
  retention_in_days = 14
  allow_outside_vendedlogs = true
  skip_destroy = true`, name))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      name,
				ImportStatePersist: true,
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 {
						return fmt.Errorf("%d instances imported", len(s))
					}
					a := s[0].Attributes
					if a["arn"] != testLogGroupARN(name) || a["retention_in_days"] != "14" || a["allow_outside_vendedlogs"] != "true" {
						return fmt.Errorf("imported %v", a)
					}
					return nil
				},
			},
			{ // the imported state matches the configuration except skip_destroy, which only Terraform knows
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
	if !describeLogGroup(t, srv, name).Exists {
		t.Error("skip_destroy = true, but destroying the resource deleted the log group")
	}
}

func TestLogGroup_importBadID(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        logGroupConfig(srv, `  name = "/aws/vendedlogs/x"`),
			ResourceName:  "vpnlogs_log_group.test",
			ImportState:   true,
			ImportStateId: "arn:aws:logs:us-east-1:123456789012:log-group:x",
			ExpectError:   expectDiag("Invalid import ID", "Expected a log group name such as /aws/vendedlogs/vpn/prod"),
		}},
	})
}

func TestLogGroup_disappears(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	name := vendedGroupPrefix + "disappears"
	addr := "vpnlogs_log_group.test"
	config := logGroupConfig(srv, fmt.Sprintf(`  name = %q`, name))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config: config,
				PreConfig: func() {
					if _, err := sandboxLogs(srv).DeleteLogGroup(context.Background(), &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
						t.Fatal(err)
					}
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: checkLogGroup(t, srv, name, awsLogGroup{Exists: true, Class: "STANDARD"}),
			},
		},
	})
}

func TestLogGroup_skipDestroy(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	name := vendedGroupPrefix + "kept"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: logGroupConfig(srv, fmt.Sprintf(`  name = %q
  skip_destroy = true`, name))},
			{
				// The resource leaves the configuration: Terraform destroys it, the group stays.
				Config: sandboxProviderConfig(srv, `data "vpnlogs_account" "this" {}`),
				Check:  checkLogGroup(t, srv, name, awsLogGroup{Exists: true, Class: "STANDARD"}),
			},
		},
	})
	if n := callCount(srv, "logs", "DeleteLogGroup"); n != 0 {
		t.Errorf("DeleteLogGroup called %d times with skip_destroy = true", n)
	}
}

// expectLogsCalls asserts which CloudWatch Logs calls a step made that associate or disassociate a key, or create or
// delete the group (an in-place change makes none of the latter). Counts start at the step's PreConfig ResetStats.
func expectLogsCalls(srv *sandbox.Server, want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, action := range []string{"AssociateKmsKey", "DisassociateKmsKey", "CreateLogGroup", "DeleteLogGroup"} {
			if got := callCount(srv, "logs", action); got != want[action] {
				return fmt.Errorf("%s called %d times, want %d (calls: %v)", action, got, want[action], srv.Stats()["logs"])
			}
		}
		return nil
	}
}

// kms_key_id changes in place (AssociateKmsKey, DisassociateKmsKey), as in terraform-provider-aws's
// aws_cloudwatch_log_group; log_group_class still replaces the group.
func TestLogGroup_kmsKeyAndClassReplace(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	name := vendedGroupPrefix + "encrypted"
	addr := "vpnlogs_log_group.test"
	key1 := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	key2 := "arn:aws:kms:us-east-1:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"
	withKey := func(key, class string) string {
		return logGroupConfig(srv, fmt.Sprintf(`  name = %q
  kms_key_id = %q
  log_group_class = %q`, name, key, class))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkLogGroupGone(srv, name),
		Steps: []resource.TestStep{
			{ // the key given at creation goes into CreateLogGroup
				Config:    withKey(key1, "INFREQUENT_ACCESS"),
				PreConfig: srv.ResetStats,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLogGroup(t, srv, name, awsLogGroup{Exists: true, KMSKeyID: key1, Class: "INFREQUENT_ACCESS"}),
					expectLogsCalls(srv, map[string]int{"CreateLogGroup": 1}),
				),
			},
			{ // a new key is associated with the existing group
				Config:    withKey(key2, "INFREQUENT_ACCESS"),
				PreConfig: srv.ResetStats,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("kms_key_id"), knownvalue.StringExact(key2)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLogGroup(t, srv, name, awsLogGroup{Exists: true, KMSKeyID: key2, Class: "INFREQUENT_ACCESS"}),
					expectLogsCalls(srv, map[string]int{"AssociateKmsKey": 1}),
				),
			},
			{ // removing the key disassociates it
				Config: logGroupConfig(srv, fmt.Sprintf(`  name = %q
  log_group_class = "INFREQUENT_ACCESS"`, name)),
				PreConfig: srv.ResetStats,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("kms_key_id"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("kms_key_id"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLogGroup(t, srv, name, awsLogGroup{Exists: true, Class: "INFREQUENT_ACCESS"}),
					expectLogsCalls(srv, map[string]int{"DisassociateKmsKey": 1}),
				),
			},
			{ // setting a key on a group without one associates it
				Config:    withKey(key1, "INFREQUENT_ACCESS"),
				PreConfig: srv.ResetStats,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLogGroup(t, srv, name, awsLogGroup{Exists: true, KMSKeyID: key1, Class: "INFREQUENT_ACCESS"}),
					expectLogsCalls(srv, map[string]int{"AssociateKmsKey": 1}),
				),
			},
			{ // a key associated outside Terraform is drift: the configured key is associated again
				Config: withKey(key1, "INFREQUENT_ACCESS"),
				PreConfig: func() {
					if _, err := sandboxLogs(srv).AssociateKmsKey(context.Background(), &cloudwatchlogs.AssociateKmsKeyInput{
						LogGroupName: aws.String(name), KmsKeyId: aws.String(key2),
					}); err != nil {
						t.Fatal(err)
					}
					srv.ResetStats()
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("kms_key_id"), knownvalue.StringExact(key1)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLogGroup(t, srv, name, awsLogGroup{Exists: true, KMSKeyID: key1, Class: "INFREQUENT_ACCESS"}),
					expectLogsCalls(srv, map[string]int{"AssociateKmsKey": 1}),
				),
			},
			{ // a new class still replaces the group, which is created with its key
				Config:    withKey(key2, "STANDARD"),
				PreConfig: srv.ResetStats,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLogGroup(t, srv, name, awsLogGroup{Exists: true, KMSKeyID: key2, Class: "STANDARD"}),
					expectLogsCalls(srv, map[string]int{"CreateLogGroup": 1, "DeleteLogGroup": 1}),
				),
			},
		},
	})
}

// A key CloudWatch Logs rejects (here: in another region) fails the update with what the key must be; the group and
// the state keep the key they had.
func TestLogGroup_kmsKeyRejected(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	name := vendedGroupPrefix + "rejected-key"
	key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	otherRegion := "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	config := func(k string) string {
		return logGroupConfig(srv, fmt.Sprintf(`  name = %q
  kms_key_id = %q`, name, k))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkLogGroupGone(srv, name),
		Steps: []resource.TestStep{
			{Config: config(key)},
			{
				Config: config(otherRegion),
				ExpectError: expectDiag("associating CloudWatch Logs log group ("+name+") KMS key",
					"CloudWatch Logs rejected the KMS key "+otherRegion, "InvalidParameterException",
					"symmetric KMS key in the log group's region", "logs.<region>.amazonaws.com"),
			},
			{ // nothing changed: the group and the state still have the first key
				Config: config(key),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: checkLogGroup(t, srv, name, awsLogGroup{Exists: true, KMSKeyID: key, Class: "STANDARD"}),
			},
		},
	})
}

// A name outside /aws/vendedlogs/ is a plan error that explains the cost and shows the fixed name; nothing is
// created. With the opt-in, the same name is accepted.
func TestLogGroup_outsideVendedlogs(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	name := "/vpn/prod"
	entry := testLogGroupARN(name) + ":log-stream:*"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: logGroupConfig(srv, fmt.Sprintf(`  name = %q`, name)),
				ExpectError: expectDiag("Log group outside /aws/vendedlogs/",
					fmt.Sprintf(`AWS adds the entry %q`, entry),
					fmt.Sprintf("AWSLogDeliveryWrite20150319: %d more characters", len(entry)+3),
					"limited to 5120 characters",
					`Fix: use name = "/aws/vendedlogs/vpn/prod" instead, or set allow_outside_vendedlogs = true`),
			},
			{
				PreConfig: func() {
					if n := callCount(srv, "logs", "CreateLogGroup"); n != 0 {
						t.Errorf("CreateLogGroup called %d times although the plan failed", n)
					}
				},
				Config: logGroupConfig(srv, fmt.Sprintf(`  name = %q
  allow_outside_vendedlogs = true`, name)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("vpnlogs_log_group.test", tfjsonpath.New("arn"), knownvalue.StringExact(testLogGroupARN(name))),
				},
				Check: checkLogGroup(t, srv, name, awsLogGroup{Exists: true, Class: "STANDARD"}),
			},
		},
	})
}

func TestLogGroup_validation(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	cases := map[string]struct {
		body string
		want *regexp.Regexp
	}{
		"retention not allowed by AWS": {
			body: `  name = "/aws/vendedlogs/x"
  retention_in_days = 42`,
			want: expectDiag("Value not accepted", "retention_in_days is 42, which is not one of the numbers of days", "Use 30 or 60."),
		},
		"name starting with aws/": {
			body: `  name = "aws/vendedlogs/x"`,
			want: expectDiag("Invalid log group name", `names that start with "aws/"`, `"/aws/vendedlogs/x"`),
		},
		"name with a space": {
			body: `  name = "/aws/vendedlogs/a b"`,
			want: expectDiag("Invalid log group name", "1 to 512 characters"),
		},
		"unknown class": {
			body: `  name = "/aws/vendedlogs/x"
  log_group_class = "ESSENTIALS"`,
			want: expectDiag("log_group_class", "value must be one of"),
		},
		"kms key alias": {
			body: `  name = "/aws/vendedlogs/x"
  kms_key_id = "alias/vpn"`,
			want: expectDiag("kms_key_id", "must be a KMS key ARN"),
		},
		"reserved tag key": {
			body: `  name = "/aws/vendedlogs/x"
  tags = { "aws:owner" = "x" }`,
			want: expectDiag("tags", "must not start with aws:"),
		},
	}
	// Cleanups run after the parallel subtests have finished.
	t.Cleanup(func() {
		if n := callCount(srv, "logs", "CreateLogGroup"); n != 0 {
			t.Errorf("CreateLogGroup called %d times for invalid configurations", n)
		}
	})
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: logGroupConfig(srv, tc.body), ExpectError: tc.want}},
			})
		})
	}
}
