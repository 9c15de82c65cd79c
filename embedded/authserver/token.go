package authserver

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// handleToken is the token endpoint (RFC 6749 §3.2). Checks run in
// Keycloak's order (SOURCES.md): missing grant_type, unknown grant_type,
// client authentication, duplicated parameter, then the grant's own checks,
// so a failed client authentication never spends an authorization code.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.writeErr(w, r, "", errInvalidRequest().WithStatus(http.StatusMethodNotAllowed).WithDescription("the token endpoint takes POST (RFC 6749 §3.2)"))
		return
	}
	form, e := s.readForm(w, r)
	if e != nil {
		s.writeErr(w, r, "", e)
		return
	}
	grant := form.Get("grant_type")
	if grant == "" {
		s.writeErr(w, r, form.Get("client_id"), errInvalidRequest().WithDescription(
			s.pick("Missing form parameter: grant_type", "The grant_type parameter is required.")))
		return
	}
	switch grant {
	case "client_credentials", "authorization_code", "refresh_token":
	default:
		s.writeErr(w, r, form.Get("client_id"), errUnsupportedGrantType().WithDescription(
			s.pick("Unsupported grant_type", "The authorization grant type is not supported by the authorization server. Configured grant types: [authorization_code, client_credentials, refresh_token].")))
		return
	}
	c, e := s.authenticate(r, form)
	if e != nil {
		s.writeErr(w, r, claimedClient(r, form), e)
		return
	}
	for k, v := range form {
		if len(v) > 1 {
			// RFC 6749 §3.2: parameters MUST NOT be included more than once.
			s.writeErr(w, r, c.ID, errInvalidRequest().WithDescription("duplicated parameter "+k))
			return
		}
	}
	if !c.allows(grant) {
		s.writeErr(w, r, c.ID, s.unauthorizedGrant(c, grant))
		return
	}
	var resp orderedJSON
	switch grant {
	case "client_credentials":
		resp, e = s.clientCredentials(c, form)
	case "authorization_code":
		resp, e = s.authorizationCode(c, form)
	case "refresh_token":
		resp, e = s.refreshToken(c, form)
	}
	if e != nil {
		s.writeErr(w, r, c.ID, e)
		return
	}
	s.publish(r, c.ID, http.StatusOK, "issued tokens ("+grant+")", "scope: "+fmt.Sprint(resp.get("scope")))
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) unauthorizedGrant(c *Client, grant string) *oauthErr {
	if s.isOkta() {
		return errUnauthorizedClient().WithDescription(
			"The client is not authorized to use the provided grant type. Configured grant types: [" + strings.Join(c.Grants, ", ") + "].")
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
