package cwlogs

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Tags of log groups: TagResource, UntagResource, ListTagsForResource and the older
// TagLogGroup, UntagLogGroup, ListTagsLogGroup.

var (
	tagKeyRE   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValueRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

const maxTags = 50

func validateTags(tags map[string]string) *APIError {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := validateTagKey(k); err != nil {
			return err
		}
		v := tags[k]
		if utf8.RuneCountInString(v) > 256 {
			return invalidParam("1 validation error detected: Value '%s' at 'tags.%s' failed to satisfy constraint: Member must have length less than or equal to 256", v, k)
		}
		if !tagValueRE.MatchString(v) {
			return invalidParam("1 validation error detected: Value '%s' at 'tags.%s' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", v, k)
		}
	}
	return nil
}

func validateTagKey(k string) *APIError {
	n := utf8.RuneCountInString(k)
	if n < 1 || n > 128 {
		return invalidParam("1 validation error detected: Value '%s' at 'tagKey' failed to satisfy constraint: Member must have length between 1 and 128", k)
	}
	if !tagKeyRE.MatchString(k) || strings.HasPrefix(k, "aws:") {
		return invalidParam("1 validation error detected: Value '%s' at 'tagKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$", k)
	}
	return nil
}

func (s *Service) groupForTagging(arn *string) (*logGroup, *APIError) {
	if arn == nil || *arn == "" {
		return nil, invalidParam("1 validation error detected: Value null at 'resourceArn' failed to satisfy constraint: Member must not be null")
	}
	if utf8.RuneCountInString(*arn) > 1011 {
		return nil, invalidParam("1 validation error detected: Value at 'resourceArn' failed to satisfy constraint: Member must have length less than or equal to 1011")
	}
	// UNCONFIRMED: other taggable resources (destinations, delivery sources…) are not
	// modelled; any ARN that is not a log group ARN is InvalidParameterException.
	return s.groupFromARN("resourceArn", *arn)
}

func (s *Service) addTags(g *logGroup, tags map[string]string) *APIError {
	if err := validateTags(tags); err != nil {
		return err
	}
	total := len(g.tags)
	for k := range tags {
		if _, ok := g.tags[k]; !ok {
			total++
		}
	}
	if total > maxTags {
		return newErr(CodeTooManyTags, "A resource can have no more than %d tags; %s would have %d.", maxTags, s.groupARN(g.name), total)
	}
	for k, v := range tags {
		g.tags[k] = v
	}
	return nil
}

func (s *Service) tagResource(body []byte) (any, *APIError) {
	var req struct {
		ResourceArn *string           `json:"resourceArn"`
		Tags        map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if len(req.Tags) == 0 {
		return nil, invalidParam("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupForTagging(req.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := s.addTags(g, req.Tags); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) untagResource(body []byte) (any, *APIError) {
	var req struct {
		ResourceArn *string  `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if len(req.TagKeys) < 1 || len(req.TagKeys) > maxTags {
		return nil, invalidParam("1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length between 1 and %d", maxTags)
	}
	for _, k := range req.TagKeys {
		if err := validateTagKey(k); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupForTagging(req.ResourceArn)
	if err != nil {
		return nil, err
	}
	for _, k := range req.TagKeys {
		delete(g.tags, k)
	}
	return struct{}{}, nil
}

func copyTags(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (s *Service) listTagsForResource(body []byte) (any, *APIError) {
	var req struct {
		ResourceArn *string `json:"resourceArn"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupForTagging(req.ResourceArn)
	if err != nil {
		return nil, err
	}
	return struct {
		Tags map[string]string `json:"tags"`
	}{copyTags(g.tags)}, nil
}

// The deprecated name-based tagging operations (still used by older tools).

func (s *Service) tagLogGroup(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName *string           `json:"logGroupName"`
		Tags         map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	if len(req.Tags) == 0 {
		return nil, invalidParam("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	if err := s.addTags(g, req.Tags); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) untagLogGroup(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName *string  `json:"logGroupName"`
		Tags         []string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	if len(req.Tags) < 1 {
		return nil, invalidParam("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	for _, k := range req.Tags {
		delete(g.tags, k)
	}
	return struct{}{}, nil
}

func (s *Service) listTagsLogGroup(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName *string `json:"logGroupName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	return struct {
		Tags map[string]string `json:"tags"`
	}{copyTags(g.tags)}, nil
}

// Tags returns a copy of a log group's tags (nil if the group does not exist).
func (s *Service) Tags(logGroupName string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[logGroupName]
	if g == nil {
		return nil
	}
	return copyTags(g.tags)
}
