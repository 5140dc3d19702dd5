package ec2

import (
	"sort"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// TagMap holds a resource's tags.
type TagMap map[string]string

// AWS tag limits (EC2 "Tag your resources": 50 user tags, key ≤128, value ≤256, aws: reserved).
const (
	maxTagsPerResource = 50
	maxTagKeyLen       = 128
	maxTagValueLen     = 256
)

func (t TagMap) sorted() []awsapi.Tag {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]awsapi.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, awsapi.Tag{Key: k, Value: t[k], HasValue: true})
	}
	return out
}

// Copy returns the tags as a new map.
func (t TagMap) Copy() map[string]string {
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

func validateTag(tg awsapi.Tag) *awsapi.Error {
	switch {
	case tg.Key == "":
		return errInvalidParameterValue("Tag keys must not be empty.")
	case len(tg.Key) > maxTagKeyLen:
		return errInvalidParameterValue("Tag key exceeds the maximum length of %d characters.", maxTagKeyLen)
	case len(tg.Value) > maxTagValueLen:
		return errInvalidParameterValue("Tag value exceeds the maximum length of %d characters.", maxTagValueLen)
	case strings.HasPrefix(strings.ToLower(tg.Key), "aws:"):
		return errInvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use")
	}
	return nil
}

// applyTags validates tags and adds them to t (all or nothing).
func (t TagMap) applyTags(tags []awsapi.Tag) *awsapi.Error {
	added := 0
	for _, tg := range tags {
		if e := validateTag(tg); e != nil {
			return e
		}
		if _, ok := t[tg.Key]; !ok {
			added++
		}
	}
	if len(t)+added > maxTagsPerResource {
		return awsapi.NewError(0, CodeTagLimitExceeded, "The maximum number of Tags for a resource has been reached.")
	}
	for _, tg := range tags {
		t[tg.Key] = tg.Value
	}
	return nil
}

// tagSpecTags returns the TagSpecification tags for resourceType; specifications for another type
// are rejected like AWS does.
func tagSpecTags(p awsapi.Params, resourceType string) ([]awsapi.Tag, *awsapi.Error) {
	var out []awsapi.Tag
	for rt, tags := range p.TagSpecifications() {
		if rt != resourceType {
			return nil, errInvalidParameterValue("'%s' is not a valid taggable resource type for this operation.", awsapi.Clip(rt, 64))
		}
		out = append(out, tags...)
	}
	return out, nil
}

// resourceTags finds the tags of an EC2 resource by id.
func (s *Service) resourceTags(id string) (TagMap, *awsapi.Error) {
	switch {
	case strings.HasPrefix(id, "vpn-"):
		if c, ok := s.vpns[id]; ok {
			return c.Tags, nil
		}
		return nil, awsapi.NewError(0, CodeVpnConnectionNotFound, "The vpnConnection ID '%s' does not exist", awsapi.Clip(id, 64))
	case strings.HasPrefix(id, "cgw-"):
		if c, ok := s.cgws[id]; ok {
			return c.Tags, nil
		}
		return nil, awsapi.NewError(0, CodeCustomerGatewayNotFound, "The customerGateway ID '%s' does not exist", awsapi.Clip(id, 64))
	case strings.HasPrefix(id, "vgw-"):
		if g, ok := s.vgws[id]; ok {
			return g.Tags, nil
		}
		return nil, awsapi.NewError(0, CodeVpnGatewayNotFound, "The vpnGateway ID '%s' does not exist", awsapi.Clip(id, 64))
	}
	return nil, awsapi.NewError(0, CodeInvalidID, "The ID '%s' is not valid", awsapi.Clip(id, 64))
}

// resourcesTags finds the tags of every resource, failing on the first that does not exist.
func (s *Service) resourcesTags(ids []string) ([]TagMap, *awsapi.Error) {
	out := make([]TagMap, 0, len(ids))
	for _, id := range ids {
		t, e := s.resourceTags(id)
		if e != nil {
			return nil, e
		}
		out = append(out, t)
	}
	return out, nil
}

func (s *Service) createTags(_ string, p awsapi.Params) (any, *awsapi.Error) {
	ids := p.List("ResourceId")
	if len(ids) == 0 {
		return nil, errMissingParameter("ResourceId")
	}
	tags := p.Tags("Tag")
	if len(tags) == 0 {
		return nil, errMissingParameter("Tag")
	}
	targets, e := s.resourcesTags(ids)
	if e != nil {
		return nil, e
	}
	// Validate everything before changing anything.
	for _, t := range targets {
		probe := TagMap(t.Copy())
		if e := probe.applyTags(tags); e != nil {
			return nil, e
		}
	}
	for _, t := range targets {
		_ = t.applyTags(tags)
	}
	return &returnResponse{Return: true}, nil
}

// deleteTags: a tag given with a value is deleted only if the value matches (an empty value matches
// only an empty value); a tag given without one is deleted whatever its value; no tags at all
// deletes every tag of the resources (EC2 DeleteTags documentation).
func (s *Service) deleteTags(_ string, p awsapi.Params) (any, *awsapi.Error) {
	ids := p.List("ResourceId")
	if len(ids) == 0 {
		return nil, errMissingParameter("ResourceId")
	}
	tags := p.Tags("Tag")
	targets, e := s.resourcesTags(ids)
	if e != nil {
		return nil, e
	}
	for _, t := range targets {
		if len(tags) == 0 {
			for k := range t {
				delete(t, k)
			}
			continue
		}
		for _, tg := range tags {
			if v, ok := t[tg.Key]; ok && (!tg.HasValue || v == tg.Value) {
				delete(t, tg.Key)
			}
		}
	}
	return &returnResponse{Return: true}, nil
}
