package authserver

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// grantFunc validates a grant's own parameters and issues its tokens. On a
// weakened server (weak.go), skipped says what protection it left out to
// issue them, for the event; "" otherwise.
type grantFunc func(c *Client, form url.Values) (resp orderedJSON, skipped string, e *oauthErr)

// skipsNothing is a grant no weakness touches.
func skipsNothing(g func(*Client, url.Values) (orderedJSON, *oauthErr)) grantFunc {
	return func(c *Client, form url.Values) (orderedJSON, string, *oauthErr) {
		resp, e := g(c, form)
		return resp, "", e
	}
}

// grant returns the grant_type's handler, nil for one this server does not
// support.
func (s *Server) grant(grantType string) grantFunc {
	switch grantType {
	case "client_credentials":
		return skipsNothing(s.clientCredentials)
	case "authorization_code":
		return s.authorizationCode
	case "refresh_token":
		return s.refreshToken
	case GrantDeviceCode:
		return skipsNothing(s.deviceToken)
	}
	return nil
}

// tokenRequest is a token request that passed the checks all grants share.
type tokenRequest struct {
	client    *Client
	grantType string
	grant     grantFunc // the grant_type's handler
	form      url.Values
	// who is the client named in events: the claimed one until it has
	// authenticated.
	who string
}

// handleToken is the token endpoint (RFC 6749 §3.2): parse and check what
// every grant shares, let the grant validate and issue, write the answer.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	req, e := s.parseTokenRequest(w, r)
	if e != nil {
		s.writeErr(w, r, req.who, e)
		return
	}
	resp, skipped, e := req.grant(req.client, req.form)
	if e != nil {
		s.writeErr(w, r, req.who, e)
		return
	}
	decision := "issued tokens (" + req.grantType + ")"
	if skipped != "" {
		decision += " — WEAKENED: " + skipped
	}
	s.publish(r, req.who, http.StatusOK, decision, "scope: "+fmt.Sprint(resp.get("scope")))
	writeJSON(w, http.StatusOK, resp)
}

// parseTokenRequest runs the shared checks in Keycloak's order (SOURCES.md):
// missing grant_type, unknown grant_type, client authentication, duplicated
// parameter, the client's grant types; the grant's own checks come after,
// so a failed client authentication never spends an authorization code.
func (s *Server) parseTokenRequest(w http.ResponseWriter, r *http.Request) (tokenRequest, *oauthErr) {
	var req tokenRequest
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return req, errInvalidRequest().WithStatus(http.StatusMethodNotAllowed).WithDescription("the token endpoint takes POST (RFC 6749 §3.2)")
	}
	form, e := s.readForm(w, r)
	if e != nil {
		return req, e
	}
	req.form, req.grantType, req.who = form, form.Get("grant_type"), form.Get("client_id")
	if req.grantType == "" {
		return req, errInvalidRequest().WithDescription(
			s.pick("Missing form parameter: grant_type", "The grant_type parameter is required."))
	}
	if req.grant = s.grant(req.grantType); req.grant == nil {
		return req, errUnsupportedGrantType().WithDescription(
			s.pick("Unsupported grant_type", "The authorization grant type is not supported by the authorization server. Configured grant types: [authorization_code, client_credentials, refresh_token]."))
	}
	if req.client, e = s.authenticate(r, form); e != nil {
		req.who = claimedClient(r, form)
		return req, e
	}
	req.who = req.client.ID
	for k, v := range form {
		if len(v) > 1 {
			// RFC 6749 §3.2: parameters MUST NOT be included more than once.
			return req, errInvalidRequest().WithDescription("duplicated parameter " + k)
		}
	}
	if !req.client.allows(req.grantType) {
		return req, s.unauthorizedGrant(req.client, req.grantType)
	}
	return req, nil
}

// unauthorizedGrant refuses a grant type the client is not registered for,
// in the imitated server's words and status.
func (s *Server) unauthorizedGrant(c *Client, grant string) *oauthErr {
	if s.isOkta() {
		return errUnauthorizedClient().WithDescription(
			"The client is not authorized to use the provided grant type. Configured grant types: [" + strings.Join(c.Grants, ", ") + "].")
	}
	if grant == GrantDeviceCode {
		// Measured: invalid_grant here, unauthorized_client at /auth/device.
		return errInvalidGrant().WithDescription("Client not allowed OAuth 2.0 Device Authorization Grant")
	}
	if grant == "client_credentials" {
		if c.public() {
			return errUnauthorizedClient().WithStatus(401).WithDescription("Public client not allowed to retrieve service account")
		}
		return errUnauthorizedClient().WithStatus(401).WithDescription("Client not enabled to retrieve service account")
	}
	return errUnauthorizedClient().WithDescription("Client not allowed for " + grant + " grant")
}

// readForm reads a size-limited application/x-www-form-urlencoded body.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthErr) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return nil, errInvalidRequest().WithDescription("the request body is not a valid form or is larger than 64 KB")
	}
	return r.PostForm, nil
}
