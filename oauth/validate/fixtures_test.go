package validate_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// fixtureToken returns one token of a recorded token response.
func fixtureToken(t *testing.T, name, field string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(oauthtest.Fixture(t, name), &m); err != nil {
		t.Fatal(err)
	}
	s, _ := m[field].(string)
	if s == "" {
		t.Fatalf("%s has no %s", name, field)
	}
	return s
}

// fixtureValidator trusts a vendor's recorded JWKS, served from loopback,
// at a clock one minute after the fixtures were issued (they are expired
// now: 2026-01-01 00:00:00 UTC + 60 s).
func fixtureValidator(t *testing.T, vendor, issuer, aud string, now time.Time) *validate.Validator {
	t.Helper()
	jwks := oauthtest.Fixture(t, vendor+"/jwks.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	v, err := validate.New(ctx, validate.Options{Issuer: issuer, JWKSURI: srv.URL, Audiences: []string{aud}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

func TestFixtureTokens(t *testing.T) {
	issued := time.Unix(1767225600, 0).UTC()
	const kcIss, oktaIss = "https://keycloak.example.test/realms/demo", "https://example.okta.com/oauth2/default"
	kc := fixtureValidator(t, "keycloak", kcIss, "account", issued.Add(time.Minute))
	okta := fixtureValidator(t, "okta", oktaIss, "api://default", issued.Add(time.Minute))
	kcLate := fixtureValidator(t, "keycloak", kcIss, "account", issued.Add(9*time.Minute+12*time.Second))
	oktaWrongAud := fixtureValidator(t, "okta", oktaIss, "account", issued.Add(time.Minute))

	cases := []struct {
		name    string
		v       *validate.Validator
		file    string
		field   string
		scopes  []string
		failure string
		reason  string // of the failed check, or of the scope check when valid
		client  string
		scope   string
	}{
		{"keycloak client credentials", kc, "keycloak/token-response-client-credentials.json", "access_token", []string{"profile"}, "", "has profile", "demo-service", "email profile"},
		{"keycloak authorization code", kc, "keycloak/token-response-authorization-code.json", "access_token", []string{"openid"}, "", "has openid", "demo-spa", "openid email profile"},
		{"keycloak missing scope", kc, "keycloak/token-response-client-credentials.json", "access_token", []string{"fakebookapi.admin"}, "scope", "missing fakebookapi.admin; the token grants: email profile", "demo-service", ""},
		{"keycloak ID token is not an access token", kc, "keycloak/token-response-authorization-code.json", "id_token", nil, "aud", "aud is demo-spa, expected account", "", ""},
		{"keycloak HS512 refresh token", kc, "keycloak/token-response-authorization-code.json", "refresh_token", nil, "alg", "HMAC", "", ""},
		{"keycloak expired", kcLate, "keycloak/token-response-client-credentials.json", "access_token", nil, "exp", "expired 4m12s ago at 00:05:00", "", ""},
		{"okta client credentials (scp array)", okta, "okta/token-response-client-credentials.json", "access_token", []string{"customScope"}, "", "has customScope", "0oafnSqy3Vl6OG0fLzIe", "customScope"},
		{"okta authorization code", okta, "okta/token-response-authorization-code.json", "access_token", []string{"email"}, "", "has email", "0oanmPYyGf1KuTe0EWot", "profile openid email"},
		{"okta token, keycloak audience", oktaWrongAud, "okta/token-response-client-credentials.json", "access_token", nil, "aud", "aud is api://default, expected account", "", ""},
		{"keycloak token at okta", okta, "keycloak/token-response-client-credentials.json", "access_token", nil, "kid", "kid 4-ultIhJPNeM5FOn3LD60ikbdAFz14-7W7mpukYP7qk is not among", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.v.Validate(context.Background(), fixtureToken(t, tc.file, tc.field), tc.scopes...)
			if r.Failure != tc.failure {
				t.Fatalf("failure %q (%s), want %q", r.Failure, r.Reason(), tc.failure)
			}
			name := tc.failure
			if name == "" {
				name = "scope"
				if !r.Valid {
					t.Fatalf("got invalid, want valid")
				}
				if got := strings.Join(r.Scopes, " "); got != tc.scope {
					t.Errorf("scopes %q, want %q", got, tc.scope)
				}
				if r.ClientID != tc.client {
					t.Errorf("client %q, want %q", r.ClientID, tc.client)
				}
				if c := check(t, r, "typ"); c.Status != oauth.Warn {
					t.Errorf("typ %s %q, want a warning (plain JWT)", c.Status, c.Reason)
				}
			}
			if c := check(t, r, name); !strings.Contains(c.Reason, tc.reason) {
				t.Fatalf("%s: %q, want it to contain %q", name, c.Reason, tc.reason)
			}
		})
	}
	// Keycloak lists its RSA-OAEP encryption key first; it must be skipped,
	// and the recorded kid of the enc key refused as such.
	if r := kc.Validate(context.Background(), fixtureToken(t, "keycloak/token-response-client-credentials.json", "access_token")); !r.Valid {
		t.Fatalf("keycloak token: %s", r.Reason())
	}
}

func TestExpiredFixtureWithTheRealClock(t *testing.T) {
	v := fixtureValidator(t, "keycloak", "https://keycloak.example.test/realms/demo", "account", time.Now().UTC())
	r := v.Validate(context.Background(), fixtureToken(t, "keycloak/token-response-client-credentials.json", "access_token"))
	if r.Failure != "exp" {
		t.Fatalf("failure %q, want exp", r.Failure)
	}
	// Months ago: the reason gives the date, not only a clock time.
	if c := check(t, r, "exp"); !strings.Contains(c.Reason, "ago at 2026-01-01 00:05:00") {
		t.Fatalf("exp reason %q, want the date it expired", c.Reason)
	}
	if c := check(t, r, "signature"); c.Status != oauth.Pass {
		t.Fatalf("signature %s %q, want pass: the recorded key signed it", c.Status, c.Reason)
	}
}
