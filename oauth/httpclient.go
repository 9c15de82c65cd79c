package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultHTTPTimeout bounds each HTTP request when no other limit is given:
// a server that accepts the connection and never answers must not hang a
// command or a workshop.
const DefaultHTTPTimeout = 20 * time.Second

// MaxResponseBody bounds what is read of any response body. OAuth answers
// are a few kilobytes; a hostile or broken server must not make the
// workbench hold megabytes.
const MaxResponseBody = 4 << 20

// maxRedirects is how many same-origin redirects a request may follow
// (net/http's own default).
const maxRedirects = 10

// NewHTTPClient returns the client every request of the workbench goes
// through (headless commands, the TUI, token validation, the embedded
// world). It holds three rules whatever the caller does with the answer:
//
//   - each request ends after timeout (DefaultHTTPTimeout when timeout <= 0),
//     the answer's body included, with a *TimeoutError;
//   - reading a body stops after MaxResponseBody bytes with a
//     *BodyTooLargeError;
//   - a redirect to another origin (scheme, host or port) is not followed:
//     the request fails with a *RedirectError. A 307 or 308 would re-send
//     the body (a client secret with client_secret_post, a token) and the
//     Authorization header may go along, to a server the user never named.
func NewHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Transport: newBoundedTransport(nil, timeout), CheckRedirect: CheckRedirect}
}

// CheckRedirect is the redirect policy of NewHTTPClient, for an
// http.Client's CheckRedirect: redirects within the origin of the first
// request are followed (at most 10), any other is refused with a
// *RedirectError.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	from := via[len(via)-1].URL
	if origin(req.URL) != origin(via[0].URL) {
		return &RedirectError{Status: status, From: from.String(), To: req.URL.String()}
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects (the last from %s to %s)", maxRedirects, from, req.URL)
	}
	return nil
}

// origin is a URL's scheme, host and port (RFC 6454 §4), with the default
// port made explicit so that https://a and https://a:443 compare equal.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// RedirectError is a redirect that was not followed because it leads to
// another origin than the request's.
type RedirectError struct {
	// Status is the redirect's HTTP status (301, 302, 303, 307, 308).
	Status int
	// From is the URL that answered with the redirect, To where it pointed.
	From, To string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("HTTP %d from %s to %s not followed: it leads to another origin", e.Status, e.From, e.To)
}

// TimeoutError is a request that did not end within the HTTP timeout of a
// client from NewHTTPClient.
type TimeoutError struct {
	URL   string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no complete answer from %s within %s (the HTTP timeout)", e.URL, e.After)
}

// Timeout reports true: a TimeoutError is a net.Error timeout.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary reports true, as net.Error asks.
func (e *TimeoutError) Temporary() bool { return true }

// Is makes errors.Is(err, context.DeadlineExceeded) hold, as it does for
// net/http's own timeouts.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// BodyTooLargeError is an answer whose body is longer than the limit; the
// reading stopped at the limit.
type BodyTooLargeError struct {
	URL   string
	Limit int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("the answer from %s is larger than %s; reading stopped there", e.URL, byteSize(e.Limit))
}

// byteSize says n in the unit a person reads.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// boundedTransport gives each round trip a deadline and caps its body.
// The deadline is the request context's, with a TimeoutError as its cause,
// so that a timeout is told apart from the caller's own cancellation and
// says how long it waited.
type boundedTransport struct {
	base    http.RoundTripper
	timeout time.Duration
	maxBody int64
}

func newBoundedTransport(base http.RoundTripper, timeout time.Duration) *boundedTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	return &boundedTransport{base: base, timeout: timeout, maxBody: MaxResponseBody}
}

// RoundTrip implements http.RoundTripper.
func (t *boundedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	cause := &TimeoutError{URL: req.URL.Redacted(), After: t.timeout}
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.timeout, cause)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, timedOut(ctx, cause, err)
	}
	resp.Body = &boundedBody{rc: resp.Body, left: t.maxBody, ctx: ctx, cancel: cancel, cause: cause,
		tooLarge: &BodyTooLargeError{URL: req.URL.Redacted(), Limit: t.maxBody}}
	return resp, nil
}

// timedOut returns the TimeoutError when the deadline is what ended err.
func timedOut(ctx context.Context, cause *TimeoutError, err error) error {
	if err != nil && !errors.Is(err, io.EOF) && context.Cause(ctx) == cause {
		return cause
	}
	return err
}

// boundedBody returns at most left bytes, then a BodyTooLargeError, and
// ends the round trip's deadline when closed.
type boundedBody struct {
	rc       io.ReadCloser
	left     int64
	ctx      context.Context
	cancel   context.CancelFunc
	cause    *TimeoutError
	tooLarge *BodyTooLargeError
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooLarge
	}
	// Ask for one byte more than allowed, to tell "exactly the limit"
	// from "more than the limit".
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n, b.left = int(b.left), -1
		return n, b.tooLarge
	}
	b.left -= int64(n)
	return n, timedOut(b.ctx, b.cause, err)
}

func (b *boundedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
