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
// it. Hand it to golang.org/x/oauth2 with
// context.WithValue(ctx, oauth2.HTTPClient, rec.Client()).
type Recorder struct {
	// Base does the actual round trip; http.DefaultTransport when nil.
	Base http.RoundTripper
	// Timeout bounds each whole exchange when the client comes from Client.
	Timeout time.Duration

	mu        sync.Mutex
	exchanges []Exchange
}

// NewRecorder returns a recorder over base (nil: http.DefaultTransport).
func NewRecorder(base http.RoundTripper) *Recorder { return &Recorder{Base: base} }

// Client returns an *http.Client that records through r. Its timeout is
// r.Timeout, or 15 seconds when unset: a server that never answers must not
// hang a workshop.
func (r *Recorder) Client() *http.Client {
	t := r.Timeout
	if t == 0 {
		t = 15 * time.Second
	}
	return &http.Client{Transport: r, Timeout: t}
}

// RoundTrip implements http.RoundTripper.
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
	base := r.Base
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
	// Read the body now so the recorded duration includes it; keep at most
	// MaxRecordedBody+1 bytes in memory for the record, and give the caller
	// the whole body back.
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	ex.Duration = time.Since(ex.Start)
	var cut bool
	ex.ResponseBody, cut = clip(body)
	ex.Truncated = ex.Truncated || cut
	if rerr != nil {
		ex.Err = rerr.Error()
	}
	r.add(ex)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, rerr
}

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
// over hc's transport, keeping hc's timeout. Protocol calls use it so each
// returns exactly the exchanges it made.
func recordingClient(hc *http.Client) (*http.Client, *Recorder) {
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	rec := &Recorder{Base: hc.Transport}
	c := *hc
	c.Transport = rec
	return &c, rec
}

// WithRecording is recordingClient for callers outside the package: it
// returns a copy of hc whose exchanges land in the returned Recorder.
func WithRecording(hc *http.Client) (*http.Client, *Recorder) { return recordingClient(hc) }

// ctxOrBackground keeps nil contexts from panicking deep in net/http.
func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
