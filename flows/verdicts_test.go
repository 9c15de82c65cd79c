package flows

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// A step whose token fails a check has failed, whatever else went well.
func TestAFailedTokenCheckFailsTheStep(t *testing.T) {
	ok := Result{Tokens: []Token{{Name: "access_token", Checks: []oauth.Check{{Name: "exp", Status: oauth.Pass}, {Name: "aud", Status: oauth.Warn}}}}}
	if ok.Failed() {
		t.Fatal("a token with only pass and warn checks failed the step")
	}
	bad := Result{Tokens: []Token{ok.Tokens[0], {Name: "id_token", Checks: []oauth.Check{{Name: "at_hash", Status: oauth.Fail}}}}}
	if !bad.Failed() {
		t.Fatal("a token with a failed check did not fail the step")
	}
	if got := bad.Tokens[1].Verdict(); got != "✗ not valid: at_hash" {
		t.Fatalf("verdict: got %q, want %q", got, "✗ not valid: at_hash")
	}
	// A token nobody checked is not called valid, JWT or not.
	jwt, err := oauth.DecodeJWT(fakeJWT(`{"iss":"https://as.example"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := (Token{Name: "refresh_token", JWT: jwt}).Verdict(); strings.Contains(got, "valid") {
		t.Fatalf("a token with no checks: got verdict %q, want no claim of validity", got)
	}
}

// idIssuer is a hostile issuer with a token endpoint: the exchange gets a
// good access token and the ID token idClaims(accessToken) returns.
func idIssuer(t *testing.T, idClaims func(at string, c map[string]any)) (*validatetest.Issuer, *Env, Vars) {
	t.Helper()
	is := validatetest.NewIssuer(t)
	now := time.Now()
	at := is.Token(t, is.Claims(now, "openid"))
	c := map[string]any{"iss": is.URL, "sub": "alice", "aud": "cli", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"nonce": "N-1", "at_hash": atHash(at)}
	idClaims(at, c)
	idt := validatetest.Sign(t, map[string]any{"alg": "RS256", "kid": validatetest.KID, "typ": "JWT"}, c, is.RSA)
	is.Server.Config.Handler.(*http.ServeMux).HandleFunc("POST /realms/test/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": at, "id_token": idt, "token_type": "Bearer", "expires_in": 300})
	})
	env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: is.URL, ClientID: "cli", Scopes: []string{"openid"}}}
	vars := Vars{VarTokenEndpoint: is.URL + "/token", VarJWKSURI: is.URL + "/protocol/openid-connect/certs",
		varCode: "code-1", varNonce: "N-1", varVerifier: "v", varRedirectURI: "http://127.0.0.1/callback"}
	return is, env, vars
}

func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// The ID token's at_hash ties it to the access token that came with it
// (OIDC Core §3.1.3.8): one that does not match fails the exchange.
func TestExchangeChecksAtHash(t *testing.T) {
	_, env, vars := idIssuer(t, func(string, map[string]any) {})
	r := exchangeStep().Run(context.Background(), env, vars)
	if r.Failed() {
		t.Fatalf("a matching at_hash: the exchange failed: %v %+v", r.Err, r.Tokens)
	}
	check(t, r.Tokens[1].Checks, "at_hash", oauth.Pass)

	_, env, vars = idIssuer(t, func(at string, c map[string]any) { c["at_hash"] = atHash(at + "x") })
	r = exchangeStep().Run(context.Background(), env, vars)
	if !r.Failed() {
		t.Fatal("an ID token whose at_hash does not match the access token passed the exchange")
	}
	check(t, r.Tokens[1].Checks, "at_hash", oauth.Fail)
	check(t, r.Tokens[1].Checks, "signature", oauth.Pass) // signed by the issuer, yet not this token's companion
}

// A client credentials answer may carry an ID token (Keycloak returns one
// when openid is asked). The request sent no nonce, so the nonce of an
// earlier login kept in the workbench's session is not this token's to
// match; every other check still holds it: one issued to another client
// fails the step.
func TestClientCredentialsIgnoresAnEarlierLoginsNonce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(at string, c map[string]any)
		fail   string
	}{
		{"no nonce", func(_ string, c map[string]any) { delete(c, "nonce") }, ""},
		{"another client", func(_ string, c map[string]any) { delete(c, "nonce"); c["aud"] = "other" }, "aud"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, env, vars := idIssuer(t, tc.mutate) // vars hold the nonce N-1 of an earlier login
			env.Settings.ClientSecret = "s3cret"
			r := clientCredentialsStep().Run(context.Background(), env, vars)
			if len(r.Tokens) != 2 {
				t.Fatalf("tokens: got %d, want 2 (err %v)", len(r.Tokens), r.Err)
			}
			check(t, r.Tokens[1].Checks, "nonce", oauth.Skip)
			if tc.fail == "" {
				if r.Failed() {
					t.Fatalf("a good ID token failed the step: %+v", r.Tokens[1].Checks)
				}
				return
			}
			check(t, r.Tokens[1].Checks, tc.fail, oauth.Fail)
			if !r.Failed() {
				t.Fatalf("%s: the step did not fail", tc.name)
			}
		})
	}
}

// An ID token's checks are one list: each check once, the signature
// verified (not also "not checked here"), aud against the client id.
func TestIDTokenChecksAppearOnce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(at string, c map[string]any)
		fail   string
	}{
		{"good", func(string, map[string]any) {}, ""},
		{"expired", func(_ string, c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, "exp"},
		{"another client", func(_ string, c map[string]any) { c["aud"] = "other" }, "aud"},
		{"another nonce", func(_ string, c map[string]any) { c["nonce"] = "N-2" }, "nonce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, env, vars := idIssuer(t, tc.mutate)
			r := exchangeStep().Run(context.Background(), env, vars)
			id := r.Tokens[1]
			seen := map[string]int{}
			for _, c := range id.Checks {
				seen[c.Name]++
				if seen[c.Name] > 1 {
					t.Errorf("check %s appears twice: %+v", c.Name, id.Checks)
				}
			}
			for _, name := range []string{"format", "alg", "signature", "iss", "aud", "exp", "iat", "typ", "nonce", "at_hash"} {
				if seen[name] != 1 {
					t.Errorf("check %s: got %d, want once", name, seen[name])
				}
			}
			check(t, id.Checks, "signature", oauth.Pass)
			if tc.fail == "" {
				check(t, id.Checks, "aud", oauth.Pass)
				if r.Failed() {
					t.Fatalf("a good ID token failed: %+v", id.Checks)
				}
				return
			}
			check(t, id.Checks, tc.fail, oauth.Fail)
			if !r.Failed() {
				t.Fatalf("%s: the exchange did not fail", tc.name)
			}
		})
	}
}

// userinfo's sub must be the ID token's (OIDC Core §5.3.2).
func TestUserinfoSubMustMatchTheIDToken(t *testing.T) {
	is := validatetest.NewIssuer(t)
	idt := validatetest.Sign(t, map[string]any{"alg": "RS256"}, map[string]any{"iss": is.URL, "sub": "alice"}, is.RSA)
	for _, tc := range []struct {
		sub  string
		want oauth.CheckStatus
	}{{"alice", oauth.Pass}, {"mallory", oauth.Fail}, {"", oauth.Fail}} {
		t.Run("sub="+tc.sub, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				body := map[string]any{"name": "Alice"}
				if tc.sub != "" {
					body["sub"] = tc.sub
				}
				json.NewEncoder(w).Encode(body)
			}))
			defer srv.Close()
			env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: is.URL, ClientID: "cli", Scopes: []string{"openid"}}}
			r := userinfoStep().Run(context.Background(), env, Vars{VarUserinfoEndpoint: srv.URL, VarAccessToken: "at", VarIDToken: idt})
			check(t, r.Checks, "sub", tc.want)
			if r.Failed() != (tc.want == oauth.Fail) {
				t.Fatalf("step failed: got %v, want %v", r.Failed(), tc.want == oauth.Fail)
			}
		})
	}
}

// The sign-in shows the PKCE verifier (secret until revealed), the
// challenge and the method, so a learner can recompute the challenge.
func TestAuthorizeShowsThePKCEVerifier(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	env.Settings.ClientID, env.Settings.ClientSecret = authserver.NativeClientID, ""
	env.Settings.Scopes = []string{"openid"}
	env.OpenBrowser = formBrowser(t, "alice")
	r := RunAll(context.Background(), env, AuthorizationCode(), Vars{}, nil)
	out := map[string]Output{}
	for _, o := range r[1].Outputs {
		out[o.Name] = o
	}
	v, ch, m := out["code_verifier"], out["code_challenge"], out["code_challenge_method"]
	if v.Value == "" || !v.Secret {
		t.Fatalf("code_verifier: got %+v, want a secret output", v)
	}
	sum := sha256.Sum256([]byte(v.Value))
	if want := base64.RawURLEncoding.EncodeToString(sum[:]); ch.Value != want || ch.Secret {
		t.Fatalf("code_challenge: got %+v, want BASE64URL(SHA-256(verifier)) = %s, not secret", ch, want)
	}
	if m.Value != "S256" {
		t.Fatalf("code_challenge_method: got %q, want S256", m.Value)
	}
}

// userinfo refusing an access token issued for an API (oidc-provider's
// 401 invalid_token) is a warning; a userinfo endpoint that fails for
// another reason (down, 500, a token without the scopes it needs: Okta's
// 403 insufficient_scope) fails the step, whatever the token's aud.
func TestUserinfoExcusesOnlyARefusalOfTheToken(t *testing.T) {
	at := fakeJWT(`{"aud":"http://127.0.0.1:9401/"}`)
	for _, tc := range []struct {
		status    int
		body      string
		challenge string
		fail      bool
	}{
		{401, `{"error":"invalid_token","error_description":"invalid token provided"}`, "", false},
		{500, `{"error":"server_error"}`, "", true},
		{503, `busy`, "", true},
		{403, ``, `Bearer error="insufficient_scope", error_description="The access token must provide access to at least one of these scopes - profile, email, address or phone"`, true},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if tc.challenge != "" {
					w.Header().Set("WWW-Authenticate", tc.challenge)
				}
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: "http://127.0.0.1:9321", ClientID: "cli", Scopes: []string{"openid"}}}
			r := userinfoStep().Run(context.Background(), env, Vars{VarUserinfoEndpoint: srv.URL, VarAccessToken: at})
			if r.Failed() != tc.fail {
				t.Fatalf("step failed: got %v (%v %+v), want %v", r.Failed(), r.Err, r.Checks, tc.fail)
			}
		})
	}
}

// A token meant for an API excuses userinfo's refusal only when nothing
// else explains it: an access token already expired by its exp (Keycloak
// and Okta then say only "Token verification failed" or "The access token
// is invalid"), or a refusal whose description says expired, revoked,
// inactive or lightweight, fails the step with the server's reason.
func TestUserinfoDoesNotBlameTheAudienceForAnExpiredOrRevokedToken(t *testing.T) {
	now := time.Unix(1767225600, 0)
	live := fakeJWT(fmt.Sprintf(`{"aud":"api://default","exp":%d}`, now.Add(time.Hour).Unix()))
	expired := fakeJWT(fmt.Sprintf(`{"aud":"api://default","exp":%d}`, now.Add(-time.Minute).Unix()))
	const (
		keycloak = `Bearer realm="demo", error="invalid_token", error_description="Token verification failed"`
		okta     = `Bearer error="invalid_token", error_description="The access token is invalid"`
	)
	for _, tc := range []struct {
		name, token, challenge string
		fail                   bool
	}{
		{"keycloak, live token", live, keycloak, false},
		{"okta, live token", live, okta, false},
		{"keycloak, expired by exp", expired, keycloak, true},
		{"okta, expired by exp", expired, okta, true},
		{"says expired", live, `Bearer error="invalid_token", error_description="The access token expired"`, true},
		{"says revoked", live, `Bearer error="invalid_token", error_description="token has been revoked"`, true},
		{"says inactive", live, `Bearer error="invalid_token", error_description="Token is inactive"`, true},
		{"keycloak lightweight", live, `Bearer realm="demo", error="invalid_token", error_description="Lightweight access token not allowed for userinfo endpoint"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := &Env{HTTP: &http.Client{}, Now: func() time.Time { return now },
				Settings: Settings{Issuer: "https://example.okta.com/oauth2/default", ClientID: "cli", Scopes: []string{"openid"}}}
			r := userinfoStep().Run(context.Background(), env, Vars{VarUserinfoEndpoint: refusing(t, tc.challenge, ""), VarAccessToken: tc.token})
			if r.Failed() != tc.fail {
				t.Fatalf("step failed: got %v (%v %+v), want %v", r.Failed(), r.Err, r.Checks, tc.fail)
			}
			if !tc.fail {
				if len(r.Checks) != 1 || r.Checks[0].Status != oauth.Warn || !strings.Contains(r.Checks[0].Reason, "api://default") {
					t.Fatalf("checks: got %+v, want one warning naming the aud", r.Checks)
				}
				return
			}
			desc := oauth.ParseBearerChallenge(tc.challenge).ErrorDescription
			if r.Err == nil || !strings.Contains(r.Err.Error(), desc) {
				t.Fatalf("error: got %v, want the server's reason %q", r.Err, desc)
			}
			if len(r.Checks) != 0 {
				t.Fatalf("checks: got %+v, want none blaming the aud", r.Checks)
			}
		})
	}
}
