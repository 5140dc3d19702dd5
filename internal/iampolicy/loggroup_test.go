package iampolicy

import (
	"reflect"
	"slices"
	"testing"
)

// What vpnlogs_log_group calls: create and delete, the existence read, retention, tags and the KMS key.
func TestLogGroupActions(t *testing.T) {
	t.Parallel()
	want := []string{
		"logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DeleteRetentionPolicy",
		"logs:DescribeLogGroups", "logs:DisassociateKmsKey", "logs:ListTagsForResource", "logs:PutRetentionPolicy",
		"logs:TagResource", "logs:UntagResource",
	}
	if !reflect.DeepEqual(LogGroupActions, want) {
		t.Fatalf("LogGroupActions = %v, want %v", LogGroupActions, want)
	}
	// No document claims to cover them: only logs:DescribeLogGroups, which delivery needs too, is in one.
	p, err := Document(Options{IncludeRead: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range LogGroupActions {
		if got, want := slices.Contains(p.Actions(), a), a == "logs:DescribeLogGroups"; got != want {
			t.Errorf("the fullest document holds %s: %v, want %v", a, got, want)
		}
	}
}
