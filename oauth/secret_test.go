package oauth_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

func TestSecretNeverPrints(t *testing.T) {
	s := oauth.Secret("s3cret-value")
	cfg := oauth.ClientConfig{ClientID: "c", ClientSecret: s}
	tok := &oauth.TokenResponse{AccessToken: "at", RefreshToken: s, Raw: map[string]any{"refresh_token": s}}
	outputs := map[string]string{
		//lint:ignore S1025 the test is about what each verb prints for a Secret
		"%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s), "%#v": fmt.Sprintf("%#v", s),
		"%x": fmt.Sprintf("%x", s), "%+v cfg": fmt.Sprintf("%+v", cfg), "%#v cfg": fmt.Sprintf("%#v", cfg),
		"%+v token": fmt.Sprintf("%+v", tok),
	}
	for _, v := range []any{s, cfg, tok, map[string]oauth.Secret{"k": s}, tok.Raw} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outputs[fmt.Sprintf("json %T", v)] = string(b)
	}
	for how, out := range outputs {
		if strings.Contains(out, "s3cret") || strings.Contains(out, fmt.Sprintf("%x", "s3cret-value")) {
			t.Errorf("%s leaks the secret: %s", how, out)
		}
	}
	if got := fmt.Sprint(s); got != oauth.Redacted {
		t.Errorf("got %q, want %q", got, oauth.Redacted)
	}
	if s.Reveal() != "s3cret-value" {
		t.Error("Reveal does not return the value")
	}
	var empty oauth.Secret
	if empty.String() != "" || !empty.IsZero() || s.IsZero() {
		t.Error("an empty secret must print empty and be zero")
	}
}

// The token parser keeps the refresh token out of Raw's printed forms.
func TestTokenRawRedactsRefreshToken(t *testing.T) {
	srv := newFakeServer(t, map[string]canned{"/token": fromFixture(t, "keycloak/token-response-authorization-code.json")})
	req := oauth.AuthRequest{Client: oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "c"}}
	tok, _, err := exchange(req)
	if err != nil {
		t.Fatal(err)
	}
	rt := tok.RefreshToken.Reveal()
	if rt == "" {
		t.Fatal("no refresh token in the fixture")
	}
	b, _ := json.Marshal(tok.Raw)
	if strings.Contains(fmt.Sprint(tok.Raw), rt) || strings.Contains(string(b), rt) {
		t.Error("Raw prints the refresh token")
	}
}
