package oauth_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// The fixtures' ID tokens were issued at 2026-01-01T00:00:00Z.
var fixtureNow = time.Unix(1767225600+60, 0)

func TestCheckIDTokenFixtures(t *testing.T) {
	tests := []struct{ vendor, issuer, client string }{
		{"keycloak", "https://keycloak.example.test/realms/demo", "demo-spa"},
		{"okta", "https://example.okta.com/oauth2/default", "0oanmPYyGf1KuTe0EWot"},
	}
	for _, tc := range tests {
		t.Run(tc.vendor, func(t *testing.T) {
			var raw map[string]any
			json.Unmarshal(oauthtest.Fixture(t, tc.vendor+"/token-response-authorization-code.json"), &raw)
			idt, at := raw["id_token"].(string), raw["access_token"].(string)
			checks := oauth.CheckIDToken(idt, tc.issuer, tc.client, "n-0S6_WzA2Mj", fixtureNow)
			for _, name := range []string{"format", "alg", "iss", "aud", "exp", "iat", "nonce"} {
				if c := check(checks, name); c.Status != oauth.Pass {
					t.Errorf("%s: got %v %q, want pass", name, c.Status, c.Reason)
				}
			}
			if c := check(checks, "signature"); c.Status != oauth.Skip {
				t.Errorf("signature: got %v, want skip (verified by oauth/validate)", c.Status)
			}
			if c := oauth.CheckAtHash(idt, at); c.Status != oauth.Pass {
				t.Errorf("at_hash with the fixture's access token: got %v %q", c.Status, c.Reason)
			}
			if c := oauth.CheckAtHash(idt, at+"x"); c.Status != oauth.Fail {
				t.Errorf("at_hash with another access token: got %v, want fail", c.Status)
			}
		})
	}
}

func TestCheckIDTokenFailures(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{"iss": "https://as.example", "aud": "cli", "exp": 2000, "iat": 1000, "nonce": "N"}
	}
	now := time.Unix(1500, 0)
	tests := []struct {
		name   string
		mutate func(h, c map[string]any)
		nonce  string
		check  string
		want   oauth.CheckStatus
		reason string
	}{
		{"ok", func(h, c map[string]any) {}, "N", "nonce", oauth.Pass, "matches"},
		{"wrong iss", func(h, c map[string]any) { c["iss"] = "https://as.example/" }, "N", "iss", oauth.Fail, "expected https://as.example exactly"},
		{"missing iss", func(h, c map[string]any) { delete(c, "iss") }, "N", "iss", oauth.Fail, "missing"},
		{"wrong aud", func(h, c map[string]any) { c["aud"] = "other" }, "N", "aud", oauth.Fail, "another client"},
		{"no aud", func(h, c map[string]any) { delete(c, "aud") }, "N", "aud", oauth.Fail, "missing"},
		{"no iat", func(h, c map[string]any) { delete(c, "iat") }, "N", "iat", oauth.Fail, "missing"},
		{"iat a string", func(h, c map[string]any) { c["iat"] = "yesterday" }, "N", "iat", oauth.Fail, "not a number"},
		{"aud array", func(h, c map[string]any) { c["aud"] = []string{"x", "cli"}; c["azp"] = "cli" }, "N", "aud", oauth.Pass, "contains"},
		{"aud array no azp", func(h, c map[string]any) { c["aud"] = []string{"x", "cli"} }, "N", "azp", oauth.Fail, "azp must be"},
		{"expired", func(h, c map[string]any) { c["exp"] = 1400 }, "N", "exp", oauth.Fail, "expired 1m40s ago"},
		{"no exp", func(h, c map[string]any) { delete(c, "exp") }, "N", "exp", oauth.Fail, "missing"},
		{"iat future", func(h, c map[string]any) { c["iat"] = 1700 }, "N", "iat", oauth.Warn, "future"},
		{"nonce differs", func(h, c map[string]any) { c["nonce"] = "other" }, "N", "nonce", oauth.Fail, "replayed"},
		{"nonce missing", func(h, c map[string]any) { delete(c, "nonce") }, "N", "nonce", oauth.Fail, "not bound"},
		{"no nonce sent", func(h, c map[string]any) {}, "", "nonce", oauth.Skip, "no nonce was sent"},
		{"alg none", func(h, c map[string]any) { h["alg"] = "none" }, "N", "alg", oauth.Fail, "unsigned"},
		{"an access token", func(h, c map[string]any) { h["typ"] = "at+jwt" }, "N", "typ", oauth.Fail, "an access token"},
		{"a Keycloak refresh token", func(h, c map[string]any) { c["typ"] = "Refresh" }, "N", "typ", oauth.Fail, "refresh token"},
		{"a Keycloak ID token", func(h, c map[string]any) { c["typ"] = "ID"; h["typ"] = "JWT" }, "N", "typ", oauth.Pass, "ID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, c := map[string]any{"alg": "RS256"}, base()
			tc.mutate(h, c)
			got := check(oauth.CheckIDToken(jwtOf(t, h, c), "https://as.example", "cli", tc.nonce, now), tc.check)
			if got.Status != tc.want || !strings.Contains(got.Reason, tc.reason) {
				t.Errorf("%s: got %v %q, want %v containing %q", tc.check, got.Status, got.Reason, tc.want, tc.reason)
			}
		})
	}
	cs := oauth.CheckIDToken("not-a-jwt", "i", "c", "", now)
	if len(cs) != 1 || cs[0].Name != "format" || cs[0].Status != oauth.Fail {
		t.Errorf("garbage: got %+v, want one failed format check", cs)
	}
	if c := oauth.CheckAtHash(jwtOf(t, map[string]any{"alg": "RS256"}, base()), "at"); c.Status != oauth.Skip {
		t.Errorf("no at_hash: got %v, want skip", c.Status)
	}
}

// The userinfo answer is used only when it is about the user the ID token
// names (OIDC Core §5.3.2): no sub, or another sub, fails.
func TestCheckUserinfoSub(t *testing.T) {
	idt := jwtOf(t, map[string]any{"alg": "RS256"}, map[string]any{"sub": "alice"})
	tests := []struct {
		name     string
		idToken  string
		userinfo map[string]any
		want     oauth.CheckStatus
		reason   string
	}{
		{"same sub", idt, map[string]any{"sub": "alice"}, oauth.Pass, "equals"},
		{"another user", idt, map[string]any{"sub": "mallory"}, oauth.Fail, "another user"},
		{"no sub", idt, map[string]any{"name": "Alice"}, oauth.Fail, "no sub"},
		{"sub not a string", idt, map[string]any{"sub": 42}, oauth.Fail, "no sub"},
		{"a prefix of the sub", idt, map[string]any{"sub": "alic"}, oauth.Fail, "another user"},
		{"no ID token", "", map[string]any{"sub": "alice"}, oauth.Skip, "no ID token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := oauth.CheckUserinfoSub(tc.idToken, tc.userinfo)
			if got.Status != tc.want || !strings.Contains(got.Reason, tc.reason) {
				t.Errorf("got %v %q, want %v containing %q", got.Status, got.Reason, tc.want, tc.reason)
			}
		})
	}
}

// An at_hash cannot match what is not an ID token.
func TestCheckAtHashOfGarbage(t *testing.T) {
	if c := oauth.CheckAtHash("not-a-jwt", "at"); c.Status != oauth.Fail {
		t.Errorf("got %v %q, want fail", c.Status, c.Reason)
	}
}

func TestAudienceHint(t *testing.T) {
	var kc map[string]any
	json.Unmarshal(oauthtest.Fixture(t, "keycloak/access-token-payload-client-credentials.json"), &kc)
	var aud []string
	switch a := kc["aud"].(type) {
	case string:
		aud = []string{a}
	case []any:
		for _, x := range a {
			aud = append(aud, x.(string))
		}
	}
	tests := []struct {
		aud  []string
		want string
	}{
		{[]string{"account"}, "audience mapper"},
		{[]string{"fakebook"}, ""},
		{[]string{"a", "fakebook"}, ""},
		{nil, "no aud"},
		{[]string{"api://default"}, "another API"},
	}
	if len(aud) == 1 && aud[0] == "account" {
		tests = append(tests, struct {
			aud  []string
			want string
		}{aud, "Keycloak"})
	}
	for _, tc := range tests {
		got := oauth.AudienceHint(tc.aud, "fakebook")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("AudienceHint(%v): got %q, want %q", tc.aud, got, tc.want)
		}
	}
}
