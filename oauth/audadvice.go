package oauth

import (
	"net/url"
	"strings"
)

// AudienceAdvice says how the server that issued a token (its issuer)
// decides the token's aud, and how to change it there: Keycloak's and
// Okta's settings, and for another server the RFC 8707 resource parameter
// (oidc-provider gives aud by it) or its own settings.
func AudienceAdvice(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case strings.Contains(u.Path, "/realms/"):
		return "Keycloak puts account in aud unless an audience mapper adds the API: Clients → the client → Client scopes → its dedicated scope → Add mapper → By configuration → Audience, included client audience or custom audience = the API"
	case strings.HasSuffix(host, ".okta.com") || strings.HasSuffix(host, ".oktapreview.com") || strings.HasPrefix(u.Path, "/oauth2/"):
		return "Okta puts its authorization server's audience in aud (api://default for the default server): Security → API → Authorization Servers → the server → Settings → Audience; the API must expect that value"
	}
	return "Ask the server for a token for that API: with --resource and the API's URI if it takes resource indicators (RFC 8707), or by the audience set for the client or the API at the server"
}
