package sandbox

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// awsShapedError checks that an error response is one AWS clients can decode: the EC2 envelope
// (Response/Errors/Error/Code), the awsQuery one (ErrorResponse/Error/Code) or AWS JSON (__type).
func awsShapedError(contentType string, body []byte) bool {
	if strings.Contains(contentType, "json") {
		var m map[string]any
		if json.Unmarshal(body, &m) != nil {
			return false
		}
		code, _ := m["__type"].(string)
		return code != ""
	}
	var probe struct {
		XMLName xml.Name
		EC2     string `xml:"Errors>Error>Code"`
		Query   string `xml:"Error>Code"`
	}
	if xml.Unmarshal(body, &probe) != nil {
		return false
	}
	switch probe.XMLName.Local {
	case "Response":
		return probe.EC2 != ""
	case "ErrorResponse":
		return probe.Query != ""
	}
	return false
}

// FuzzQueryRequest feeds arbitrary requests to the router: it must never panic, and every failure
// must come back in an AWS error shape.
func FuzzQueryRequest(f *testing.F) {
	ec2Auth := "AWS4-HMAC-SHA256 Credential=AKID/20251108/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x"
	form := "application/x-www-form-urlencoded; charset=utf-8"
	seeds := []struct{ method, target, auth, ctype, query, body string }{
		{"POST", "", ec2Auth, form, "", "Action=DescribeVpnConnections&Version=2016-11-15&VpnConnectionId.1=vpn-1&Filter.1.Name=tag:env&Filter.1.Value.1=prod"},
		{"POST", "", ec2Auth, form, "", "Action=ModifyVpnTunnelOptions&Version=2016-11-15&VpnConnectionId=vpn-1&VpnTunnelOutsideIpAddress=1.2.3.4&TunnelOptions.LogOptions.CloudWatchLogOptions.LogEnabled=true"},
		{"POST", "", ec2Auth, form, "", "Action=CreateCustomerGateway&Type=ipsec.1&IpAddress=198.51.100.1&BgpAsn=65000&TagSpecification.1.ResourceType=customer-gateway&TagSpecification.1.Tag.1.Key=a"},
		{"POST", "", ec2Auth, form, "", "Action=CreateVpnGateway&Type=ipsec.1"},
		{"POST", "", ec2Auth, form, "", "Action=CreateVpnConnection&Type=ipsec.1&CustomerGatewayId=cgw-1&VpnGatewayId=vgw-1&Options.TunnelOptions.1.TunnelInsideCidr=169.254.10.0/30&Options.TunnelOptions.1.IKEVersion.1.Value=ikev2"},
		{"POST", "", ec2Auth, form, "", "Action=CreateTags&ResourceId.1=vpn-1&Tag.1.Key=k&Tag.1.Value=v&DryRun=true"},
		{"POST", "", "", form, "", "Action=GetCallerIdentity&Version=2011-06-15"},
		{"POST", "", "", form, "", "Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/vpnlogs-sandbox&RoleSessionName=s&DurationSeconds=900"},
		{"POST", "", "", form, "", "Action=SimulatePrincipalPolicy&PolicySourceArn=arn:aws:iam::123456789012:role/vpnlogs-sandbox&ActionNames.member.1=logs:*"},
		{"POST", "Logs_20140328.DescribeLogGroups", "", "application/x-amz-json-1.1", "", `{"limit":5}`},
		{"POST", "Logs_20140328.PutResourcePolicy", "", "application/x-amz-json-1.1", "", `{"policyName":"p","policyDocument":"{}"}`},
		{"POST", "DynamoDB_20120810.ListTables", "", "application/x-amz-json-1.0", "", `{}`},
		{"GET", "", "", "", "Action=DescribeVpnGateways&Version=2016-11-15", ""},
		{"GET", "", "", "", "Action=GetRole&RoleName=vpnlogs-sandbox&X-Amz-Credential=AKID%2F20251108%2Fus-east-1%2Fiam%2Faws4_request", ""},
		{"PUT", "", "AWS4-HMAC-SHA256 Credential=AKID/20251108/us-east-1/s3/aws4_request", "", "", "%zz"},
		{"POST", "", "", "text/plain", "", "\x00\xff"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.auth, s.ctype, s.query, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method, target, auth, ctype, rawQuery string, body []byte) {
		if !validMethod(method) {
			method = http.MethodPost
		}
		req := httptest.NewRequest(method, "http://sandbox/", bytes.NewReader(body))
		req.URL.RawQuery = rawQuery
		for k, v := range map[string]string{"X-Amz-Target": target, "Authorization": auth, "Content-Type": ctype} {
			if v != "" {
				req.Header.Set(k, v)
			}
		}
		s := New(Options{Seed: 1, ModifyDelay: time.Millisecond, PendingDelay: time.Millisecond})
		s.minServiceTime = 0
		defer s.Close()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
		if rec.Code >= 300 && !awsShapedError(rec.Header().Get("Content-Type"), rec.Body.Bytes()) {
			t.Fatalf("status %d with a body that is not an AWS error:\n%s", rec.Code, rec.Body.String())
		}
		if rec.Code == 200 && rec.Body.Len() == 0 {
			t.Fatal("empty success body")
		}
		if st := s.Stats(); len(st) != 1 {
			t.Fatalf("a request must be counted once: %v", st)
		}
	})
}

func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead, http.MethodPatch, http.MethodOptions:
		return true
	}
	return false
}
