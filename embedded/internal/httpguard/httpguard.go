// Package httpguard holds what the embedded servers share to keep a client
// from holding a connection open: the read deadline of a request's body.
package httpguard

import (
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
