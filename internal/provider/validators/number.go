package validators

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The provider's whole-number settings are Number attributes (a Terraform number, as an Int64 attribute is) checked
// by these validators: the framework's Int64 type cannot say what is wrong with a fraction (it prints
// "Value %!s(*big.Float=1.5) is not an integer" as a provider bug), and these say what is accepted instead.

// numberValidator adapts a check of a known number to validator.Number.
type numberValidator struct {
	description
	check func(path string, v *big.Float) (summary, detail string)
}

var _ validator.Number = numberValidator{}

func (v numberValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if summary, detail := v.check(req.Path.String(), req.ConfigValue.ValueBigFloat()); summary != "" {
		resp.Diagnostics.AddAttributeError(req.Path, summary, detail)
	}
}

// Int64 returns the value of a number that the validators of this file accepted (0 for null or unknown).
func Int64(v *big.Float) int64 {
	if v == nil {
		return 0
	}
	i, _ := v.Int64()
	return i
}

func text(v *big.Float) string { return v.Text('g', -1) }

// nearest returns the whole numbers around v: floor and ceiling, or v itself when it is whole.
func nearest(v *big.Float) []int64 {
	floor, acc := v.Int64() // truncates toward zero
	if acc == big.Exact {
		return []int64{floor}
	}
	if v.Sign() < 0 {
		return []int64{floor - 1, floor}
	}
	return []int64{floor, floor + 1}
}

// WholeNumber accepts a whole number between lo and hi (math.MaxInt64: no upper bound).
func WholeNumber(lo, hi int64) validator.Number {
	rng := fmt.Sprintf("between %d and %d", lo, hi)
	if hi == math.MaxInt64 {
		rng = fmt.Sprintf("%d or more", lo)
	}
	return numberValidator{
		description: description("value must be a whole number " + rng),
		check: func(p string, v *big.Float) (string, string) {
			if !v.IsInt() {
				var in []string
				for _, n := range nearest(v) {
					if n >= lo && n <= hi {
						in = append(in, strconv.FormatInt(n, 10))
					}
				}
				suggestion := ""
				if len(in) > 0 {
					suggestion = " Use " + strings.Join(in, " or ") + "."
				}
				return "Not a whole number", fmt.Sprintf("%s is %s; it must be a whole number %s.%s", p, text(v), rng, suggestion)
			}
			if i, acc := v.Int64(); acc != big.Exact || i < lo || i > hi {
				use := lo
				if v.Cmp(new(big.Float).SetInt64(hi)) > 0 {
					use = hi
				}
				return "Value out of range", fmt.Sprintf("%s is %s; it must be %s. Use %d.", p, text(v), rng, use)
			}
			return "", ""
		},
	}
}

// OneOf accepts one of the whole numbers in accepted (sorted ascending), and suggests the nearest ones; what says
// what they are ("numbers of days CloudWatch Logs keeps events for").
func OneOf(accepted []int64, what string) validator.Number {
	list := make([]string, len(accepted))
	for i, a := range accepted {
		list[i] = strconv.FormatInt(a, 10)
	}
	all := strings.Join(list, ", ")
	return numberValidator{
		description: description("value must be one of " + all),
		check: func(p string, v *big.Float) (string, string) {
			if i, acc := v.Int64(); acc == big.Exact && slices.Contains(accepted, i) {
				return "", ""
			}
			// The accepted values just below and above v.
			below, above := "", ""
			for _, a := range accepted {
				af := new(big.Float).SetInt64(a)
				if af.Cmp(v) < 0 {
					below = strconv.FormatInt(a, 10)
				} else if above == "" {
					above = strconv.FormatInt(a, 10)
				}
			}
			var near []string
			for _, n := range []string{below, above} {
				if n != "" {
					near = append(near, n)
				}
			}
			return "Value not accepted", fmt.Sprintf("%s is %s, which is not one of the %s: %s. Use %s.", p, text(v), what, all,
				strings.Join(near, " or "))
		},
	}
}
