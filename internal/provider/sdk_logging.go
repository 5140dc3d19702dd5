package provider

import (
	"context"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

// logAPICalls adds one tflog DEBUG line per AWS API call: service, operation, HTTP status, error code, request ID,
// attempts and duration. Bodies and headers are never logged: DescribeVpnConnections responses carry pre-shared
// keys, and request headers carry credentials, so the only safe log of a call is its metadata.
func logAPICalls(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("vpnlogsCallLog",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			start := time.Now()
			out, md, err := next.HandleInitialize(ctx, in)
			fields := map[string]any{
				"aws.service":   awsmiddleware.GetServiceID(ctx),
				"aws.operation": awsmiddleware.GetOperationName(ctx),
				"duration_ms":   time.Since(start).Milliseconds(),
			}
			if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok {
				fields["aws.request_id"] = id
			}
			if r, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok && r != nil {
				fields["http.status"] = r.StatusCode
			}
			if r, ok := retry.GetAttemptResults(md); ok {
				fields["attempts"] = len(r.Results)
			}
			if code := awserr.Code(err); code != "" {
				fields["aws.error_code"] = code
			} else if err != nil {
				fields["error"] = err.Error()
			}
			tflog.Debug(ctx, "AWS API call", fields)
			return out, md, err
		}), middleware.Before)
}
