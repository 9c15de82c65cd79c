package authserver

import (
	"crypto/subtle"
	"net/http"
	"net/url"
)

// authenticate applies RFC 6749 §2.3.1: HTTP Basic (client_secret_basic,
// form-urlencoded id and secret) or client_id/client_secret in the body
// (client_secret_post), never both; a public client sends client_id only;
// a JWT client a client_assertion (client_assertion.go). Secrets are
// compared in constant time.
func (s *Server) authenticate(r *http.Request, form url.Values) (*Client, *oauthErr) {
	if form.Has("client_assertion") || form.Has("client_assertion_type") {
		return s.authenticateAssertion(r, form)
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		if uid, err := url.QueryUnescape(id); err == nil {
			id = uid
		}
		if usec, err := url.QueryUnescape(secret); err == nil {
			secret = usec
		}
		if form.Get("client_secret") != "" {
			return nil, errInvalidRequest().WithDescription("the client used more than one authentication method (RFC 6749 §2.3)")
		}
		if fid := form.Get("client_id"); fid != "" && fid != id {
			return nil, errInvalidRequest().WithDescription("client_id in the body differs from the one in the Authorization header")
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" {
		if s.isOkta() {
			return nil, errInvalidClient().WithDescription("No client credentials found.")
		}
		return nil, errInvalidClient().WithStatus(400).WithDescription("Missing client_id parameter")
	}
	c := s.clients[id]
	if c == nil {
		return nil, s.unknownClient().WithBasicChallenge(basic)
	}
	if c.AuthMethod != "" {
		// A JWT client may not fall back to its secret or to nothing.
		return nil, s.wrongMethod(c, map[bool]string{true: "HTTP Basic credentials", false: "its client_id without an assertion"}[basic]).WithBasicChallenge(basic)
	}
	if c.public() {
		return c, nil
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		if s.isOkta() {
			return nil, errInvalidClient().WithDescription("The client secret supplied for a confidential client is invalid.").WithBasicChallenge(basic)
		}
		// Keycloak answers a wrong secret with unauthorized_client, not the
		// RFC's invalid_client (ClientIdAndSecretAuthenticator, fixture
		// keycloak/error-unauthorized-client-wrong-secret.json).
		return nil, errUnauthorizedClient().WithStatus(401).WithDescription("Invalid client or Invalid client credentials").WithBasicChallenge(basic)
	}
	return c, nil
}

// claimedClient is the client id a request claims (Basic or form), for events.
func claimedClient(r *http.Request, form url.Values) string {
	if id, _, ok := r.BasicAuth(); ok {
		if u, err := url.QueryUnescape(id); err == nil {
			return u
		}
		return id
	}
	return form.Get("client_id")
}

// unknownClient is the answer to a client_id the server does not know, in
// its shape: Keycloak's invalid_client, Okta's in its management-API
// envelope (errorCode, errorSummary, errorLink, errorId, errorCauses),
// which it sends for this error alone.
func (s *Server) unknownClient() *oauthErr {
	if s.isOkta() {
		e := errInvalidClient().WithDescription("Invalid value for 'client_id' parameter.")
		e.oktaEnvelope = true
		return e
	}
	return errInvalidClient().WithDescription("Invalid client or Invalid client credentials")
}
