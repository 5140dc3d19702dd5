package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

// logGroupARNType is a string type for log group ARNs. CloudWatch Logs writes ARNs with and without a trailing
// ":*"; values that differ only in that suffix are semantically equal, so state keeps the user's spelling and
// AWS's echo of either form never shows as a diff.
type logGroupARNType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = logGroupARNType{}
	_ basetypes.StringValuableWithSemanticEquals = logGroupARNValue{}
)

func (t logGroupARNType) Equal(o attr.Type) bool {
	_, ok := o.(logGroupARNType)
	return ok
}

func (t logGroupARNType) String() string { return "logGroupARNType" }

func (t logGroupARNType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return logGroupARNValue{StringValue: in}, nil
}

func (t logGroupARNType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return logGroupARNValue{StringValue: s}, nil
}

func (t logGroupARNType) ValueType(context.Context) attr.Value { return logGroupARNValue{} }

// logGroupARNValue is a value of logGroupARNType.
type logGroupARNValue struct{ basetypes.StringValue }

func newLogGroupARNValue(s string) logGroupARNValue {
	return logGroupARNValue{StringValue: basetypes.NewStringValue(s)}
}

func (v logGroupARNValue) Type(context.Context) attr.Type { return logGroupARNType{} }

func (v logGroupARNValue) Equal(o attr.Value) bool {
	other, ok := o.(logGroupARNValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals treats "…:log-group:NAME" and "…:log-group:NAME:*" as the same ARN.
func (v logGroupARNValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	nv, ok := newValuable.(logGroupARNValue)
	if !ok {
		diags.AddError("Unexpected value type",
			fmt.Sprintf("Comparing log group ARNs expected a %T, got a %T. This is a bug in the provider: please report it.", v, newValuable))
		return false, diags
	}
	return logdelivery.TrimARNSuffix(v.ValueString()) == logdelivery.TrimARNSuffix(nv.ValueString()), diags
}
