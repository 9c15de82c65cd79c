package flows

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// The same flows against a real OpenID provider nobody on this team wrote
// (panva's oidc-provider, testdata/interop).
func TestFlowsAgainstOIDCProvider(t *testing.T) {
	t.Parallel()
	p := oauthtest.OIDCProvider(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second) // a lost callback must not hang CI
	defer cancel()

	t.Run("client credentials, basic and post", func(t *testing.T) {
		for _, method := range []string{"client_secret_basic", "client_secret_post"} {
			env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: p.Issuer, ClientID: oauthtest.ConfidentialClient,
				ClientSecret: oauthtest.ConfidentialSecret, AuthMethod: method, Scopes: []string{"fakebookapi.read"}}}
			rs := RunAll(ctx, env, ClientCredentials(), Vars{}, nil)
			if len(rs) != 2 {
				t.Fatalf("%s: stopped at step %d: %v", method, len(rs), rs[len(rs)-1].Err)
			}
			mustPass(t, method, rs[1])
			tok := rs[1].Tokens[0]
			check(t, tok.Checks, "signature", oauth.Pass)
			check(t, tok.Checks, "typ", oauth.Pass) // oidc-provider sends at+jwt (RFC 9068)
		}
		// An unknown scope is dropped silently, and an answer that grants
		// none names none: the access token says what was granted.
		env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: p.Issuer, ClientID: oauthtest.ConfidentialClient,
			ClientSecret: oauthtest.ConfidentialSecret, Scopes: []string{"fakebookapi.raed"}}}
		rs := RunAll(ctx, env, ClientCredentials(), Vars{}, nil)
		mustPass(t, "unknown scope", rs[len(rs)-1])
		check(t, rs[len(rs)-1].Checks, CheckGrantedScope, oauth.Warn)
	})

	t.Run("client credentials, private_key_jwt and client_secret_jwt", func(t *testing.T) {
		key, err := oauth.LoadClientKey(p.JWTClientKeyFile())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []Settings{
			{Issuer: p.Issuer, ClientID: oauthtest.JWTClient, ClientKey: key, Scopes: []string{"fakebookapi.read"}},
			{Issuer: p.Issuer, ClientID: oauthtest.JWTSecretClient, ClientSecret: oauthtest.JWTClientSecret, AuthMethod: oauth.AuthSecretJWT, Scopes: []string{"fakebookapi.read"}},
		} {
			env := &Env{HTTP: &http.Client{}, Settings: s}
			rs := RunAll(ctx, env, ClientCredentials(), Vars{}, nil)
			if len(rs) != 2 {
				t.Fatalf("%s: stopped at step %d: %v", s.ClientID, len(rs), rs[len(rs)-1].Err)
			}
			mustPass(t, s.ClientID, rs[1])
			outs := map[string]string{}
			for _, o := range rs[1].Outputs {
				outs[o.Name] = o.Value
			}
			if !strings.HasPrefix(outs["assertion iss"], s.ClientID+" — ") || !strings.HasPrefix(outs["assertion aud"], rs[0].Vars[VarTokenEndpoint]+" — ") {
				t.Errorf("%s: the step shows iss %q, aud %q; want the client id and the token endpoint", s.ClientID, outs["assertion iss"], outs["assertion aud"])
			}
		}
	})

	t.Run("code flow with browser.sh, refresh, introspect, revoke", func(t *testing.T) {
		env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: p.Issuer, ClientID: oauthtest.PublicClient,
			Scopes: []string{"openid", "offline_access", "fakebookapi.read"}, Resource: oauthtest.OpaqueResource, CallbackPath: "/callback"},
			OpenBrowser: p.Browse}
		vars := Vars{}
		rs := RunAll(ctx, env, AuthorizationCode(), vars, nil)
		if len(rs) != 4 {
			t.Fatalf("code flow stopped at step %d: %v", len(rs), rs[len(rs)-1].Err)
		}
		for i, r := range rs {
			mustPass(t, AuthorizationCode().Steps[i].Title, r)
		}
		check(t, rs[1].Checks, "state", oauth.Pass)
		// The access token is for the API and carries its scope only; the ID
		// token and the refresh token are the grant of openid and
		// offline_access: nothing was refused.
		if c := findCheck(rs[2].Checks, CheckGrantedScope); c.Name != "" {
			t.Errorf("granted as asked, got %+v", c)
		}
		if vars[VarRefreshToken] == "" {
			t.Fatal("no refresh token")
		}
		rf := RunAll(ctx, env, Refresh(), vars, nil)
		mustPass(t, "refresh", rf[0])
		// The resource server introspects with its own (confidential) credentials.
		rsEnv := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: p.Issuer, ClientID: oauthtest.ConfidentialClient, ClientSecret: oauthtest.ConfidentialSecret}}
		in := introspectStep().Run(ctx, rsEnv, vars)
		check(t, in.Checks, "active", oauth.Pass)
		// Only the client the token was issued to may revoke it (RFC 7009 §2.1).
		rv := RevokeAlone().Steps[0].Run(ctx, env, vars)
		mustPass(t, "revoke", rv)
		after := introspectStep().Run(ctx, rsEnv, vars)
		check(t, after.Checks, "active", oauth.Fail)
	})
}

// The device flow as data against oidc-provider: the code and URL
// reported, the user approving on the provider's pages after the first
// poll, then tokens that pass every check.
func TestDeviceFlowAgainstOIDCProvider(t *testing.T) {
	t.Parallel() // waits out the 5 s interval
	p := oauthtest.OIDCProvider(t)
	env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: p.Issuer, ClientID: oauthtest.DeviceClient, Scopes: []string{"openid", "offline_access", "profile"}}}
	env.Progress = func(pr Progress) {
		if pr.Device != nil && len(pr.Device.Polls) == 1 {
			if err := p.ApproveDevice(pr.Device.UserCode, false); err != nil {
				t.Error(err)
			}
		}
	}
	rs := RunAll(context.Background(), env, Device(), nil, nil)
	if len(rs) != 3 {
		t.Fatalf("steps: got %d, want 3 (err %v)", len(rs), rs[len(rs)-1].Err)
	}
	mustPass(t, "device poll", rs[2])
	if len(rs[2].Tokens) < 2 {
		t.Errorf("tokens: got %d, want an access and an ID token", len(rs[2].Tokens))
	}
}
