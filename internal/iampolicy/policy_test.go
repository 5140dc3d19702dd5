package iampolicy

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// The two documented statements (docs/design/aws-behaviour.md §4.1), as AWS's Site-to-Site VPN documentation prints them (actions sorted).
var (
	wantDelivery = []string{
		"logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:UpdateLogDelivery",
	}
	wantDeliveryCWL = []string{"logs:DescribeLogGroups", "logs:DescribeResourcePolicies", "logs:PutResourcePolicy"}
	wantTunnel      = []string{"ec2:DescribeVpnConnections", "ec2:ModifyVpnTunnelOptions"}
	wantRead        = []string{"logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:GetQueryResults", "logs:StartQuery"}
)

func TestDocument_defaultIsUnscopedDeliveryAndTunnelModify(t *testing.T) {
	t.Parallel()
	p, err := Document(Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"S2SVPNLogging","Effect":"Allow","Action":["logs:CreateLogDelivery","logs:DeleteLogDelivery","logs:GetLogDelivery","logs:ListLogDeliveries","logs:UpdateLogDelivery"],"Resource":["*"]},` +
		`{"Sid":"S2SVPNLoggingCWL","Effect":"Allow","Action":["logs:DescribeLogGroups","logs:DescribeResourcePolicies","logs:PutResourcePolicy"],"Resource":["*"]},` +
		`{"Sid":"S2SVPNTunnelModify","Effect":"Allow","Action":["ec2:ModifyVpnTunnelOptions"],"Resource":["*"]},` +
		`{"Sid":"S2SVPNDescribeConnections","Effect":"Allow","Action":["ec2:DescribeVpnConnections"],"Resource":["*"]}]}`
	if got := p.JSON(); got != want {
		t.Fatalf("JSON:\n got %s\nwant %s", got, want)
	}
	if got, want := p.Actions(), concatSorted(wantDelivery, wantDeliveryCWL, wantTunnel); !reflect.DeepEqual(got, want) {
		t.Fatalf("Actions = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(RequiredActions, p.Actions()) {
		t.Fatalf("RequiredActions = %v, want the default document's actions %v", RequiredActions, p.Actions())
	}
}

func TestDocument_scopedResources(t *testing.T) {
	t.Parallel()
	p, err := Document(Options{Scope: Scope{Region: "eu-west-1", AccountID: "111122223333"}, IncludeRead: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	var sids []string
	for _, s := range p.Statement {
		got[s.Sid] = s.Resource
		sids = append(sids, s.Sid)
	}
	wantSids := []string{"S2SVPNLogging", "S2SVPNLoggingCWL", "S2SVPNTunnelModify", "S2SVPNDescribeConnections", "S2SVPNLogsRead", "S2SVPNLogsQueryResults"}
	if !reflect.DeepEqual(sids, wantSids) {
		t.Fatalf("statement order %v, want %v", sids, wantSids)
	}
	want := map[string][]string{
		"S2SVPNLogging":             {"*"},
		"S2SVPNLoggingCWL":          {"*"},
		"S2SVPNTunnelModify":        {"arn:aws:ec2:eu-west-1:111122223333:vpn-connection/*"},
		"S2SVPNDescribeConnections": {"*"},
		"S2SVPNLogsRead":            {"arn:aws:logs:eu-west-1:111122223333:log-group:*"},
		"S2SVPNLogsQueryResults":    {"*"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("resources:\n got %v\nwant %v", got, want)
	}
}

func TestDocument_partialScopeAndPartitions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scope      Scope
		wantTunnel string
	}{
		{Scope{}, "*"},
		{Scope{Region: "us-east-1"}, "arn:aws:ec2:us-east-1:*:vpn-connection/*"},
		{Scope{AccountID: "123456789012"}, "arn:aws:ec2:*:123456789012:vpn-connection/*"},
		{Scope{AccountID: "123456789012", Partition: "aws-us-gov"}, "arn:aws-us-gov:ec2:*:123456789012:vpn-connection/*"},
		{Scope{Region: "cn-north-1", AccountID: "123456789012"}, "arn:aws-cn:ec2:cn-north-1:123456789012:vpn-connection/*"},
		{Scope{Region: "us-gov-west-1", AccountID: "123456789012"}, "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpn-connection/*"},
	} {
		p, err := Document(Options{Scope: tc.scope})
		if err != nil {
			t.Fatalf("%+v: %v", tc.scope, err)
		}
		if got := p.Statement[2].Resource[0]; got != tc.wantTunnel {
			t.Errorf("%+v: tunnel resource %q, want %q", tc.scope, got, tc.wantTunnel)
		}
	}
}

func TestDocument_optionalSets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts Options
		want []string
	}{
		{"default", Options{}, concatSorted(wantDelivery, wantDeliveryCWL, wantTunnel)},
		{"read", Options{IncludeRead: true}, concatSorted(wantDelivery, wantDeliveryCWL, wantTunnel, wantRead)},
		{"no tunnel", Options{ExcludeTunnelModify: true}, concatSorted(wantDelivery, wantDeliveryCWL)},
		{"read, no tunnel", Options{IncludeRead: true, ExcludeTunnelModify: true}, concatSorted(wantDelivery, wantDeliveryCWL, wantRead)},
	} {
		p, err := Document(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		// The JSON is valid IAM JSON and holds exactly the expected actions.
		var doc struct {
			Version   string
			Statement []struct {
				Sid      string
				Effect   string
				Action   []string
				Resource []string
			}
		}
		if err := json.Unmarshal([]byte(p.JSON()), &doc); err != nil {
			t.Fatalf("%s: JSON does not parse: %v", tc.name, err)
		}
		if doc.Version != "2012-10-17" {
			t.Errorf("%s: Version %q", tc.name, doc.Version)
		}
		var actions []string
		for _, s := range doc.Statement {
			if s.Effect != "Allow" || s.Sid == "" || len(s.Resource) == 0 {
				t.Errorf("%s: malformed statement %+v", tc.name, s)
			}
			actions = append(actions, s.Action...)
		}
		if got := concatSorted(actions); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: JSON actions %v, want %v", tc.name, got, tc.want)
		}
		if got := p.Actions(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Actions() %v, want %v", tc.name, got, tc.want)
		}
		if len(actions) != len(tc.want) {
			t.Errorf("%s: an action is granted twice: %v", tc.name, actions)
		}
		// Minified: no whitespace at all; pretty: the same document.
		if strings.ContainsAny(p.JSON(), " \n\t") {
			t.Errorf("%s: JSON not minified", tc.name)
		}
		var pretty any
		if err := json.Unmarshal([]byte(p.PrettyJSON()), &pretty); err != nil || !strings.Contains(p.PrettyJSON(), "\n  \"Statement\"") {
			t.Errorf("%s: PrettyJSON %q (%v)", tc.name, p.PrettyJSON(), err)
		}
	}
}

func TestDocument_stable(t *testing.T) {
	t.Parallel()
	a, _ := Document(Options{IncludeRead: true, Scope: Scope{Region: "us-east-1", AccountID: "123456789012"}})
	for range 20 {
		b, _ := Document(Options{IncludeRead: true, Scope: Scope{Region: "us-east-1", AccountID: "123456789012"}})
		if a.JSON() != b.JSON() {
			t.Fatal("Document is not deterministic")
		}
	}
}

func TestDocument_invalidScope(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scope Scope
		field string
	}{
		{Scope{AccountID: "12345"}, "account_id"},
		{Scope{AccountID: "12345678901a"}, "account_id"},
		{Scope{Region: "Virginia"}, "region"},
		{Scope{Partition: "azure"}, "partition"},
		{Scope{Partition: "aws", Region: "cn-north-1"}, "partition"},
	} {
		_, err := Document(Options{Scope: tc.scope})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: error %v, want a FieldError on %s", tc.scope, err, tc.field)
		}
	}
}

func TestActionSets(t *testing.T) {
	t.Parallel()
	if want := concatSorted(wantDelivery, wantDeliveryCWL); !reflect.DeepEqual(DeliveryActions, want) {
		t.Errorf("DeliveryActions = %v, want %v", DeliveryActions, want)
	}
	if !reflect.DeepEqual(TunnelModifyActions, wantTunnel) {
		t.Errorf("TunnelModifyActions = %v, want %v", TunnelModifyActions, wantTunnel)
	}
	if !reflect.DeepEqual(ReadActions, wantRead) {
		t.Errorf("ReadActions = %v, want %v", ReadActions, wantRead)
	}
}

func TestSimulationResource(t *testing.T) {
	t.Parallel()
	s := Scope{Region: "us-east-1", AccountID: "123456789012", Partition: "aws"}
	for action, want := range map[string]string{
		"ec2:ModifyVpnTunnelOptions": "arn:aws:ec2:us-east-1:123456789012:vpn-connection/*",
		"EC2:modifyvpntunneloptions": "arn:aws:ec2:us-east-1:123456789012:vpn-connection/*",
		"ec2:DescribeVpnConnections": "*",
		"logs:CreateLogDelivery":     "*",
		"logs:FilterLogEvents":       "arn:aws:logs:us-east-1:123456789012:log-group:*",
		"logs:GetQueryResults":       "*",
		"s3:GetObject":               "*",
	} {
		if got := s.simulationResource(action); got != want {
			t.Errorf("simulationResource(%s) = %q, want %q", action, got, want)
		}
	}
	if got := (Scope{}).simulationResource("ec2:ModifyVpnTunnelOptions"); got != "*" {
		t.Errorf("unscoped: %q", got)
	}
}

func concatSorted(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return sortedUnique(out)
}
