package oauth

// ErrorCode is an error code a server sends in an OAuth answer: the "error"
// member of an RFC 6749 §5.2 object (Okta's errorCode envelope counts too),
// the error auth-param of an RFC 6750 §3 Bearer challenge, or the error of
// an authorization response (RFC 6749 §4.1.2.1). The constants below are
// errors, so a caller tests what the server said with errors.Is:
//
//	if errors.Is(err, oauth.ErrInvalidClient) { … }
//
// It holds for any error a token, introspection, revocation, userinfo or
// callback call returns, wrapped or not. The *Error keeps the what, cause and
// try explanation; the code is only what the server said.
type ErrorCode string

// Error returns the code as the server spells it.
func (c ErrorCode) Error() string { return string(c) }

// The codes a client meets.
const (
	// RFC 6749 §5.2, the token endpoint (also used by introspection,
	// RFC 7662 §2.3, and revocation, RFC 7009 §2.2.1).
	ErrInvalidRequest       ErrorCode = "invalid_request"
	ErrInvalidClient        ErrorCode = "invalid_client"
	ErrInvalidGrant         ErrorCode = "invalid_grant"
	ErrUnauthorizedClient   ErrorCode = "unauthorized_client"
	ErrUnsupportedGrantType ErrorCode = "unsupported_grant_type"
	ErrInvalidScope         ErrorCode = "invalid_scope"

	// RFC 6749 §4.1.2.1, the authorization endpoint's answer on the
	// callback; access_denied is also RFC 8628 §3.5's "the user said no".
	ErrAccessDenied            ErrorCode = "access_denied"
	ErrUnsupportedResponseType ErrorCode = "unsupported_response_type"
	ErrServerError             ErrorCode = "server_error"
	ErrTemporarilyUnavailable  ErrorCode = "temporarily_unavailable"

	// RFC 6750 §3.1, a resource server or the userinfo endpoint refusing
	// a token (Keycloak's revocation endpoint also answers invalid_token).
	ErrInvalidToken      ErrorCode = "invalid_token"
	ErrInsufficientScope ErrorCode = "insufficient_scope"

	// RFC 7009 §2.2.1, revocation (and introspection on some servers).
	ErrUnsupportedTokenType ErrorCode = "unsupported_token_type"

	// RFC 8707 §2, a resource indicator the server does not know.
	ErrInvalidTarget ErrorCode = "invalid_target"

	// RFC 8628 §3.5, the device authorization grant's polling answers.
	ErrAuthorizationPending ErrorCode = "authorization_pending"
	ErrSlowDown             ErrorCode = "slow_down"
	ErrExpiredToken         ErrorCode = "expired_token"
)

// Is reports whether target is the ErrorCode the server sent, so that
// errors.Is(err, ErrInvalidGrant) holds for an *Error anywhere in err's
// chain. Codes compare exactly: RFC 6749 §5.2 codes are case-sensitive.
func (e *Error) Is(target error) bool {
	c, ok := target.(ErrorCode)
	return ok && c != "" && e.Code == string(c)
}
