package sandbox

import (
	"sort"
	"strings"
)

// tagMap holds a resource's tags.
type tagMap map[string]string

// AWS tag limits (EC2 "Tag your resources": 50 user tags, key ≤128, value ≤256, aws: reserved).
const (
	maxTagsPerResource = 50
	maxTagKeyLen       = 128
	maxTagValueLen     = 256
)

func (t tagMap) sorted() []tag {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, tag{Key: k, Value: t[k], hasValue: true})
	}
	return out
}

func (t tagMap) copy() map[string]string {
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

func validateTag(tg tag) *apiError {
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
func (t tagMap) applyTags(tags []tag) *apiError {
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
		return newError(0, "TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
	}
	for _, tg := range tags {
		t[tg.Key] = tg.Value
	}
	return nil
}

// tagSpecTags returns the TagSpecification tags for resourceType; specifications for another type
// are rejected like AWS does.
func tagSpecTags(p params, resourceType string) ([]tag, *apiError) {
	var out []tag
	for rt, tags := range p.tagSpecifications() {
		if rt != resourceType {
			return nil, errInvalidParameterValue("'%s' is not a valid taggable resource type for this operation.", clip(rt, 64))
		}
		out = append(out, tags...)
	}
	return out, nil
}

// resourceTags finds the tags of an EC2 resource by id. Caller holds s.mu.
func (s *Server) resourceTags(id string) (tagMap, *apiError) {
	switch {
	case strings.HasPrefix(id, "vpn-"):
		if c, ok := s.ec2.vpns[id]; ok {
			return c.Tags, nil
		}
		return nil, newError(0, "InvalidVpnConnectionID.NotFound", "The vpnConnection ID '%s' does not exist", clip(id, 64))
	case strings.HasPrefix(id, "cgw-"):
		if c, ok := s.ec2.cgws[id]; ok {
			return c.Tags, nil
		}
		return nil, newError(0, "InvalidCustomerGatewayID.NotFound", "The customerGateway ID '%s' does not exist", clip(id, 64))
	case strings.HasPrefix(id, "vgw-"):
		if g, ok := s.ec2.vgws[id]; ok {
			return g.Tags, nil
		}
		return nil, newError(0, "InvalidVpnGatewayID.NotFound", "The vpnGateway ID '%s' does not exist", clip(id, 64))
	}
	return nil, newError(0, "InvalidID", "The ID '%s' is not valid", clip(id, 64))
}

func (s *Server) createTags(_ principal, p params) (any, *apiError) {
	ids := p.list("ResourceId")
	if len(ids) == 0 {
		return nil, errMissingParameter("ResourceId")
	}
	tags := p.tags("Tag")
	if len(tags) == 0 {
		return nil, errMissingParameter("Tag")
	}
	targets := make([]tagMap, 0, len(ids))
	for _, id := range ids {
		t, e := s.resourceTags(id)
		if e != nil {
			return nil, e
		}
		targets = append(targets, t)
	}
	// Validate everything before changing anything.
	for _, t := range targets {
		probe := tagMap(t.copy())
		if e := probe.applyTags(tags); e != nil {
			return nil, e
		}
	}
	for _, t := range targets {
		_ = t.applyTags(tags)
	}
	return &ec2Return{Return: true}, nil
}

// deleteTags: a tag given with a value is deleted only if the value matches (an empty value matches
// only an empty value); a tag given without one is deleted whatever its value; no tags at all
// deletes every tag of the resources (EC2 DeleteTags documentation).
func (s *Server) deleteTags(_ principal, p params) (any, *apiError) {
	ids := p.list("ResourceId")
	if len(ids) == 0 {
		return nil, errMissingParameter("ResourceId")
	}
	tags := p.tags("Tag")
	targets := make([]tagMap, 0, len(ids))
	for _, id := range ids {
		t, e := s.resourceTags(id)
		if e != nil {
			return nil, e
		}
		targets = append(targets, t)
	}
	for _, t := range targets {
		if len(tags) == 0 {
			for k := range t {
				delete(t, k)
			}
			continue
		}
		for _, tg := range tags {
			if v, ok := t[tg.Key]; ok && (!tg.hasValue || v == tg.Value) {
				delete(t, tg.Key)
			}
		}
	}
	return &ec2Return{Return: true}, nil
}

// attrFunc returns a resource's values for a filter name, and false when the name is not a filter of
// that resource type.
type attrFunc func(name string) ([]string, bool)

// tagAttr answers the tag filters common to all resources: tag:<key>, tag-key, tag-value.
func tagAttr(t tagMap, name string) ([]string, bool) {
	switch {
	case strings.HasPrefix(name, "tag:"):
		if v, ok := t[strings.TrimPrefix(name, "tag:")]; ok {
			return []string{v}, true
		}
		return nil, true
	case name == "tag-key":
		out := make([]string, 0, len(t))
		for k := range t {
			out = append(out, k)
		}
		return out, true
	case name == "tag-value":
		out := make([]string, 0, len(t))
		for _, v := range t {
			out = append(out, v)
		}
		return out, true
	}
	return nil, false
}

// matchFilters applies EC2 filter semantics: filters AND together, the values of one filter OR
// together, values may use '*' and '?' wildcards (case-sensitive). An unknown filter name is an
// error, as on AWS.
func matchFilters(fs []filter, attr attrFunc) (bool, *apiError) {
	for _, f := range fs {
		vals, ok := attr(f.Name)
		if !ok {
			return false, errInvalidParameterValue("The filter '%s' is invalid", clip(f.Name, 64))
		}
		if !anyMatch(f.Values, vals) {
			return false, nil
		}
	}
	return true, nil
}

func anyMatch(patterns, vals []string) bool {
	for _, p := range patterns {
		for _, v := range vals {
			if wildcardMatch(p, v, false) {
				return true
			}
		}
	}
	return false
}

// validateFilterNames rejects unknown filter names even when there is nothing to filter.
func validateFilterNames(fs []filter, attr attrFunc) *apiError {
	for _, f := range fs {
		if _, ok := attr(f.Name); !ok {
			return errInvalidParameterValue("The filter '%s' is invalid", clip(f.Name, 64))
		}
	}
	return nil
}
