package flows

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
)

func TestGrantedScope(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	at := func(claims string) string { // an RFC 9068 access token
		return enc([]byte(`{"alg":"RS256","typ":"at+jwt"}`)) + "." + enc([]byte(claims)) + ".c2ln"
	}
	tests := []struct {
		name  string
		asked []string
		tok   oauth.TokenResponse
		want  string // "" no check; else a substring of the Warn's reason
	}{
		{"same, other order", []string{"openid", "profile"}, oauth.TokenResponse{Scope: "profile openid"}, ""},
		{"the answer names none (§5.1: as asked)", []string{"openid"}, oauth.TokenResponse{}, ""},
		{"the answer names none, an opaque token", []string{"x"}, oauth.TokenResponse{AccessToken: "8xLOxBtZp8"}, ""},
		{"the answer names none, nor a plain JWT", []string{"x"}, oauth.TokenResponse{AccessToken: fakeJWT(`{"sub":"a"}`)}, ""},
		{"nothing asked", nil, oauth.TokenResponse{Scope: "dummy"}, ""},
		{"other", []string{"openid", "profile"}, oauth.TokenResponse{Scope: "dummy"}, "asked for openid profile, granted dummy: openid profile not granted, dummy added"},
		{"fewer", []string{"a", "b"}, oauth.TokenResponse{Scope: "a"}, "b not granted"},
		{"more", []string{"a"}, oauth.TokenResponse{Scope: "a profile email"}, "profile email added"},
		// oidc-provider: an unknown scope is dropped, and an answer that
		// grants none names none; its RFC 9068 access token has no scope.
		{"the answer names none, the access token none", []string{"bogus.scope"}, oauth.TokenResponse{AccessToken: at(`{"sub":"a"}`)},
			"asked for bogus.scope, the answer names no scope (as asked, RFC 6749 §5.1), but its access token grants none: bogus.scope not granted. The server may grant other scopes than asked and must say so (RFC 6749 §3.3, §5.1), which this answer did not"},
		{"the answer names none, the access token other", []string{"a", "b"}, oauth.TokenResponse{AccessToken: at(`{"scope":"a"}`)}, "access token grants a: b not granted"},
		{"the answer names none, the access token as asked", []string{"a"}, oauth.TokenResponse{AccessToken: at(`{"scope":"a"}`)}, ""},
		// RFC 9068 §2.1's typ in full is the same access token.
		{"the answer names none, an application/at+jwt token other", []string{"a", "b"},
			oauth.TokenResponse{AccessToken: enc([]byte(`{"alg":"RS256","typ":"application/at+jwt"}`)) + "." + enc([]byte(`{"scope":"a"}`)) + ".c2ln"}, "access token grants a: b not granted"},
		// oidc-provider's access token for an API carries its scopes only:
		// the ID token and the refresh token say openid and offline_access
		// were granted.
		{"openid and offline_access honoured", []string{"openid", "offline_access", "api.read"},
			oauth.TokenResponse{Scope: "api.read", IDToken: "id", RefreshToken: "rt"}, ""},
		{"openid without an ID token", []string{"openid", "api.read"}, oauth.TokenResponse{Scope: "api.read"}, "openid not granted"},
		{"answered, and another missing", []string{"openid", "offline_access", "api", "b"}, oauth.TokenResponse{Scope: "api", IDToken: "id", RefreshToken: "rt"}, ": b not granted"},
		{"offline_access without a refresh token", []string{"openid", "offline_access"}, oauth.TokenResponse{Scope: "openid", IDToken: "id"}, "offline_access not granted"},
		{"profile beside an ID token", []string{"openid", "profile", "api.read"}, oauth.TokenResponse{Scope: "api.read", IDToken: "id"}, "profile not in the access token (an ID token came back"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GrantedScope(tt.asked, &tt.tok)
			switch {
			case tt.want == "" && len(got) != 0:
				t.Fatalf("got %+v, want no check", got)
			case tt.want == "":
			case len(got) != 1 || got[0].Status != oauth.Warn || !strings.Contains(got[0].Reason, tt.want):
				t.Fatalf("got %+v, want one warn containing %q", got, tt.want)
			}
		})
	}
	if got := GrantedScope([]string{"openid", "api.read", "profile"}, &oauth.TokenResponse{Scope: "x", IDToken: "id"}); len(got) != 1 || !strings.Contains(got[0].Reason, "spelling") {
		t.Errorf("a scope missing beside an ID token: got %+v, want the advice to check the spelling", got)
	}
	if got := GrantedScope([]string{"openid", "profile"}, &oauth.TokenResponse{Scope: "openid", IDToken: "id"}); len(got) != 1 || strings.Contains(got[0].Reason, "spelling") {
		t.Errorf("only a claims scope out of the access token: got %+v, want no advice to check the spelling", got)
	}
}

func fakeJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

func TestTokenTypeHint(t *testing.T) {
	tests := []struct {
		name string
		vars Vars
		want string
	}{
		{"given", Vars{VarTokenTypeHint: "refresh_token", VarAccessToken: fakeJWT(`{"typ":"Bearer"}`)}, "refresh_token"},
		{"obtained by a step", Vars{VarTokenClientID: "demo", VarAccessToken: "opaque"}, "access_token"},
		{"a Keycloak refresh token", Vars{VarAccessToken: fakeJWT(`{"typ":"Refresh","exp":1}`)}, "refresh_token"},
		{"a Keycloak offline token", Vars{VarAccessToken: fakeJWT(`{"typ":"Offline"}`)}, "refresh_token"},
		{"a JWT access token", Vars{VarAccessToken: fakeJWT(`{"typ":"Bearer","scope":"a"}`)}, "access_token"},
		{"opaque: no hint", Vars{VarAccessToken: "8xLOxBtZp8"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := TokenTypeHint(tt.vars); got != tt.want || why == "" {
				t.Fatalf("got %q (%s), want %q", got, why, tt.want)
			}
		})
	}
}

func TestWhenShowsTheDateUnlessToday(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.Local)
	if got := When(now.Add(5*time.Minute), now); got != "12:05:00 (in 5m0s)" {
		t.Errorf("today: got %q, want 12:05:00 (in 5m0s)", got)
	}
	if got := When(now.Add(14*24*time.Hour), now); !strings.HasPrefix(got, "2026-05-15 12:00:00 (in 14d") {
		t.Errorf("in two weeks: got %q, want the date", got)
	}
	// An expiry from expires_in keeps the fraction of the second the answer
	// came in; the token's exp beside it is whole. Both show 12:05:00, so
	// both must say how far that is alike.
	later := now.Add(2200 * time.Millisecond)
	if got := When(now.Add(5*time.Minute+700*time.Millisecond), later); got != "12:05:00 (in 4m58s)" {
		t.Errorf("expires_in's fraction of a second: got %q, want 12:05:00 (in 4m58s), as the exp claim 12:05:00 reads", got)
	}
}

// A token step says when the token expires for scripts (RFC 3339) and for
// people, and what the server granted beside what was asked.
func TestTokenOutputsForScriptsAndTheGrantedScope(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	env.Settings.Scopes = []string{authserver.ScopeRead}
	rs := RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil)
	mustPass(t, "token", rs[1])
	outs := map[string]string{}
	for _, o := range rs[1].Outputs {
		outs[o.Name] = o.Value
	}
	at, err := time.Parse(time.RFC3339, outs[OutExpiresAt])
	if err != nil || at.Before(time.Now()) {
		t.Fatalf("expires_at: got %q (%v), want an RFC 3339 time ahead", outs[OutExpiresAt], err)
	}
	if outs[OutExpiresIn] == "" {
		t.Fatalf("no expires_in output in %v", outs)
	}
	// The Keycloak shape adds its default client scopes (profile email).
	check(t, rs[1].Checks, CheckGrantedScope, oauth.Warn)

	// Asked for exactly what the Okta shape grants: no check at all.
	_, okta := world(t, authserver.StyleOkta)
	okta.Settings.Scopes = []string{authserver.ScopeRead}
	rs = RunAll(context.Background(), okta, ClientCredentials(), Vars{}, nil)
	mustPass(t, "okta token", rs[1])
	for _, c := range rs[1].Checks {
		if c.Name == CheckGrantedScope {
			t.Fatalf("granted as asked, got %+v", c)
		}
	}
}

// Introspection sends the hint that matches the token and dates an exp
// that is not today.
func TestIntrospectHintAndDate(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	vars := Vars{}
	mustPass(t, "token", RunAll(context.Background(), env, ClientCredentials(), vars, nil)[1])
	env.Now = func() time.Time { return time.Now().Add(-48 * time.Hour) }
	r := introspectStep().Run(context.Background(), env, vars)
	mustPass(t, "introspect", r)
	body, _ := url.ParseQuery(string(r.Exchanges[len(r.Exchanges)-1].RequestBody))
	if got := body.Get("token_type_hint"); got != "access_token" {
		t.Errorf("token_type_hint: got %q, want access_token", got)
	}
	for _, o := range r.Outputs {
		if o.Name == "exp" && !strings.Contains(o.Value, "-") {
			t.Errorf("exp two days from the clock: got %q, want the date", o.Value)
		}
	}
	// A token pasted with --hint refresh_token.
	pasted := Vars{VarAccessToken: vars[VarAccessToken], VarTokenTypeHint: "refresh_token", VarIntrospectionEndpoint: vars[VarIntrospectionEndpoint], VarTokenEndpoint: vars[VarTokenEndpoint]}
	r = introspectStep().Run(context.Background(), env, pasted)
	body, _ = url.ParseQuery(string(r.Exchanges[len(r.Exchanges)-1].RequestBody))
	if got := body.Get("token_type_hint"); got != "refresh_token" {
		t.Errorf("token_type_hint with a given hint: got %q, want refresh_token", got)
	}
}

func TestCallWithoutAPIBaseSaysWhatToSet(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	env.Settings.APIBase = ""
	r := CallAPI(APIRequest{Path: "/books"}).Run(context.Background(), env, Vars{VarAccessToken: "x"})
	e := oauth.Explain(r.Err)
	if e == nil || !strings.Contains(e.What, "no API base URL") || !strings.Contains(e.Try, "--api-base") || len(r.Exchanges) != 0 {
		t.Fatalf("got %+v, want no request and what to set", e)
	}
	if strings.Contains(e.Explained(), "issuer") {
		t.Errorf("the advice must not be about the issuer: %s", e.Explained())
	}
}

// A token from another embedded world: the 401 says the world ended.
func TestCallEmbeddedWithATokenOfAnotherWorld(t *testing.T) {
	_, old := world(t, authserver.StyleKeycloak)
	vars := Vars{}
	mustPass(t, "token", RunAll(context.Background(), old, ClientCredentials(), vars, nil)[1])
	_, env := world(t, authserver.StyleKeycloak)
	r := CallAPI(APIRequest{Path: "/books"}).Run(context.Background(), env, Vars{VarAccessToken: vars[VarAccessToken]})
	e := oauth.Explain(r.Err)
	if e == nil || e.Status != 401 || !strings.Contains(e.Cause, "ended with its command") || !strings.Contains(e.Try, "oauthlab serve") {
		t.Fatalf("got %+v, want the ended world explained", e)
	}
}
