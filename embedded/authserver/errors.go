package authserver

// oauthErr is an OAuth 2.0 error answer: the error code and description of
// RFC 6749 §5.2 (or of the extension that defines the code) with the HTTP
// status the imitated server uses, which is not always the RFC's.
//
// Make one with the constructor of its code and apply the imitated
// server's text with WithDescription, as zitadel/oidc's pkg/oidc does:
//
//	errInvalidGrant().WithDescription(s.pick("Code not valid", "The authorization code is invalid or has expired."))
//
// errors.Is matches on the code (and on the description when the target
// has one), so errors.Is(err, errInvalidGrant()) asks "was it invalid_grant?".
type oauthErr struct {
	status int
	code   string
	desc   string
	// basic: the client tried HTTP Basic, so a 401 carries
	// WWW-Authenticate: Basic (RFC 6749 §5.2 for invalid_client).
	basic bool
	// oktaEnvelope: Okta answers an unknown client_id with its
	// management-API envelope, not RFC 6749 JSON (fixture
	// okta/error-invalid-client-unknown-client-id.json).
	oktaEnvelope bool
	// note is what the server did beyond refusing (it revoked the tokens
	// of a replayed code), said in the event of the refusal, never sent.
	note   string
	parent error
	// event, when set, is what the server-side pane says instead of
	// "refused: …" (a device poll is waiting, not refused).
	event string
}

// The constructors, one per error code, each with the status of the RFC
// that defines the code; callers change it with WithStatus where the
// imitated server answers otherwise.
var (
	// RFC 6749 §5.2: errors of the token endpoint (400, and 401 for
	// invalid_client).
	errInvalidRequest       = constructor(400, "invalid_request")
	errInvalidClient        = constructor(401, "invalid_client")
	errInvalidGrant         = constructor(400, "invalid_grant")
	errInvalidScope         = constructor(400, "invalid_scope")
	errUnauthorizedClient   = constructor(400, "unauthorized_client")
	errUnsupportedGrantType = constructor(400, "unsupported_grant_type")

	// RFC 6749 §4.1.2.1: errors of the authorization endpoint, sent back
	// to the client's redirect URI (the status is then the redirect's);
	// server_error is answered with 500.
	errAccessDenied            = constructor(400, "access_denied")
	errUnsupportedResponseType = constructor(400, "unsupported_response_type")
	errServerError             = constructor(500, "server_error")

	// RFC 6750 §3.1: errors of a resource server (here userinfo), sent in
	// a WWW-Authenticate: Bearer challenge. Keycloak also answers an
	// unknown token at the RFC 7009 revocation endpoint with invalid_token.
	errInvalidToken      = constructor(401, "invalid_token")
	errInsufficientScope = constructor(403, "insufficient_scope")

	// RFC 8628 §3.5: the device access token request's answers while the
	// device polls.
	errAuthorizationPending = constructor(400, "authorization_pending")
	errSlowDown             = constructor(400, "slow_down")
	errExpiredToken         = constructor(400, "expired_token")
)

// constructor returns the constructor of code's answers: each call makes a
// new *oauthErr, so the With… setters never touch another answer.
func constructor(status int, code string) func() *oauthErr {
	return func() *oauthErr { return &oauthErr{status: status, code: code} }
}

// WithDescription sets error_description, the imitated server's text.
func (e *oauthErr) WithDescription(desc string) *oauthErr {
	e.desc = desc
	return e
}

// WithStatus sets the HTTP status where the imitated server departs from
// the RFC's (Keycloak's 401 unauthorized_client, its 403 for a public
// client at introspection).
func (e *oauthErr) WithStatus(status int) *oauthErr {
	e.status = status
	return e
}

// WithBasicChallenge records that the client tried HTTP Basic, so a 401
// answer carries WWW-Authenticate: Basic (RFC 6749 §5.2).
func (e *oauthErr) WithBasicChallenge(basic bool) *oauthErr {
	e.basic = basic
	return e
}

// WithEventNote says in the refusal's event what the server did beyond
// refusing; the client is never told.
func (e *oauthErr) WithEventNote(note string) *oauthErr {
	e.note = note
	return e
}

// WithParent keeps the Go error that caused this one, for errors.Is/As; it
// is never sent.
func (e *oauthErr) WithParent(err error) *oauthErr {
	e.parent = err
	return e
}

// Error returns "code: description".
func (e *oauthErr) Error() string { return e.code + ": " + e.desc }

// Unwrap returns the cause given to WithParent, if any.
func (e *oauthErr) Unwrap() error { return e.parent }

// Is reports whether target is an *oauthErr with the same code and, when
// target has one, the same description.
func (e *oauthErr) Is(target error) bool {
	t, ok := target.(*oauthErr)
	return ok && t.code == e.code && (t.desc == "" || t.desc == e.desc)
}

// WithEvent sets what the server-side pane says of this answer instead of
// "refused: …": a device poll that is told to wait was not refused.
func (e *oauthErr) WithEvent(decision string) *oauthErr {
	e.event = decision
	return e
}

// decision is the answer as the server-side pane says it.
func (e *oauthErr) decision() string {
	if e.event != "" {
		return e.event
	}
	return "refused: " + e.code + " — " + e.desc
}
