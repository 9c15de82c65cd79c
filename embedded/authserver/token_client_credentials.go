package authserver

import "net/url"

// clientCredentials is the client credentials grant (RFC 6749 §4.4): the
// client, already authenticated, gets a token for itself with the scopes
// grantScopes allows; no refresh token (§4.4.3) and no ID token.
func (s *Server) clientCredentials(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	scopes, e := s.grantScopes(c, form.Get("scope"), true)
	if e != nil {
		return nil, e
	}
	return s.issue(c, nil, scopes, issueOpts{grant: "client_credentials"})
}
