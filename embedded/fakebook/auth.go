package fakebook

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// exchange is one request being handled: what the handler decided is
// published on the Bus when it is done.
type exchange struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	report   *validate.Report
	code     int
	decision string
	details  []string
}

// handle registers h behind bearer-token checks for scope ("" = public).
func (s *Server) handle(pattern, scope string, h func(*exchange)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		x := &exchange{s: s, w: w, r: r}
		defer x.publish()
		if scope == "" || x.authorize(scope) {
			h(x)
		}
	})
}

// authorize applies RFC 6750: two Authorization headers → 400
// invalid_request; no token → 401 with only the realm (§3.1:
// no error code when the request had no credentials); a bad token → 401
// invalid_token; a good token without the scope → 403 insufficient_scope.
func (x *exchange) authorize(scope string) bool {
	s := x.s
	if n := len(x.r.Header.Values("Authorization")); n > 1 {
		// RFC 6750 §2: one token, one way; §3.1: repeating it is an
		// invalid_request (400). Serving the first would let whatever
		// added the second (a proxy, a script) decide unseen.
		desc := fmt.Sprintf("the request has %d Authorization headers; send one: Authorization: Bearer <access token> (RFC 6750 section 2)", n)
		x.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q, error="invalid_request", error_description=%q`, s.cfg.Realm, desc))
		x.write(http.StatusBadRequest, errorBody{Error: "invalid_request", Description: desc}, "refused: invalid_request — "+desc)
		return false
	}
	raw, ok := bearer(x.r)
	if !ok {
		x.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q`, s.cfg.Realm))
		x.write(http.StatusUnauthorized, errorBody{Error: "unauthorized", Description: "this route needs a bearer token: Authorization: Bearer <access token> (RFC 6750 section 2.1)"},
			"refused: no bearer token")
		return false
	}
	if s.cfg.Validator == nil {
		x.fail(http.StatusServiceUnavailable, "temporarily_unavailable", "FakeBook has no token validator configured", "")
		return false
	}
	var required []string
	if scope != anyToken {
		required = []string{scope}
	}
	rep := s.cfg.Validator.Validate(x.r.Context(), raw, required...)
	x.report = rep
	if s.cfg.Events.Listening() { // nobody listens: spare the formatting
		x.details = s.details.of(rep.Checks)
	}
	if u := rep.Unchecked; u != nil {
		// Its own introspection request failed: FakeBook's failure, not
		// the token's. RFC 6750 §3.1's invalid_token would send the
		// client for a new token that fares no better; a 5xx says the
		// server could not do it (RFC 9110 §15.6): 503 when it may pass
		// (no answer, a 5xx, a 429), 500 when the authorization server
		// refused FakeBook's request.
		status, code := http.StatusInternalServerError, "server_error"
		if u.Transient {
			status, code = http.StatusServiceUnavailable, "temporarily_unavailable"
		}
		x.fail(status, code, "FakeBook could not check the token, so this says nothing about it: "+u.Reason, "")
		return false
	}
	if b := rep.Bound; b != nil && (rep.Valid || rep.MissingScope()) {
		// A token bound to a key (cnf, RFC 7800 §3.1) proves nothing sent
		// as a bearer token: a copy works without the key. RFC 9449 §7.2
		// makes a resource that takes both schemes refuse a DPoP-bound
		// token sent as Bearer; FakeBook takes Bearer only and checks no
		// proof (neither DPoP's, RFC 9449 §7.1, nor a TLS certificate,
		// RFC 8705 §3), so it refuses every bound token.
		x.refuseToken("cnf", "the token is bound to "+b.Kind()+" (cnf."+b.Member+
			") and FakeBook accepts bearer tokens only: it cannot check that the sender holds that key, so it refuses the token; send it to an API that checks the proof, or get a bearer token")
		return false
	}
	if rep.Valid {
		return true
	}
	reason := rep.Reason()
	if rep.MissingScope() {
		x.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q, error="insufficient_scope", error_description=%q, scope=%q`, s.cfg.Realm, headerSafe(reason), scope))
		x.write(http.StatusForbidden, errorBody{Error: "insufficient_scope", Description: reason, Scope: scope, Check: rep.Failure},
			"refused: insufficient_scope — "+reason)
		return false
	}
	x.refuseToken(rep.Failure, reason)
	return false
}

// refuseToken answers 401 invalid_token for reason, naming the failed
// check in the body (RFC 6750 §3.1).
func (x *exchange) refuseToken(check, reason string) {
	x.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q, error="invalid_token", error_description=%q`, x.s.cfg.Realm, headerSafe(reason)))
	x.write(http.StatusUnauthorized, errorBody{Error: "invalid_token", Description: reason, Check: check},
		"refused: invalid_token — "+reason)
}

// detailLines writes an event's details, one line per check. A token seen
// before comes back with the same checks, most of them the very same
// strings (validate's verdict cache), so each place keeps the line it last
// wrote and reuses it while its check is the same: a dozen concatenations
// a request become a dozen comparisons.
type detailLines [16]atomic.Pointer[detailLine]

type detailLine struct {
	check oauth.Check
	line  string
}

func (d *detailLines) of(checks []oauth.Check) []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		if i < len(d) {
			if l := d[i].Load(); l != nil && l.check == c {
				out[i] = l.line
				continue
			}
		}
		out[i] = c.Name + ": " + c.Status.String() + " — " + c.Reason
		if i < len(d) {
			d[i].Store(&detailLine{check: c, line: out[i]})
		}
	}
	return out
}

// bearer reads the token from the Authorization header (RFC 6750 §2.1;
// the scheme is case-insensitive, RFC 9110 §11.1).
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// headerSafe keeps error_description within the characters RFC 6750 §3
// allows (printable ASCII without '"' and '\'), so the header parses.
func headerSafe(s string) string {
	s = strings.NewReplacer("§", "section ", "—", "-", "…", "...", `"`, "'", `\`, "/").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r <= 0x7e {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	out := b.String()
	if len(out) > 300 {
		out = out[:300] + "..."
	}
	return out
}

func (x *exchange) write(status int, body any, decision string) {
	x.code, x.decision = status, decision
	writeJSON(x.w, status, body)
}

func (x *exchange) json(status int, v any, format string, args ...any) {
	x.write(status, v, fmt.Sprintf(format, args...))
}

func (x *exchange) status(status int, decision string) {
	x.code, x.decision = status, decision
	x.w.WriteHeader(status)
}

func (x *exchange) fail(status int, code, desc, field string) {
	x.write(status, errorBody{Error: code, Description: desc, Field: field}, fmt.Sprintf("refused: %s — %s", code, desc))
}

func (x *exchange) badBody(be *bodyError) {
	code := "invalid_request"
	switch be.status {
	case http.StatusRequestEntityTooLarge:
		code = "payload_too_large"
	case http.StatusUnsupportedMediaType:
		code = "unsupported_media_type"
	}
	x.fail(be.status, code, be.msg, be.field)
}

func (x *exchange) publish() {
	client := ""
	if x.report != nil {
		client = x.report.ClientID
	}
	code := x.code
	if code == 0 {
		code = http.StatusOK
	}
	name := x.s.cfg.Name
	if name == "" {
		name = "fakebook"
	}
	x.s.cfg.Events.Publish(events.Event{Server: name, Method: x.r.Method, Path: x.r.URL.Path,
		Client: client, Status: code, Decision: x.decision, Details: x.details})
}
