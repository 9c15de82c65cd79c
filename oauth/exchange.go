package oauth

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// Exchange is one HTTP request and its response as they went over the wire.
// Bodies are kept up to MaxRecordedBody bytes each. An Exchange holds secrets
// in clear (it is what was sent); show it through Redacted unless the user
// asked to reveal.
type Exchange struct {
	Start          time.Time     `json:"start"`
	Duration       time.Duration `json:"duration_ns"`
	Method         string        `json:"method"`
	URL            string        `json:"url"`
	RequestHeader  http.Header   `json:"request_header,omitempty"`
	RequestBody    []byte        `json:"request_body,omitempty"`
	Status         int           `json:"status,omitempty"`
	ResponseHeader http.Header   `json:"response_header,omitempty"`
	ResponseBody   []byte        `json:"response_body,omitempty"`
	// Err is the transport error (refused connection, timeout), if any.
	Err string `json:"error,omitempty"`
	// Truncated reports that a body was longer than MaxRecordedBody.
	Truncated bool `json:"truncated,omitempty"`
}

// MaxRecordedBody bounds each recorded body, so a hostile server cannot make
// the workbench hold megabytes per exchange.
const MaxRecordedBody = 256 << 10

// Recorder is an http.RoundTripper that records every exchange made through
// it. Get one with WithRecording, which puts it under a client that holds
// the rules of NewHTTPClient. It reads each answer's body whole, up to
// MaxResponseBody, before handing it on.
type Recorder struct {
	// base does the actual round trip; http.DefaultTransport when nil.
	base http.RoundTripper

	mu        sync.Mutex
	exchanges []Exchange
}

// RoundTrip implements http.RoundTripper. The response body is read here,
// at most MaxResponseBody bytes of it, so that the recorded duration
// includes it; the caller gets the body back, and the error that ended the
// reading (a timeout, a body over the cap) when it reaches that point.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := Exchange{
		Start:         time.Now(),
		Method:        req.Method,
		URL:           req.URL.String(),
		RequestHeader: req.Header.Clone(),
	}
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		ex.RequestBody, ex.Truncated = clip(body)
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	base := r.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		ex.Duration = time.Since(ex.Start)
		ex.Err = err.Error()
		r.add(ex)
		return nil, err
	}
	ex.Status = resp.StatusCode
	ex.ResponseHeader = resp.Header.Clone()
	body, rerr := readBody(resp.Body, req.URL)
	resp.Body.Close()
	ex.Duration = time.Since(ex.Start)
	var cut bool
	ex.ResponseBody, cut = clip(body)
	ex.Truncated = ex.Truncated || cut
	var rest io.Reader = bytes.NewReader(body)
	if rerr != nil {
		ex.Err = rerr.Error()
		rest = io.MultiReader(rest, errReader{rerr})
	}
	r.add(ex)
	resp.Body = io.NopCloser(rest)
	return resp, nil
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func clip(b []byte) ([]byte, bool) {
	if len(b) > MaxRecordedBody {
		return bytes.Clone(b[:MaxRecordedBody]), true
	}
	return bytes.Clone(b), false
}

func (r *Recorder) add(ex Exchange) {
	r.mu.Lock()
	r.exchanges = append(r.exchanges, ex)
	r.mu.Unlock()
}

// Take returns the exchanges recorded so far and forgets them.
func (r *Recorder) Take() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.exchanges
	r.exchanges = nil
	return out
}

// recordingClient returns a client that records through a fresh Recorder
// over hc's transport, keeping hc's timeout and redirect policy. Protocol
// calls use it so each returns exactly the exchanges it made. nil means
// NewHTTPClient(0). The rules of NewHTTPClient hold whatever hc is: a client
// with no time bound at all gets DefaultHTTPTimeout per request, one with
// no redirect policy gets CheckRedirect, and the Recorder caps bodies.
func recordingClient(hc *http.Client) (*http.Client, *Recorder) {
	if hc == nil {
		hc = NewHTTPClient(0)
	}
	base := hc.Transport
	if _, bounded := base.(*boundedTransport); !bounded && hc.Timeout == 0 {
		base = newBoundedTransport(base, 0)
	}
	rec := &Recorder{base: base}
	c := *hc
	c.Transport = rec
	if c.CheckRedirect == nil {
		c.CheckRedirect = CheckRedirect
	}
	return &c, rec
}

// WithRecording returns a copy of hc whose exchanges land in the returned
// Recorder, for callers outside the package that make requests of their own
// (a validator fetching keys). nil means NewHTTPClient(0); whatever hc is,
// the copy holds the rules of NewHTTPClient (see recordingClient).
func WithRecording(hc *http.Client) (*http.Client, *Recorder) { return recordingClient(hc) }

// ctxOrBackground keeps nil contexts from panicking deep in net/http.
func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
