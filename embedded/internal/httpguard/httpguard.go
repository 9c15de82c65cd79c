// Package httpguard holds what the embedded servers share to keep a client
// from holding a connection open (the read deadline of a request's body),
// and the size-limited GET the embedded world's own clients read with.
package httpguard

import (
	"context"
	"io"
	"net/http"
	"time"
)

// DefaultBodyTimeout is how long a request body may take to arrive when a
// server's configuration leaves it at zero.
const DefaultBodyTimeout = 10 * time.Second

// BodyDeadline gives a request with a body d to send it (DefaultBodyTimeout
// when d <= 0). The deadline is the connection's: once the body has been
// read to its end, net/http clears it, so a slow handler is never cut off;
// a body that never ends makes the read fail, and the request is refused.
// A request without a body (GET) costs nothing more.
func BodyDeadline(h http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		d = DefaultBodyTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		}
		h.ServeHTTP(w, r)
	})
}

// MaxBody is how much of an answer Get reads: a login page or a key set is a
// few kilobytes.
const MaxBody = 1 << 20

// Get GETs url with hc and reads at most MaxBody bytes of the answer, which
// it closes. resp is returned whenever the server answered, with its
// status, headers and final URL (resp.Request.URL) still readable.
func Get(ctx context.Context, hc *http.Client, url string) (resp *http.Response, body []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err = hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	return resp, body, err
}
