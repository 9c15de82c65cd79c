package authserver

import (
	"strings"
	"time"
)

// Okta's shapes: the claims of its tokens and the members of its answers,
// in its order (fixtures okta/*.json).

// oktaAccessClaims follows okta/access-token-payload-*.json.
func (s *Server) oktaAccessClaims(c *Client, u *user, scopes []string, now, exp time.Time, o issueOpts) orderedJSON {
	cl := orderedJSON{{"ver", 1}, {"jti", "AT." + randomToken()[:43]}, {"iss", s.issuer}, {"aud", s.audience()},
		{"iat", now.Unix()}, {"exp", exp.Unix()}, {"cid", c.ID}}
	if u != nil {
		cl = append(cl, kv{"uid", oktaUserID(u)}, kv{"scp", scopes},
			kv{"auth_time", o.authTime.Unix()}, kv{"sub", u.Email})
		return cl
	}
	return append(cl, kv{"scp", scopes}, kv{"sub", c.ID})
}

// oktaUserID is the user's Okta id, 00u and 17 characters: the sub of an
// ID token and of userinfo, the uid of an access token, whose sub is the
// login (fixtures okta/id-token-payload.json, access-token-payload-*.json).
func oktaUserID(u *user) string { return "00u" + strings.ReplaceAll(u.ID, "-", "")[:17] }

// oktaOrgID is the org's id, 00o and 17 letters and digits, one per
// issuer: an ID token's idp when the user signed in with Okta itself
// (fixture okta/id-token-payload.json; Okta's ID token reference: "If it
// was Okta, the value would be the OrgId").
func (s *Server) oktaOrgID() string { return "00o" + alnum("org "+s.issuer, 17) }

// oktaIDTokenClaims follows okta/id-token-payload.json.
func (s *Server) oktaIDTokenClaims(c *Client, u *user, atHash string, now, exp time.Time, o issueOpts) orderedJSON {
	cl := orderedJSON{{"sub", oktaUserID(u)}, {"name", u.Name}, {"email", u.Email}, {"ver", 1}, {"iss", s.issuer},
		{"aud", c.ID}, {"iat", now.Unix()}, {"exp", exp.Unix()}, {"jti", "ID." + randomToken()[:43]},
		{"amr", []string{"pwd"}}, {"idp", s.oktaOrgID()}}
	if o.nonce != "" {
		cl = append(cl, kv{"nonce", o.nonce})
	}
	return append(cl, kv{"preferred_username", u.Email}, kv{"auth_time", o.authTime.Unix()}, kv{"at_hash", atHash})
}

// oktaTokenResponse follows fixtures okta/token-response-*.json: a
// client's own token token_type, expires_in, access_token, scope (the
// service-app guide's order); a user's access_token, token_type,
// expires_in, scope, then refresh_token and id_token (the /token
// reference's order).
func oktaTokenResponse(t issued) orderedJSON {
	resp := orderedJSON{{"token_type", "Bearer"}, {"expires_in", t.expiresIn}, {"access_token", t.access}, {"scope", t.scope}}
	if t.forUser {
		resp = orderedJSON{{"access_token", t.access}, {"token_type", "Bearer"}, {"expires_in", t.expiresIn}, {"scope", t.scope}}
	}
	if t.refresh != "" {
		resp = append(resp, kv{"refresh_token", t.refresh})
	}
	if t.idToken != "" {
		resp = append(resp, kv{"id_token", t.idToken})
	}
	return resp
}

// oktaIntrospection lists Okta's own members for an active access token
// in its order (fixtures okta/introspection-active*.json): username (the
// login, the access token's sub) and uid only when a user is behind the
// token, never a service-account name.
func (s *Server) oktaIntrospection(rec *grantRecord) orderedJSON {
	out := orderedJSON{{"active", true}, {"token_type", "Bearer"}, {"scope", strings.Join(rec.scopes, " ")}, {"client_id", rec.clientID}}
	if rec.user != nil {
		out = append(out, kv{"username", rec.user.Email})
	}
	out = append(out, kv{"exp", rec.accessExp.Unix()}, kv{"iat", rec.claims.get("iat")}, kv{"sub", subOf(rec)},
		kv{"aud", s.audience()}, kv{"iss", s.issuer}, kv{"jti", rec.accessJTI})
	if rec.user != nil {
		out = append(out, kv{"uid", oktaUserID(rec.user)})
	}
	return out
}

// oktaRefreshIntrospection lists Okta's members for an active refresh
// token in its order (fixture okta/introspection-active-refresh-token.json):
// token_type Bearer, username the login, and the id of the device the
// grant was made on, one per grant.
func oktaRefreshIntrospection(rec *grantRecord) orderedJSON {
	out := orderedJSON{{"active", true}, {"token_type", "Bearer"}, {"scope", strings.Join(rec.scopes, " ")}, {"client_id", rec.clientID}}
	if rec.user != nil {
		out = append(out, kv{"username", rec.user.Email})
	}
	return append(out, kv{"exp", rec.refreshEx.Unix()}, kv{"sub", subOf(rec)}, kv{"device_id", alnum("device "+rec.grant, 20)})
}
