package authserver

import "net/url"

func (s *Server) clientCredentials(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	scopes, e := s.grantScopes(c, form.Get("scope"), true)
	if e != nil {
		return nil, e
	}
	return s.issue(c, nil, scopes, issueOpts{grant: "client_credentials"})
}
