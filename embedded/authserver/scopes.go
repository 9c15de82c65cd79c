package authserver

import (
	"slices"
	"strings"
)

// oidcScopes are refused by Okta in a client-credentials request.
var oidcScopes = []string{"openid", "profile", "email", "address", "phone", "offline_access"}

// grantScopes decides the scopes of a token (RFC 6749 §3.3).
func (s *Server) grantScopes(c *Client, raw string, clientCredentials bool) ([]string, *oauthErr) {
	requested := strings.Fields(raw)
	if s.isOkta() && clientCredentials {
		for _, sc := range requested {
			if slices.Contains(oidcScopes, sc) {
				// fixture okta/error-invalid-scope-openid-client-credentials.json
				return nil, errInvalidScope().WithDescription("Cannot request '" + sc + "' scopes using client credentials.")
			}
		}
		if len(requested) == 0 {
			return nil, errInvalidScope().WithDescription("The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
		}
	}
	for _, sc := range requested {
		if !slices.Contains(c.Scopes, sc) && !(sc == "openid" && !clientCredentials) {
			return nil, errInvalidScope().WithDescription(
				s.pick("Invalid scopes: "+raw, "One or more scopes are not configured for the authorization server resource."))
		}
	}
	granted := slices.Clone(requested)
	if len(granted) == 0 {
		// Keycloak grants the client's default client scopes when none are asked for.
		for _, sc := range c.Scopes {
			if !slices.Contains(oidcScopes, sc) {
				granted = append(granted, sc)
			}
		}
	}
	if !s.isOkta() {
		// Keycloak's realm default client scopes always land in the token.
		for _, sc := range []string{"profile", "email"} {
			if !slices.Contains(granted, sc) {
				granted = append(granted, sc)
			}
		}
	}
	return granted, nil
}
