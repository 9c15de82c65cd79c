package authserver

import (
	"strings"
	"time"
)

// keycloakAccessClaims follows keycloak/access-token-payload-*.json.
func (s *Server) keycloakAccessClaims(c *Client, u *user, scopes []string, now, exp time.Time, jti string, o issueOpts) orderedJSON {
	cl := orderedJSON{{"exp", exp.Unix()}, {"iat", now.Unix()}}
	if u != nil {
		cl = append(cl, kv{"auth_time", o.authTime.Unix()})
		jti = "onrtac:" + jti // online session, regular token, authorization code
	} else {
		jti = "trrtcc:" + jti // transient session, regular token, client credentials
	}
	cl = append(cl, kv{"jti", jti}, kv{"iss", s.issuer}, kv{"aud", s.audience()})
	sub := c.ServiceAccountID
	if u != nil {
		sub = u.ID
	}
	cl = append(cl, kv{"sub", sub}, kv{"typ", "Bearer"}, kv{"azp", c.ID})
	if o.sid != "" {
		cl = append(cl, kv{"sid", o.sid})
	}
	cl = append(cl, kv{"acr", "1"}, kv{"allowed-origins", []string{"/*"}},
		kv{"realm_access", map[string]any{"roles": []string{"offline_access", "default-roles-" + s.cfg.Realm, "uma_authorization"}}},
		kv{"resource_access", map[string]any{"account": map[string]any{"roles": []string{"manage-account", "manage-account-links", "view-profile"}}}},
		kv{"scope", strings.Join(scopes, " ")})
	if u == nil {
		// Keycloak 26 emits client_id (older realms: clientId; SOURCES.md
		// "Claim-name history") and the service account's user name.
		cl = append(cl, kv{"clientHost", "127.0.0.1"}, kv{"email_verified", false},
			kv{"preferred_username", "service-account-" + c.ID}, kv{"clientAddress", "127.0.0.1"}, kv{"client_id", c.ID})
		return cl
	}
	cl = append(cl, kv{"email_verified", true}, kv{"name", u.Name}, kv{"preferred_username", u.Username},
		kv{"given_name", u.Given}, kv{"family_name", u.Family}, kv{"email", u.Email})
	return cl
}
