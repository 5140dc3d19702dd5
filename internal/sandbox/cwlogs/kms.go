package cwlogs

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// ---- KMS keys of log groups: CreateLogGroup's kmsKeyId, AssociateKmsKey, DisassociateKmsKey ----

// kmsKeyARNRE is the form of a KMS key ARN: arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID.
var kmsKeyARNRE = regexp.MustCompile(`^arn:(aws[a-z-]*):kms:([a-z0-9-]+):[0-9]{12}:key/[A-Za-z0-9-]+$`)

// validateKMSKeyARN checks a kmsKeyId: the model's length limit (256), and the ARN of a KMS key in this
// partition and Region. The key may belong to another account (its key policy decides).
//
// UNCONFIRMED: AWS also checks that the key exists, is enabled and symmetric, and that its policy lets
// logs.REGION.amazonaws.com use it (InvalidParameterException otherwise); the sandbox has no KMS, so only the
// form and the Region are checked, and the message is ours.
func (s *Service) validateKMSKeyARN(keyID *string) *APIError {
	if keyID == nil {
		return invalidParam("1 validation error detected: Value null at 'kmsKeyId' failed to satisfy constraint: Member must not be null")
	}
	k := *keyID
	if utf8.RuneCountInString(k) > 256 {
		return invalidParam("1 validation error detected: Value '%s' at 'kmsKeyId' failed to satisfy constraint: Member must have length less than or equal to 256", k)
	}
	part, region := awsapi.Partition(s.opt.Region), s.opt.Region
	m := kmsKeyARNRE.FindStringSubmatch(k)
	if m == nil || m[1] != part || m[2] != region {
		return invalidParam("Invalid kmsKeyId %q: specify the ARN of a KMS key in %s (arn:%s:kms:%s:ACCOUNT:key/KEY-ID); "+
			"key IDs, aliases and keys in other Regions are not accepted.", k, region, part, region)
	}
	return nil
}

// kmsTarget resolves the logGroupName | resourceIdentifier pair of AssociateKmsKey and DisassociateKmsKey:
// exactly one must be given; the identifier is a log group ARN (with or without ":*").
func (s *Service) kmsTarget(name, identifier *string) (*logGroup, *APIError) {
	if (name == nil) == (identifier == nil) {
		return nil, invalidParam("You must specify either logGroupName or resourceIdentifier, but not both.")
	}
	if name != nil {
		if err := validateGroupName("logGroupName", name); err != nil {
			return nil, err
		}
		return s.groupLocked(*name)
	}
	id := *identifier
	if id == "" || utf8.RuneCountInString(id) > 2048 {
		return nil, invalidParam("1 validation error detected: Value '%s' at 'resourceIdentifier' failed to satisfy constraint: Member must have length between 1 and 2048", id)
	}
	if strings.HasPrefix(id, s.logsARNPrefix()+"query-result:") {
		// Not modelled: the key for stored Logs Insights query results. Saying so beats pretending it was kept.
		return nil, invalidParam("resourceIdentifier %q: the CloudWatch Logs sandbox does not model KMS keys for query results; "+
			"only log group ARNs (%slog-group:NAME) are supported.", id, s.logsARNPrefix())
	}
	return s.groupFromARN("resourceIdentifier", id)
}

// associateKmsKey sets the key that encrypts the group's newly ingested events, replacing any earlier one.
//
// UNCONFIRMED: AWS says the association "can take up to 5 minutes" to take effect; the sandbox applies it at
// once, and DescribeLogGroups reports the new kmsKeyId right away.
func (s *Service) associateKmsKey(body []byte) (any, *APIError) {
	var req struct {
		KmsKeyID           *string `json:"kmsKeyId"`
		LogGroupName       *string `json:"logGroupName"`
		ResourceIdentifier *string `json:"resourceIdentifier"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := s.validateKMSKeyARN(req.KmsKeyID); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.kmsTarget(req.LogGroupName, req.ResourceIdentifier)
	if err != nil {
		return nil, err
	}
	g.kmsKeyID = *req.KmsKeyID
	return struct{}{}, nil
}

// disassociateKmsKey stops encrypting the group's new events with its key (events stored before stay encrypted
// with it, which the sandbox does not model).
//
// UNCONFIRMED: the result for a group that has no key; choice: success, nothing changes.
func (s *Service) disassociateKmsKey(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName       *string `json:"logGroupName"`
		ResourceIdentifier *string `json:"resourceIdentifier"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.kmsTarget(req.LogGroupName, req.ResourceIdentifier)
	if err != nil {
		return nil, err
	}
	g.kmsKeyID = ""
	return struct{}{}, nil
}
