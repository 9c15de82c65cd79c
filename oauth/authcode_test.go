package oauth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

func TestNewPKCE(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		p := oauth.NewPKCE()
		if len(p.Verifier) != 43 || p.Method != "S256" {
			t.Fatalf("got verifier of %d chars, method %q; want 43 (RFC 7636 §4.1) and S256", len(p.Verifier), p.Method)
		}
		sum := sha256.Sum256([]byte(p.Verifier))
		if want := base64.RawURLEncoding.EncodeToString(sum[:]); p.Challenge != want {
			t.Fatalf("challenge: got %q, want BASE64URL(SHA256(verifier)) %q", p.Challenge, want)
		}
		if seen[p.Verifier] {
			t.Fatal("a verifier repeated")
		}
		seen[p.Verifier] = true
	}
	// RFC 7636 appendix B's example.
	if got := oauthS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Errorf("RFC 7636 example: got %q", got)
	}
}

func oauthS256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestStateAndNonce(t *testing.T) {
	a, b := oauth.NewState(), oauth.NewState()
	n1, n2 := oauth.NewNonce(), oauth.NewNonce()
	if a == b || len(a) < 43 || n1 == n2 {
		t.Errorf("state/nonce not fresh or too short: %q %q", a, b)
	}
	if strings.ContainsAny(a, "+/=") {
		t.Errorf("state %q is not base64url", a)
	}
}

func TestAuthRequestURL(t *testing.T) {
	client := oauth.ClientConfig{ClientID: "oauthlab-cli", Scopes: []string{"openid", "fakebookapi.read"}, Audience: "fakebook", Resource: []string{"https://api.example/"}}
	r := oauth.NewAuthRequest("https://kc.example/realms/myorg/protocol/openid-connect/auth?kc_idp_hint=google", client, "http://127.0.0.1:5555/callback")
	r.Extra = map[string]string{"prompt": "login"}
	u, err := url.Parse(r.URL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	want := map[string]string{
		"response_type": "code", "client_id": "oauthlab-cli", "redirect_uri": "http://127.0.0.1:5555/callback",
		"scope": "openid fakebookapi.read", "state": r.State, "nonce": r.Nonce, "code_challenge": r.PKCE.Challenge,
		"code_challenge_method": "S256", "audience": "fakebook", "resource": "https://api.example/", "prompt": "login", "kc_idp_hint": "google",
	}
	for k, v := range want {
		if q.Get(k) != v || v == "" {
			t.Errorf("%s: got %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Has("code_verifier") {
		t.Error("the verifier must never be in the authorization URL (RFC 7636 §4.3)")
	}
	if u.Host != "kc.example" || u.Path != "/realms/myorg/protocol/openid-connect/auth" {
		t.Errorf("endpoint changed: %s", u)
	}
	// Without openid there is no nonce.
	r2 := oauth.NewAuthRequest("https://as/authorize", oauth.ClientConfig{ClientID: "c", Scopes: []string{"fakebookapi.read"}}, "http://127.0.0.1:1/cb")
	if r2.Nonce != "" || strings.Contains(r2.URL(), "nonce=") {
		t.Errorf("nonce without openid: got %q", r2.Nonce)
	}
}

func TestExchangeCodeRequest(t *testing.T) {
	srv := newFakeServer(t, map[string]canned{"/token": fromFixture(t, "okta/token-response-authorization-code.json")})
	client := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "oauthlab-cli", AuthMethod: "none", Resource: []string{"https://api/"}}
	r := oauth.NewAuthRequest("https://as/authorize", client, "http://127.0.0.1:5555/callback")
	tok, exs, err := oauth.ExchangeCode(context.Background(), nil, r, "the-code")
	if err != nil || tok.IDToken == "" {
		t.Fatalf("ExchangeCode: %v", err)
	}
	f := srv.requests()[0].Form
	want := map[string]string{"grant_type": "authorization_code", "code": "the-code", "redirect_uri": "http://127.0.0.1:5555/callback",
		"code_verifier": r.PKCE.Verifier, "client_id": "oauthlab-cli", "resource": "https://api/"}
	for k, v := range want {
		if f.Get(k) != v {
			t.Errorf("%s: got %q, want %q", k, f.Get(k), v)
		}
	}
	if f.Has("client_secret") || exs[0].RequestHeader.Get("Authorization") != "" {
		t.Error("a public client must send no secret")
	}
	if _, _, err := oauth.ExchangeCode(context.Background(), nil, r, ""); err == nil {
		t.Error("empty code: got no error")
	}
}

func exchange(req oauth.AuthRequest) (*oauth.TokenResponse, []oauth.Exchange, error) {
	return oauth.ExchangeCode(context.Background(), nil, req, "code")
}
