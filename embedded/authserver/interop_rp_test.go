package authserver

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/oauthlab/oauthlab/internal/testkey"
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

type rpCase struct {
	OK               bool           `json:"ok"`
	Status           int            `json:"status"`
	Error            string         `json:"error"`
	ErrorDescription string         `json:"error_description"`
	Claims           map[string]any `json:"claims"`
}

// TestInteropOpenIDClientJWT: openid-client, a relying party nobody here
// wrote, authenticates to the embedded server with private_key_jwt and
// client_secret_jwt; the assertions it is made to bend (another key,
// iss ≠ sub, a foreign aud, expired, a replayed jti) are refused in each
// shape's words. Its own assertion carries aud = the issuer, which
// Keycloak accepts and Okta refuses: Okta wants the endpoint's URL.
func TestInteropOpenIDClientJWT(t *testing.T) {
	dir := oauthtest.NodePackage(t, "testdata/interop-rp")
	rk := testkey.RSA()
	ok := testkey.RSA()
	priv, _ := jwk.Import(rk)
	_ = priv.Set("kid", "rp-key-1")
	other, _ := jwk.Import(ok)
	pub, _ := priv.PublicKey()
	jwks, _ := json.Marshal(map[string]any{"keys": []any{pub}})
	privJSON, _ := json.Marshal(priv)
	otherJSON, _ := json.Marshal(other)
	reg := func(c *Config) {
		c.Clients = append(c.Clients,
			Client{ID: "rp_pk", AuthMethod: "private_key_jwt", JWKS: jwks, Grants: []string{"client_credentials"}, Scopes: []string{ScopeRead}},
			Client{ID: "rp_hs", AuthMethod: "client_secret_jwt", Secret: hsSecret, Grants: []string{"client_credentials"}, Scopes: []string{ScopeRead}})
	}
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style, reg)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "node", "rp.mjs", "jwt", f.s.Issuer(), "rp_pk", "rp_hs", ScopeRead)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "RP_JWT_KEY="+string(privJSON), "RP_OTHER_KEY="+string(otherJSON), "RP_HS_SECRET="+hsSecret)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("openid-client failed: %v\n%s", err, stderr.String())
			}
			var got struct {
				TokenEndpoint string            `json:"token_endpoint"`
				Cases         map[string]rpCase `json:"cases"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("rp output %q: %v", stdout.String(), err)
			}
			kc := style == StyleKeycloak
			refused := func(kcStatus int, kcCode, kcDesc, oktaDesc string) rpCase {
				if kc {
					return rpCase{Status: kcStatus, Error: kcCode, ErrorDescription: kcDesc}
				}
				return rpCase{Status: 401, Error: "invalid_client", ErrorDescription: oktaDesc}
			}
			okCase := rpCase{OK: true}
			badAud := refused(400, "invalid_client", "Invalid token audience", "The audience claim for client_assertion must be the endpoint invoked for the request.")
			want := map[string]rpCase{
				"default":            map[bool]rpCase{true: okCase, false: badAud}[kc],
				"aud_token_endpoint": okCase,
				"client_secret_jwt":  okCase,
				"first_use":          okCase,
				"wrong_key": refused(400, "invalid_client", "Client authentication with signed JWT failed: Signature on JWT token failed validation",
					"The client_assertion signature is invalid."),
				"iss_not_sub": refused(401, "invalid_client", "Invalid client or Invalid client credentials",
					"The client_assertion token's issuer and subject must both be the client_id."),
				"wrong_aud": badAud,
				"expired":   refused(400, "invalid_client", "Token is not active", "The client_assertion token is expired."),
				"replayed":  refused(400, "invalid_client", "Token reuse detected", "The client_assertion token has already been used."),
			}
			for name, w := range want {
				g, seen := got.Cases[name]
				switch {
				case !seen:
					t.Errorf("%s: no outcome from the rp", name)
				case w.OK && !g.OK:
					t.Errorf("%s: refused %d %s %q, want a token", name, g.Status, g.Error, g.ErrorDescription)
				case w.OK:
					client := map[string]string{"client_secret_jwt": "rp_hs"}[name]
					if client == "" {
						client = "rp_pk"
					}
					if id := map[bool]any{true: g.Claims["azp"], false: g.Claims["cid"]}[kc]; id != client {
						t.Errorf("%s: the token's client got %v, want %s", name, id, client)
					}
				case g.OK || g.Status != w.Status || g.Error != w.Error || g.ErrorDescription != w.ErrorDescription:
					t.Errorf("%s: got ok=%v %d %s %q, want %d %s %q", name, g.OK, g.Status, g.Error, g.ErrorDescription, w.Status, w.Error, w.ErrorDescription)
				}
			}
		})
	}
}

type rpDevice struct {
	Endpoint         string         `json:"device_authorization_endpoint"`
	UserCode         string         `json:"user_code"`
	VerificationURI  string         `json:"verification_uri"`
	Complete         string         `json:"verification_uri_complete"`
	Interval         int            `json:"interval"`
	PageStatus       int            `json:"page_status"`
	Scope            string         `json:"scope"`
	Refresh          bool           `json:"refresh_token"`
	AccessClaims     map[string]any `json:"access_claims"`
	IDClaims         map[string]any `json:"id_claims"`
	Error            string         `json:"error"`
	ErrorDescription string         `json:"error_description"`
}

// TestInteropOpenIDClientDevice: openid-client, a client nobody here wrote,
// does the device flow against the embedded server in both shapes — its
// device authorization request, the user's answer posted to our
// verification page, its polling — and gets tokens it validates itself
// (claims() checks the ID token), or access_denied when the user denies.
func TestInteropOpenIDClientDevice(t *testing.T) {
	dir := oauthtest.NodePackage(t, "testdata/interop-rp")
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		for _, consent := range []string{"allow", "deny"} {
			t.Run(string(style)+"/"+consent, func(t *testing.T) {
				t.Parallel() // each its own server, waiting out the 5 s interval
				f := start(t, style)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, "node", "rp.mjs", "device", f.s.Issuer(), DeviceClientID, "openid profile offline_access")
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "RP_DEVICE_CONSENT="+consent)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("openid-client failed: %v\n%s", err, stderr.String())
				}
				var got rpDevice
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("rp output %q: %v", stdout.String(), err)
				}
				if got.Endpoint != f.s.DeviceAuthorizationEndpoint() || got.VerificationURI != f.s.VerificationURI() || got.Interval != 5 || got.PageStatus != 200 {
					t.Errorf("device authorization as openid-client saw it: %+v", got)
				}
				if consent == "deny" {
					if got.Error != "access_denied" {
						t.Errorf("denied: got error %q (%s), want access_denied", got.Error, got.ErrorDescription)
					}
					return
				}
				if got.Error != "" || got.IDClaims["sub"] == nil || got.IDClaims["aud"] == nil || !got.Refresh {
					t.Fatalf("approved: got error %q %s, ID claims %v, refresh %v", got.Error, got.ErrorDescription, got.IDClaims, got.Refresh)
				}
				if got.AccessClaims["iss"] != f.s.Issuer() {
					t.Errorf("access token iss: got %v, want %s", got.AccessClaims["iss"], f.s.Issuer())
				}
			})
		}
	}
}
