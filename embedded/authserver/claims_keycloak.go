package authserver

import (
	"slices"
	"strings"
	"time"
)

// Keycloak's shapes: the claims of its tokens and the members of its
// answers, in its order (fixtures keycloak/*.json).

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

// keycloakIDTokenClaims follows keycloak/id-token-payload.json.
func (s *Server) keycloakIDTokenClaims(c *Client, u *user, atHash string, now, exp time.Time, o issueOpts) orderedJSON {
	cl := orderedJSON{{"exp", exp.Unix()}, {"iat", now.Unix()}, {"auth_time", o.authTime.Unix()}, {"jti", newUUID()},
		{"iss", s.issuer}, {"aud", c.ID}, {"sub", u.ID}, {"typ", "ID"}, {"azp", c.ID}}
	if o.nonce != "" {
		cl = append(cl, kv{"nonce", o.nonce})
	}
	return append(cl, kv{"sid", o.sid}, kv{"at_hash", atHash}, kv{"acr", "1"}, kv{"email_verified", true},
		kv{"name", u.Name}, kv{"preferred_username", u.Username}, kv{"given_name", u.Given},
		kv{"family_name", u.Family}, kv{"email", u.Email})
}

// keycloakTokenResponse follows keycloak/token-response-*.json:
// refresh_expires_in is 0 when there is no refresh token, and
// session_state appears only with a login session.
func keycloakTokenResponse(t issued) orderedJSON {
	refreshIn := 0
	if t.refresh != "" {
		refreshIn = int(refreshTTL.Seconds())
	}
	resp := orderedJSON{{"access_token", t.access}, {"expires_in", t.expiresIn}, {"refresh_expires_in", refreshIn}}
	if t.refresh != "" {
		resp = append(resp, kv{"refresh_token", t.refresh})
	}
	resp = append(resp, kv{"token_type", "Bearer"})
	if t.idToken != "" {
		resp = append(resp, kv{"id_token", t.idToken})
	}
	resp = append(resp, kv{"not-before-policy", 0})
	if t.sid != "" {
		resp = append(resp, kv{"session_state", t.sid})
	}
	return append(resp, kv{"scope", t.scope})
}

// keycloakIntrospection appends Keycloak's members to the token's claims
// (AccessTokenIntrospectionProvider; fixtures keycloak/introspection-active*.json).
// A client-credentials token already carries client_id, which is not sent
// twice (RFC 8259 §4: names SHOULD be unique).
func keycloakIntrospection(rec *grantRecord) orderedJSON {
	out := slices.Clone(rec.claims)
	if out.get("client_id") == nil {
		out = append(out, kv{"client_id", rec.clientID})
	}
	return append(out, kv{"username", usernameOf(rec)}, kv{"token_type", "Bearer"}, kv{"active", true})
}
