package authserver

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

type rpGrant struct {
	TokenType string         `json:"token_type"`
	ExpiresIn int64          `json:"expires_in"`
	Claims    map[string]any `json:"claims"`
}

type rpResult struct {
	Issuer        string  `json:"issuer"`
	TokenEndpoint string  `json:"token_endpoint"`
	JWKSURI       string  `json:"jwks_uri"`
	Basic         rpGrant `json:"basic"`
	Post          rpGrant `json:"post"`
}

// TestInteropOpenIDClient: a real third-party relying party (node
// openid-client, pinned in testdata/interop-rp) discovers the embedded server
// and gets a token with client credentials, in both shapes and with both
// client_secret_basic and client_secret_post (RFC 6749 §2.3.1).
func TestInteropOpenIDClient(t *testing.T) {
	dir := oauthtest.NodePackage(t, "testdata/interop-rp")
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "node", "rp.mjs", f.s.Issuer(), DemoClientID, "fakebookapi.read")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "RP_CLIENT_SECRET="+DemoClientSecret)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("openid-client failed: %v\n%s", err, stderr.String())
			}
			var got rpResult
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("rp output %q: %v", stdout.String(), err)
			}
			if got.Issuer != f.s.Issuer() {
				t.Errorf("issuer: got %q, want %q", got.Issuer, f.s.Issuer())
			}
			if got.TokenEndpoint != f.tokenURL() {
				t.Errorf("token_endpoint: got %q, want %q", got.TokenEndpoint, f.tokenURL())
			}
			for name, g := range map[string]rpGrant{"basic": got.Basic, "post": got.Post} {
				if g.TokenType != "bearer" && g.TokenType != "Bearer" {
					t.Errorf("%s: token_type got %q, want Bearer", name, g.TokenType)
				}
				if g.ExpiresIn <= 0 {
					t.Errorf("%s: expires_in got %d, want > 0", name, g.ExpiresIn)
				}
				if g.Claims["iss"] != f.s.Issuer() {
					t.Errorf("%s: iss got %v, want %q", name, g.Claims["iss"], f.s.Issuer())
				}
				switch style {
				case StyleKeycloak:
					if g.Claims["azp"] != DemoClientID || g.Claims["scope"] == nil {
						t.Errorf("%s: Keycloak shape wants azp=%s and a scope string, got %v", name, DemoClientID, g.Claims)
					}
				case StyleOkta:
					scp, _ := g.Claims["scp"].([]any)
					if g.Claims["cid"] != DemoClientID || len(scp) != 1 || scp[0] != "fakebookapi.read" {
						t.Errorf("%s: Okta shape wants cid=%s and scp=[fakebookapi.read], got %v", name, DemoClientID, g.Claims)
					}
				}
			}
		})
	}
}
