package authserver

import (
	"net/http"
	"slices"
	"strings"
)

// handleUserinfo is OpenID Connect Core §5.3, with RFC 6750 refusals.
func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		tok, ok = strings.CutPrefix(auth, "bearer ")
	}
	var rec *grantRecord
	why := "no bearer token"
	if ok {
		rec, why = s.lookupAccess(strings.TrimSpace(tok))
	}
	if rec == nil || rec.user == nil {
		if rec != nil {
			why = "a client-credentials token has no user"
		}
		realm := ""
		if !s.isOkta() {
			realm = `realm="` + s.cfg.Realm + `", `
		}
		s.publish(r, "", 401, "userinfo refused: "+why)
		writeBearerChallenge(w, realm, errInvalidToken().WithDescription(s.pick("Token verification failed", "The access token is invalid")))
		return
	}
	if !slices.Contains(rec.scopes, "openid") {
		s.publish(r, rec.clientID, 403, "userinfo refused: no openid scope")
		writeBearerChallenge(w, "", errInsufficientScope().WithDescription("the token was not issued with openid"))
		return
	}
	if s.isOkta() && !slices.ContainsFunc(rec.scopes, func(sc string) bool { return slices.Contains(oktaUserinfoScopes, sc) }) {
		// Okta answers only for a claim scope, in these words
		// (testdata/fixtures/manifest.json, userinfo 403).
		s.publish(r, rec.clientID, 403, "userinfo refused: openid without profile, email, address or phone")
		writeBearerChallenge(w, "", errInsufficientScope().WithDescription(
			"The access token must provide access to at least one of these scopes - profile, email, address or phone"))
		return
	}
	u := rec.user
	sub, login := subOf(rec), u.Username
	if s.isOkta() {
		// Okta's access token names the login, its ID token the user's
		// id: userinfo's sub is the ID token's (OIDC Core §5.3.2), and so
		// is its preferred_username, the login e-mail.
		sub, login = oktaUserID(u), u.Email
	}
	out := orderedJSON{{"sub", sub}}
	if slices.Contains(rec.scopes, "profile") {
		out = append(out, kv{"name", u.Name}, kv{"preferred_username", login}, kv{"given_name", u.Given}, kv{"family_name", u.Family})
	}
	if slices.Contains(rec.scopes, "email") {
		out = append(out, kv{"email", u.Email}, kv{"email_verified", true})
	}
	s.publish(r, rec.clientID, 200, "userinfo for "+u.Username)
	w.Header().Set("Content-Type", "application/json")
	_ = writeRaw(w, out)
}

// oktaUserinfoScopes are the scopes Okta's userinfo needs one of, beside
// openid.
var oktaUserinfoScopes = []string{"profile", "email", "address", "phone"}

// writeBearerChallenge refuses a resource request the RFC 6750 §3 way: the
// error in a WWW-Authenticate: Bearer challenge and an empty body. realm is
// `realm="…", ` or "".
func writeBearerChallenge(w http.ResponseWriter, realm string, e *oauthErr) {
	w.Header().Set("WWW-Authenticate", `Bearer `+realm+`error="`+e.code+`", error_description="`+e.desc+`"`)
	w.WriteHeader(e.status)
}
