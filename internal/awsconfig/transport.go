package awsconfig

import (
	"bytes"
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// bufferedBodyClient gives net/http its own in-memory copy of each request body.
//
// smithy-go closes the request body it built as soon as the response headers arrive
// (transport/http/client.go). When the server answers before net/http has finished its final write of that body,
// the early Close can make net/http close the connection while the response is still being read, and the call
// fails with "deserialization failed ... use of closed network connection" (aws/aws-sdk-go-v2#1825, #2737; #2949
// only made that error retryable, which would still turn one call into two). Query and JSON request bodies are
// small, so the copy costs little; with it, the SDK's early Close touches nothing net/http still uses.
type bufferedBodyClient struct{ next config.HTTPClient }

func (c bufferedBodyClient) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return c.next.Do(r)
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return c.next.Do(r)
}

// NewHTTPClient returns the HTTP client every SDK client of this project uses: next (the SDK's default client when
// nil) with request bodies buffered (see bufferedBodyClient). Wrap after config.LoadDefaultConfig, which needs the
// SDK's own client type to apply AWS_CA_BUNDLE.
func NewHTTPClient(next config.HTTPClient) config.HTTPClient {
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	return bufferedBodyClient{next: next}
}
