package ec2

import (
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// EC2's Describe semantics: filters, ids, and the error naming the ids that do not exist.

// attrFunc returns a resource's values for a filter name, and false when the name is not a filter of
// that resource type.
type attrFunc func(name string) ([]string, bool)

// tagAttr answers the tag filters common to all resources: tag:<key>, tag-key, tag-value.
func tagAttr(t TagMap, name string) ([]string, bool) {
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
func matchFilters(fs []awsapi.Filter, attr attrFunc) (bool, *awsapi.Error) {
	for _, f := range fs {
		vals, ok := attr(f.Name)
		if !ok {
			return false, errInvalidParameterValue("The filter '%s' is invalid", awsapi.Clip(f.Name, 64))
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
			if awsapi.WildcardMatch(p, v, false) {
				return true
			}
		}
	}
	return false
}

// validateFilterNames rejects unknown filter names even when there is nothing to filter.
func validateFilterNames(fs []awsapi.Filter, attr attrFunc) *awsapi.Error {
	for _, f := range fs {
		if _, ok := attr(f.Name); !ok {
			return errInvalidParameterValue("The filter '%s' is invalid", awsapi.Clip(f.Name, 64))
		}
	}
	return nil
}

// describe answers a Describe action over resources of one type: those with the ids sent as idParam (all when none;
// unknown ids fail the call, all of them named, as EC2 does) that match the filters, in creation order. probe is a
// resource whose attr tells the filter names the type has.
func describe[T any](p awsapi.Params, idParam string, byID map[string]T, order []string, code, noun string,
	attr func(T) attrFunc, probe T) ([]T, *awsapi.Error) {
	ids := p.List(idParam)
	fs := p.Filters()
	if e := validateFilterNames(fs, attr(probe)); e != nil {
		return nil, e
	}
	var missing []string
	for _, id := range ids {
		if _, ok := byID[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, notFoundError(code, noun, missing)
	}
	var out []T
	for _, id := range pick(ids, order) {
		r := byID[id]
		if ok, e := matchFilters(fs, attr(r)); e != nil {
			return nil, e
		} else if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// pick returns the requested ids (deduplicated, in creation order) or, when none were requested, all.
func pick(requested, order []string) []string {
	if len(requested) == 0 {
		return order
	}
	want := map[string]bool{}
	for _, id := range requested {
		want[id] = true
	}
	var out []string
	for _, id := range order {
		if want[id] {
			out = append(out, id)
		}
	}
	return out
}

// notFoundError names the missing ids the way EC2 does: "The vpnConnection ID 'vpn-1' does not
// exist" / "The vpnConnection IDs 'vpn-1, vpn-2' do not exist".
func notFoundError(code, noun string, ids []string) *awsapi.Error {
	for i := range ids {
		ids[i] = awsapi.Clip(ids[i], 64)
	}
	if len(ids) == 1 {
		return awsapi.NewError(0, code, "The %s ID '%s' does not exist", noun, ids[0])
	}
	joined := ""
	for i, id := range ids {
		if i > 0 {
			joined += ", "
		}
		joined += id
	}
	return awsapi.NewError(0, code, "The %s IDs '%s' do not exist", noun, joined)
}
