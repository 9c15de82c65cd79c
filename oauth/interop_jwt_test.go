package oauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// TestInteropJWTClientAuth: oidc-provider, which nobody here wrote,
// accepts oauthlab's private_key_jwt (the provider's own JWK file for
// jwt_client) and client_secret_jwt assertions, for every request that
// authenticates the client, with each aud oauthlab can send; it refuses
// another key's assertion, a foreign aud and a wrong secret.
func TestInteropJWTClientAuth(t *testing.T) {
	p, md := interopDiscover(t)
	key, err := oauth.LoadClientKey(p.JWTClientKeyFile())
	if err != nil {
		t.Fatalf("the provider's key for %s: %v", oauthtest.JWTClient, err)
	}
	pk := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.JWTClient, Key: key, Scopes: []string{"test_api_access"}}
	hs := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.JWTSecretClient, ClientSecret: oauthtest.JWTClientSecret,
		AuthMethod: "client_secret_jwt", Scopes: []string{"test_api_access"}}
	ctx := context.Background()

	for _, tc := range []struct {
		name string
		cfg  oauth.ClientConfig
		aud  string // AssertionAudience
	}{
		{"private_key_jwt, aud token endpoint", pk, ""},
		{"private_key_jwt, aud the issuer", pk, p.Issuer},
		{"private_key_jwt, aud the endpoint called", pk, oauth.AudienceEndpoint},
		{"client_secret_jwt", hs, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.AssertionAudience = tc.aud
			tok, exs, err := oauth.ClientCredentials(ctx, nil, cfg)
			if err != nil {
				t.Fatalf("ClientCredentials: %v", err)
			}
			a := oauth.ClientAssertion(exs[0])
			if a == nil || a.Claims["iss"] != cfg.ClientID || a.Claims["sub"] != cfg.ClientID {
				t.Fatalf("the request carried no assertion of %s", cfg.ClientID)
			}
			if body := string(exs[0].RequestBody); strings.Contains(body, "client_secret=") || exs[0].RequestHeader.Get("Authorization") != "" {
				t.Errorf("a secret went over the wire beside the assertion: %s", body)
			}
			jwt, err := oauth.DecodeJWT(tok.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			if jwt.Claims["client_id"] != cfg.ClientID || jwt.Claims["iss"] != p.Issuer {
				t.Errorf("token: client_id %v iss %v, want %s from %s", jwt.Claims["client_id"], jwt.Claims["iss"], cfg.ClientID, p.Issuer)
			}
		})
	}

	t.Run("introspection and revocation authenticate with assertions too", func(t *testing.T) {
		cfg := pk
		cfg.Resource = []string{oauthtest.OpaqueResource}
		cfg.AssertionAudience = oauth.AudienceEndpoint
		tok, _, err := oauth.ClientCredentials(ctx, nil, cfg)
		if err != nil {
			t.Fatalf("ClientCredentials: %v", err)
		}
		in, exs, err := oauth.Introspect(ctx, nil, md.IntrospectionEndpoint, cfg, tok.AccessToken, "access_token")
		if err != nil || !in.Active || in.ClientID != oauthtest.JWTClient {
			t.Fatalf("Introspect: %v, active %v client %q", err, in != nil && in.Active, in.ClientID)
		}
		if aud := oauth.ClientAssertion(exs[0]).Claims["aud"]; aud != md.IntrospectionEndpoint {
			t.Errorf("aud at introspection: got %v, want %s", aud, md.IntrospectionEndpoint)
		}
		if _, err := oauth.Revoke(ctx, nil, md.RevocationEndpoint, cfg, tok.AccessToken, "access_token"); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		if in, _, err := oauth.Introspect(ctx, nil, md.IntrospectionEndpoint, cfg, tok.AccessToken, ""); err != nil || in.Active {
			t.Errorf("after revocation: %v, active %v; want inactive", err, in != nil && in.Active)
		}
	})

	// An impostor: another key that claims jwt_client's kid.
	var registered struct{ Kid string }
	b, _ := os.ReadFile(p.JWTClientKeyFile())
	json.Unmarshal(b, &registered)
	rk := testkey.RSA()
	forged, _ := jwk.Import(rk)
	_ = forged.Set("kid", registered.Kid)
	forgedJSON, _ := json.Marshal(forged)
	impostor, err := oauth.ParseClientKey(forgedJSON)
	if err != nil {
		t.Fatal(err)
	}
	wrongKey, wrongAud, wrongSecret := pk, pk, hs
	wrongKey.Key = impostor
	wrongAud.AssertionAudience = "https://elsewhere.example/token"
	wrongSecret.ClientSecret = "not_the_secret_but_at_least_32_bytes_long!!"
	for name, cfg := range map[string]oauth.ClientConfig{"another key": wrongKey, "a foreign aud": wrongAud, "a wrong secret": wrongSecret} {
		_, exs, err := oauth.ClientCredentials(ctx, nil, cfg)
		e := oauth.Explain(err)
		if e == nil || e.Status != 401 || !errors.Is(err, oauth.ErrInvalidClient) || e.Description != "client authentication failed" {
			t.Errorf("%s: got %v, want 401 invalid_client \"client authentication failed\"", name, err)
			continue
		}
		if len(exs) != 1 || e.Try == "" || strings.Contains(e.Try, "--auth basic or --auth post") {
			t.Errorf("%s: %d exchanges, try %q; want one, explained for a JWT client", name, len(exs), e.Try)
		}
	}
}
