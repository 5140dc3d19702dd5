package sandbox

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// Errors of readBody, answered in the service's error shape.
var (
	errBodyTooLarge = errors.New("request body too large")
	errBodyNoMemory = errors.New("no memory for the request body")
	errBodyRead     = errors.New("request body not received")
)

// readBody reads a request body within the limits of Options: at most MaxBodyBytes (refused before reading when
// Content-Length says so, else as soon as the limit is passed), into one buffer taken from the server-wide
// BodyMemoryBytes before it is allocated: Content-Length plus one byte, or MaxBodyBytes plus one when the length is
// not declared (chunked bodies; AWS's SDKs and CLI always declare it). A request holds its whole reservation or
// nothing, so requests waiting for memory never hold any and cannot block each other. The returned release gives the
// memory back; call it once the request is answered.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, func(), error) {
	limit := s.opts.MaxBodyBytes
	if r.ContentLength > limit {
		return nil, func() {}, errBodyTooLarge
	}
	size := limit + 1
	if r.ContentLength >= 0 {
		size = r.ContentLength + 1 // room to see the end of the body
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.ReadTimeout)
	defer cancel()
	if err := s.bodyMemory.Acquire(ctx, size); err != nil {
		return nil, func() {}, errBodyNoMemory
	}
	var once sync.Once
	release := func() { once.Do(func() { s.bodyMemory.Release(size) }) }

	// The server closes the connection after a body cut short by this reader, so the rest is never read.
	body := http.MaxBytesReader(w, r.Body, limit)
	buf := make([]byte, 0, size)
	var err error
	for err == nil && len(buf) < cap(buf) {
		var n int
		n, err = body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return buf, release, nil
	case errors.As(err, &tooLarge):
		err = errBodyTooLarge
	default: // a body longer than its Content-Length cannot happen (net/http stops at it); a read error can
		err = errBodyRead
	}
	release()
	return nil, func() {}, err
}

// bodyError is the answer to a body readBody refused, in the shape of service.
func (s *Server) bodyError(service string, err error) *awsapi.Error {
	switch {
	case errors.Is(err, errBodyTooLarge):
		return awsapi.NewError(http.StatusRequestEntityTooLarge, awsapi.CodeRequestEntityTooLarge,
			"The request body exceeds %d bytes.", s.opts.MaxBodyBytes)
	case errors.Is(err, errBodyNoMemory):
		// Too many large bodies at once: AWS would throttle; clients retry.
		return throttleError(service)
	}
	return awsapi.NewError(http.StatusBadRequest, awsapi.CodeRequestTimeout, "The request body was not received in full within %s.", s.opts.ReadTimeout)
}
