package oauth_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// These tests run the client side against panva's oidc-provider, a certified
// OpenID provider nobody on this team wrote (testdata/interop).

func interopDiscover(t *testing.T) (*oauthtest.Provider, oauth.Metadata) {
	t.Helper()
	p := oauthtest.OIDCProvider(t)
	d, exs, err := oauth.Discover(context.Background(), nil, p.Issuer)
	if err != nil {
		t.Fatalf("Discover(%s): %v", p.Issuer, err)
	}
	if len(exs) != 1 {
		t.Errorf("Discover made %d exchanges, want 1 (the OIDC document answers first)", len(exs))
	}
	return p, d.Metadata
}

func TestInteropDiscovery(t *testing.T) {
	p := oauthtest.OIDCProvider(t)
	d, exs, err := oauth.Discover(context.Background(), nil, p.Issuer)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Kind != oauth.KindOpenID || d.URL != p.Issuer+"/.well-known/openid-configuration" {
		t.Errorf("got kind %q url %q, want openid-configuration at the issuer", d.Kind, d.URL)
	}
	if d.Metadata.Issuer != p.Issuer {
		t.Errorf("issuer: got %q, want %q", d.Metadata.Issuer, p.Issuer)
	}
	if exs[0].Status != 200 {
		t.Errorf("exchange status: got %d, want 200", exs[0].Status)
	}
	for _, c := range d.Checks {
		if c.Status == oauth.Fail {
			t.Errorf("check %s failed: %s", c.Name, c.Reason)
		}
	}
	for _, ep := range []string{d.Metadata.TokenEndpoint, d.Metadata.AuthorizationEndpoint, d.Metadata.IntrospectionEndpoint, d.Metadata.RevocationEndpoint, d.Metadata.UserinfoEndpoint, d.Metadata.JWKSURI} {
		if !strings.HasPrefix(ep, p.Issuer+"/") {
			t.Errorf("endpoint %q is not under the issuer", ep)
		}
	}
	if got := check(d.Checks, "code_challenge_methods_supported"); got.Status != oauth.Pass {
		t.Errorf("PKCE check: got %v %q, want pass (oidc-provider advertises S256)", got.Status, got.Reason)
	}
	// The trailing-slash mistake against a real server: the issuer differs.
	d2, _, err := oauth.Discover(context.Background(), nil, p.Issuer+"/")
	if err == nil {
		t.Fatal("Discover with a trailing slash: got no error, want an issuer mismatch")
	}
	if !hasHint(d2.Hints, "trailing slash") {
		t.Errorf("hints %q do not mention the trailing slash", d2.Hints)
	}
}

func TestInteropClientCredentials(t *testing.T) {
	p, md := interopDiscover(t)
	for _, method := range []string{"basic", "post"} {
		t.Run(method, func(t *testing.T) {
			cfg := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.ConfidentialClient,
				ClientSecret: oauthtest.ConfidentialSecret, AuthMethod: method, Scopes: []string{"test_api_access"}}
			tok, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg)
			if err != nil {
				t.Fatalf("ClientCredentials: %v", err)
			}
			if len(exs) != 1 {
				t.Fatalf("got %d exchanges, want exactly 1", len(exs))
			}
			ex := exs[0]
			hasBasic := strings.HasPrefix(ex.RequestHeader.Get("Authorization"), "Basic ")
			hasPost := strings.Contains(string(ex.RequestBody), "client_secret=")
			if hasBasic != (method == "basic") || hasPost != (method == "post") {
				t.Errorf("auth on the wire: basic=%v post=%v, want only %s", hasBasic, hasPost, method)
			}
			if strings.Contains(ex.Redacted().Curl(), oauthtest.ConfidentialSecret) {
				t.Error("the curl rendering leaks the client secret")
			}
			jwt, err := oauth.DecodeJWT(tok.AccessToken)
			if err != nil {
				t.Fatalf("access token: %v", err)
			}
			if aud := jwt.Claims["aud"]; aud != oauthtest.DefaultAudience {
				t.Errorf("aud: got %v, want %s", aud, oauthtest.DefaultAudience)
			}
			if jwt.Claims["iss"] != p.Issuer {
				t.Errorf("iss: got %v, want %s", jwt.Claims["iss"], p.Issuer)
			}
			if tok.Scope != "test_api_access" || !strings.EqualFold(tok.TokenType, "bearer") || tok.ExpiresIn <= 0 {
				t.Errorf("got scope %q type %q expires_in %d, want test_api_access Bearer >0", tok.Scope, tok.TokenType, tok.ExpiresIn)
			}
		})
	}
	t.Run("wrong secret", func(t *testing.T) {
		cfg := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.ConfidentialClient,
			ClientSecret: "nope", AuthMethod: "basic", Scopes: []string{"test_api_access"}}
		_, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg)
		e := oauth.Explain(err)
		if e == nil || e.Code != "invalid_client" || e.Status != 401 {
			t.Fatalf("got %v, want invalid_client 401", err)
		}
		if !errors.Is(err, oauth.ErrInvalidClient) {
			t.Errorf("errors.Is(err, ErrInvalidClient): got false for %v", err)
		}
		if len(exs) != 1 {
			t.Errorf("got %d exchanges, want 1 (no retry with another auth style)", len(exs))
		}
		if e.Cause == "" || e.Try == "" {
			t.Errorf("explanation incomplete: %+v", e)
		}
	})
	t.Run("scope the client may not have", func(t *testing.T) {
		cfg := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.ConfidentialClient,
			ClientSecret: oauthtest.ConfidentialSecret, Scopes: []string{"openid", "test_api_access"}}
		_, _, err := oauth.ClientCredentials(context.Background(), nil, cfg)
		e := oauth.Explain(err)
		if e == nil || e.Code != "invalid_scope" || e.Status != 400 || e.Try == "" {
			t.Fatalf("got %v, want invalid_scope 400 explained", err)
		}
		if !errors.Is(err, oauth.ErrInvalidScope) {
			t.Errorf("errors.Is(err, ErrInvalidScope): got false for %v", err)
		}
	})
	t.Run("resource", func(t *testing.T) {
		cfg := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.ConfidentialClient,
			ClientSecret: oauthtest.ConfidentialSecret, Scopes: []string{"test_api_access"}, Resource: []string{"http://127.0.0.1:9403/"}}
		tok, _, err := oauth.ClientCredentials(context.Background(), nil, cfg)
		if err != nil {
			t.Fatalf("ClientCredentials: %v", err)
		}
		jwt, err := oauth.DecodeJWT(tok.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if aud := jwt.Claims["aud"]; aud != "http://127.0.0.1:9403/" {
			t.Errorf("aud with resource: got %v, want http://127.0.0.1:9403/ (RFC 8707)", aud)
		}
	})
}

func TestInteropIntrospectRevoke(t *testing.T) {
	_, md := interopDiscover(t)
	cfg := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.ConfidentialClient,
		ClientSecret: oauthtest.ConfidentialSecret, Scopes: []string{"test_api_access"}, Resource: []string{oauthtest.OpaqueResource}}
	tok, _, err := oauth.ClientCredentials(context.Background(), nil, cfg)
	if err != nil {
		t.Fatalf("ClientCredentials: %v", err)
	}
	if oauth.LooksLikeJWT(tok.AccessToken) {
		t.Fatalf("with resource=%s the token should be opaque, got a JWT", oauthtest.OpaqueResource)
	}
	in, exs, err := oauth.Introspect(context.Background(), nil, md.IntrospectionEndpoint, cfg, tok.AccessToken, "access_token")
	if err != nil {
		t.Fatalf("Introspect: %v", err)
	}
	if len(exs) != 1 || !in.Active || in.ClientID != oauthtest.ConfidentialClient || !strings.Contains(in.Scope, "test_api_access") || in.Exp.IsZero() {
		t.Errorf("got active=%v client_id=%q scope=%q exp=%v (%d exchanges), want an active token of %s with test_api_access",
			in.Active, in.ClientID, in.Scope, in.Exp, len(exs), oauthtest.ConfidentialClient)
	}
	exs, err = oauth.Revoke(context.Background(), nil, md.RevocationEndpoint, cfg, tok.AccessToken, "access_token")
	if err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if len(exs) != 1 || exs[0].Status != 200 {
		t.Fatalf("revocation: got %d exchanges, want one 200", len(exs))
	}
	in, _, err = oauth.Introspect(context.Background(), nil, md.IntrospectionEndpoint, cfg, tok.AccessToken, "")
	if err != nil {
		t.Fatalf("Introspect after revoke: %v", err)
	}
	if in.Active || in.Hint == "" {
		t.Errorf("after revocation: got active=%v hint=%q, want inactive with a hint", in.Active, in.Hint)
	}
	// A structured JWT access token cannot be revoked there: explained.
	jwtCfg := cfg
	jwtCfg.Resource = nil
	jwtTok, _, err := oauth.ClientCredentials(context.Background(), nil, jwtCfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = oauth.Revoke(context.Background(), nil, md.RevocationEndpoint, cfg, jwtTok.AccessToken, "access_token")
	if e := oauth.Explain(err); e == nil || e.Code != "unsupported_token_type" || !strings.Contains(e.What, "cannot introspect or revoke") {
		t.Errorf("revoking a JWT access token: got %v, want unsupported_token_type explained", err)
	}
}

// login runs the authorization code flow with browser.sh as the browser.
func login(t *testing.T, p *oauthtest.Provider, md oauth.Metadata, scopes []string, resource []string) (oauth.AuthRequest, *oauth.TokenResponse) {
	t.Helper()
	lb, err := oauth.ListenLoopback(0, "/callback")
	if err != nil {
		t.Fatalf("ListenLoopback: %v", err)
	}
	defer lb.Close()
	client := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.PublicClient, AuthMethod: "none", Scopes: scopes, Resource: resource}
	req := oauth.NewAuthRequest(md.AuthorizationEndpoint, client, lb.RedirectURI())
	logFile := browse(t, p, req.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cb, err := lb.WaitCallback(ctx, req.State)
	if err != nil {
		log, _ := os.ReadFile(logFile)
		t.Fatalf("WaitCallback: %v\nbrowser log:\n%s", err, log)
	}
	if c := cb.CheckIssuer(p.Issuer, false); c.Status != oauth.Pass {
		t.Errorf("callback iss (RFC 9207): got %v %q, want pass", c.Status, c.Reason)
	}
	tok, exs, err := oauth.ExchangeCode(context.Background(), nil, req, cb.Code)
	if err != nil {
		t.Fatalf("ExchangeCode: %v", err)
	}
	body := string(exs[0].RequestBody)
	for _, want := range []string{"grant_type=authorization_code", "code_verifier=" + req.PKCE.Verifier, "client_id=workbench_cli"} {
		if !strings.Contains(body, want) {
			t.Errorf("token request body %q lacks %q", body, want)
		}
	}
	return req, tok
}

func TestInteropAuthorizationCode(t *testing.T) {
	p, md := interopDiscover(t)
	req, tok := login(t, p, md, []string{"openid", "offline_access", "profile", "email"}, nil)
	if tok.IDToken == "" || tok.RefreshToken.IsZero() {
		t.Fatalf("got id_token=%v refresh_token=%v, want both", tok.IDToken != "", !tok.RefreshToken.IsZero())
	}
	for _, c := range oauth.CheckIDToken(tok.IDToken, p.Issuer, oauthtest.PublicClient, req.Nonce, time.Now()) {
		if c.Status == oauth.Fail {
			t.Errorf("ID token check %s failed: %s", c.Name, c.Reason)
		}
	}
	if c := oauth.CheckAtHash(tok.IDToken, tok.AccessToken); c.Status == oauth.Fail {
		t.Errorf("at_hash: %s", c.Reason)
	}
	// A nonce from another login must fail.
	if c := check(oauth.CheckIDToken(tok.IDToken, p.Issuer, oauthtest.PublicClient, "other", time.Now()), "nonce"); c.Status != oauth.Fail {
		t.Errorf("nonce check with a foreign nonce: got %v, want fail", c.Status)
	}
	claims, _, err := oauth.UserInfo(context.Background(), nil, md.UserinfoEndpoint, tok.AccessToken)
	if err != nil {
		t.Fatalf("UserInfo: %v", err)
	}
	if claims["sub"] != "alice" || claims["email"] != "alice@example.test" {
		t.Errorf("userinfo: got sub=%v email=%v, want alice alice@example.test", claims["sub"], claims["email"])
	}

	// Refresh with the public client.
	refreshed, exs, err := oauth.Refresh(context.Background(), nil, req.Client, tok.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if refreshed.AccessToken == "" || refreshed.AccessToken == tok.AccessToken {
		t.Errorf("refresh gave no new access token")
	}
	if strings.Contains(string(exs[0].Redacted().RequestBody), tok.RefreshToken.Reveal()) {
		t.Error("the redacted refresh request shows the refresh token")
	}

	// Introspect the refresh token as the client it belongs to, revoke it,
	// and see refresh fail, explained.
	rt := refreshed.RefreshToken
	in, _, err := oauth.Introspect(context.Background(), nil, md.IntrospectionEndpoint, req.Client, rt.Reveal(), "refresh_token")
	if err != nil {
		t.Fatalf("Introspect refresh token: %v", err)
	}
	if !in.Active || in.Sub != "alice" || in.ClientID != oauthtest.PublicClient {
		t.Errorf("refresh token introspection: got active=%v sub=%q client_id=%q, want active alice %s", in.Active, in.Sub, in.ClientID, oauthtest.PublicClient)
	}
	if _, err := oauth.Revoke(context.Background(), nil, md.RevocationEndpoint, req.Client, rt.Reveal(), "refresh_token"); err != nil {
		t.Fatalf("Revoke refresh token: %v", err)
	}
	_, _, err = oauth.Refresh(context.Background(), nil, req.Client, rt)
	if e := oauth.Explain(err); e == nil || e.Code != "invalid_grant" || e.Try == "" {
		t.Errorf("refresh after revocation: got %v, want invalid_grant explained", err)
	}
}

func TestInteropAuthorizationCodeOpaqueResource(t *testing.T) {
	p, md := interopDiscover(t)
	_, tok := login(t, p, md, []string{"openid", "offline_access", "fakebookapi.read"}, []string{oauthtest.OpaqueResource})
	if oauth.LooksLikeJWT(tok.AccessToken) {
		t.Fatalf("access token for %s: got a JWT, want opaque", oauthtest.OpaqueResource)
	}
	cfg := oauth.ClientConfig{ClientID: oauthtest.ConfidentialClient, ClientSecret: oauthtest.ConfidentialSecret}
	in, _, err := oauth.Introspect(context.Background(), nil, md.IntrospectionEndpoint, cfg, tok.AccessToken, "access_token")
	if err != nil {
		t.Fatalf("Introspect: %v", err)
	}
	if !in.Active || in.Sub != "alice" || !strings.Contains(in.Scope, "fakebookapi.read") {
		t.Errorf("got active=%v sub=%q scope=%q, want active alice with fakebookapi.read", in.Active, in.Sub, in.Scope)
	}
}

func check(cs []oauth.Check, name string) oauth.Check {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return oauth.Check{Name: name, Reason: "not present"}
}

func hasHint(hints []string, sub string) bool {
	for _, h := range hints {
		if strings.Contains(strings.ToLower(h), strings.ToLower(sub)) {
			return true
		}
	}
	return false
}

// browse hands the authorization URL to browser.sh, which logs in as alice
// in the background and delivers the redirect; it returns its log file.
func browse(t *testing.T, p *oauthtest.Provider, authURL string, env ...string) string {
	t.Helper()
	logFile := filepath.Join(t.TempDir(), "browser.log")
	cmd := exec.Command(p.BrowserScript(), authURL)
	cmd.Env = append(append(os.Environ(), "ISSUER="+p.Issuer, "BROWSER_LOG="+logFile, "LOGIN=alice"), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("browser.sh: %v\n%s", err, out)
	}
	return logFile
}

// The user refuses consent: the callback carries error=access_denied.
func TestInteropLoginDenied(t *testing.T) {
	p, md := interopDiscover(t)
	lb, err := oauth.ListenLoopback(0, "/callback")
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()
	req := oauth.NewAuthRequest(md.AuthorizationEndpoint, oauth.ClientConfig{ClientID: oauthtest.PublicClient, Scopes: []string{"openid"}}, lb.RedirectURI())
	logFile := browse(t, p, req.URL(), "DENY=1")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code, err := lb.Wait(ctx, req.State)
	e := oauth.Explain(err)
	if code != "" || e == nil || e.Op != "authorize" || e.Code != "access_denied" || !strings.Contains(e.What, "cancelled or refused") {
		log, _ := os.ReadFile(logFile)
		t.Fatalf("got code %q err %v, want access_denied explained\nbrowser log:\n%s", code, err, log)
	}
}

// A callback whose state is not this login's is refused as a possible CSRF,
// even though the provider issued a real code.
func TestInteropLoginWrongState(t *testing.T) {
	p, md := interopDiscover(t)
	lb, err := oauth.ListenLoopback(0, "/callback")
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()
	req := oauth.NewAuthRequest(md.AuthorizationEndpoint, oauth.ClientConfig{ClientID: oauthtest.PublicClient, Scopes: []string{"openid"}}, lb.RedirectURI())
	forged := req
	forged.State = oauth.NewState() // the attacker's own authorization request
	browse(t, p, forged.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code, err := lb.Wait(ctx, req.State)
	if e := oauth.Explain(err); code != "" || e == nil || e.Code != "state_mismatch" {
		t.Fatalf("got code %q err %v, want a state_mismatch refusal", code, err)
	}
}

// The device flow against oidc-provider: the user code approved on its
// pages after the first poll, then the tokens on the next; a denial ends
// the polling with access_denied. oidc-provider sends no interval, so the
// client waits the RFC's default 5 s (RFC 8628 §3.2).
func TestInteropDeviceFlow(t *testing.T) {
	p, md := interopDiscover(t)
	if md.DeviceAuthorizationEndpoint == "" {
		t.Fatal("discovery: no device_authorization_endpoint")
	}
	cfg := oauth.ClientConfig{TokenURL: md.TokenEndpoint, ClientID: oauthtest.DeviceClient, Scopes: []string{"openid", "offline_access"}}
	// Two device codes, each waiting out the 5 s interval at once.
	t.Run("approve", func(t *testing.T) {
		t.Parallel()
		da, _, err := oauth.DeviceAuthorize(context.Background(), nil, md.DeviceAuthorizationEndpoint, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if da.Interval != 5 || !strings.HasPrefix(da.VerificationURIComplete, da.VerificationURI) {
			t.Errorf("answer: interval %d, verification URIs %q %q", da.Interval, da.VerificationURI, da.VerificationURIComplete)
		}
		var codes []string
		tok, exs, err := oauth.PollDeviceToken(context.Background(), nil, cfg, da, oauth.PollOptions{OnPoll: func(pl oauth.DevicePoll) {
			codes = append(codes, pl.Code)
			if pl.N == 1 {
				if err := p.ApproveDevice(da.UserCode, false); err != nil {
					t.Error(err)
				}
			}
		}})
		if err != nil {
			t.Fatalf("poll: %v (answers %v)", err, codes)
		}
		if len(exs) != 2 || codes[0] != "authorization_pending" || tok.IDToken == "" || tok.RefreshToken.IsZero() {
			t.Errorf("got answers %v over %d exchanges, ID token %t, refresh token %t; want pending then tokens with both",
				codes, len(exs), tok.IDToken != "", !tok.RefreshToken.IsZero())
		}
		for _, c := range oauth.CheckIDToken(tok.IDToken, p.Issuer, oauthtest.DeviceClient, "", time.Now()) {
			if c.Status == oauth.Fail {
				t.Errorf("ID token check %s failed: %s", c.Name, c.Reason)
			}
		}
	})
	t.Run("deny", func(t *testing.T) {
		t.Parallel()
		da, _, err := oauth.DeviceAuthorize(context.Background(), nil, md.DeviceAuthorizationEndpoint, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.ApproveDevice(da.UserCode, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := oauth.PollDeviceToken(context.Background(), nil, cfg, da, oauth.PollOptions{}); !errors.Is(err, oauth.ErrAccessDenied) {
			t.Errorf("got %v, want access_denied", err)
		}
	})
}
