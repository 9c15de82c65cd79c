package oauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

// allCodes is every ErrorCode constant with the HTTP status a server
// typically answers it with.
var allCodes = []struct {
	code   oauth.ErrorCode
	status int
}{
	{oauth.ErrInvalidRequest, 400},
	{oauth.ErrInvalidClient, 401},
	{oauth.ErrInvalidGrant, 400},
	{oauth.ErrUnauthorizedClient, 400},
	{oauth.ErrUnsupportedGrantType, 400},
	{oauth.ErrInvalidScope, 400},
	{oauth.ErrAccessDenied, 400},
	{oauth.ErrUnsupportedResponseType, 400},
	{oauth.ErrServerError, 500},
	{oauth.ErrTemporarilyUnavailable, 503},
	{oauth.ErrInvalidToken, 401},
	{oauth.ErrInsufficientScope, 403},
	{oauth.ErrUnsupportedTokenType, 400},
	{oauth.ErrInvalidTarget, 400},
	{oauth.ErrAuthorizationPending, 400},
	{oauth.ErrSlowDown, 400},
	{oauth.ErrExpiredToken, 400},
}

// assertIsOnly checks that errors.Is(err, want) holds, wrapped or not, and
// that no other code matches.
func assertIsOnly(t *testing.T, err error, want oauth.ErrorCode) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	if !errors.Is(err, want) {
		t.Errorf("errors.Is(err, %s): got false for %v", want, err)
	}
	if !errors.Is(fmt.Errorf("step: %w", err), want) {
		t.Errorf("errors.Is(wrapped err, %s): got false", want)
	}
	for _, other := range allCodes {
		if other.code != want && errors.Is(err, other.code) {
			t.Errorf("errors.Is(err, %s): got true for an answer of %s", other.code, want)
		}
	}
}

// codeCalls is every call that posts an authenticated form and reads an
// RFC 6749 §5.2 error: the three grants, introspection and revocation.
func codeCalls() []struct {
	name string
	run  func(url string) ([]oauth.Exchange, error)
} {
	ctx := context.Background()
	cfg := func(u string) oauth.ClientConfig {
		return oauth.ClientConfig{TokenURL: u, ClientID: "test_api_client", ClientSecret: "s3cret"}
	}
	return []struct {
		name string
		run  func(url string) ([]oauth.Exchange, error)
	}{
		{"client credentials", func(u string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.ClientCredentials(ctx, nil, cfg(u))
			return exs, err
		}},
		{"code exchange", func(u string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.ExchangeCode(ctx, nil, oauth.AuthRequest{Client: cfg(u), PKCE: oauth.NewPKCE()}, "the-code")
			return exs, err
		}},
		{"refresh", func(u string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.Refresh(ctx, nil, cfg(u), "the-refresh-token")
			return exs, err
		}},
		{"introspect", func(u string) ([]oauth.Exchange, error) {
			_, exs, err := oauth.Introspect(ctx, nil, u, cfg(u), "tok", "")
			return exs, err
		}},
		{"revoke", func(u string) ([]oauth.Exchange, error) {
			return oauth.Revoke(ctx, nil, u, cfg(u), "tok", "")
		}},
	}
}

// TestErrorCodesIs serves every code in the shapes Keycloak and Okta send
// (RFC 6749 §5.2 JSON with their headers, and Okta's errorCode envelope)
// to every call that can get it, and checks errors.Is finds that code and
// no other, with the what/cause/try explanation kept.
func TestErrorCodesIs(t *testing.T) {
	kc := fromFixture(t, "keycloak/error-invalid-scope.json")
	okta := fromFixture(t, "okta/error-invalid-scope-unknown-scope.json")
	routes := map[string]canned{}
	for _, c := range allCodes {
		rfc := []byte(`{"error":"` + string(c.code) + `","error_description":"as the test says"}`)
		envelope := []byte(`{"errorCode":"` + string(c.code) + `","errorSummary":"as the test says","errorLink":"` + string(c.code) +
			`","errorId":"oaeTEST","errorCauses":[]}`)
		routes["/keycloak/"+string(c.code)] = canned{c.status, kc.header, rfc}
		routes["/okta/"+string(c.code)] = canned{c.status, okta.header, rfc}
		routes["/okta-envelope/"+string(c.code)] = canned{c.status, okta.header, envelope}
	}
	srv := newFakeServer(t, routes)
	for _, call := range codeCalls() {
		for _, c := range allCodes {
			for _, shape := range []string{"keycloak", "okta", "okta-envelope"} {
				t.Run(call.name+"/"+shape+"/"+string(c.code), func(t *testing.T) {
					exs, err := call.run(srv.URL + "/" + shape + "/" + string(c.code))
					if len(exs) != 1 {
						t.Errorf("got %d exchanges, want 1", len(exs))
					}
					assertIsOnly(t, err, c.code)
					e := oauth.Explain(err)
					if e.Status != c.status || e.Cause == "" || e.Try == "" {
						t.Errorf("got status %d, cause %q, try %q; want %d and an explanation", e.Status, e.Cause, e.Try, c.status)
					}
				})
			}
		}
	}
}

// TestErrorCodesIsFixtures serves every error Keycloak and Okta really
// answered (testdata/fixtures) with its recorded status and headers.
// A vendor code outside the RFCs (Okta's E0000007) matches no constant.
func TestErrorCodesIsFixtures(t *testing.T) {
	known := map[string]oauth.ErrorCode{}
	for _, c := range allCodes {
		known[string(c.code)] = c.code
	}
	ctx := context.Background()
	n := 0
	for _, m := range manifest(t) {
		if m.File == nil || !strings.Contains(*m.File, "/error-") {
			continue
		}
		file := *m.File
		t.Run(file, func(t *testing.T) {
			n++
			c := fromFixture(t, file)
			var body map[string]any
			if err := json.Unmarshal(c.body, &body); err != nil {
				t.Fatal(err)
			}
			code, _ := body["error"].(string)
			if code == "" {
				code, _ = body["errorCode"].(string)
			}
			srv := newFakeServer(t, map[string]canned{"/ep": c, "/.well-known/openid-configuration": c, "/.well-known/oauth-authorization-server": c})
			u := srv.URL + "/ep"
			cfg := oauth.ClientConfig{TokenURL: u, ClientID: "test_api_client", ClientSecret: "s3cret"}
			var err error
			switch {
			case strings.Contains(m.Endpoint, "introspect"):
				_, _, err = oauth.Introspect(ctx, nil, u, cfg, "tok", "")
			case strings.Contains(m.Endpoint, "revoke"):
				_, err = oauth.Revoke(ctx, nil, u, cfg, "tok", "")
			case strings.Contains(m.Endpoint, "well-known"):
				_, _, err = oauth.Discover(ctx, nil, srv.URL)
			case strings.Contains(m.Endpoint, "authorization_code"):
				_, _, err = oauth.ExchangeCode(ctx, nil, oauth.AuthRequest{Client: cfg}, "the-code")
			case strings.Contains(m.Endpoint, "refresh_token"):
				_, _, err = oauth.Refresh(ctx, nil, cfg, "the-refresh-token")
			default:
				_, _, err = oauth.ClientCredentials(ctx, nil, cfg)
			}
			want, ok := known[code]
			if !ok {
				if err == nil {
					t.Fatal("got no error")
				}
				for _, other := range allCodes {
					if errors.Is(err, other.code) {
						t.Errorf("errors.Is(err, %s): got true for the vendor code %q", other.code, code)
					}
				}
				return
			}
			assertIsOnly(t, err, want)
		})
	}
	if n < 25 {
		t.Errorf("got %d error fixtures, want the 25 or more in testdata/fixtures", n)
	}
}

// RFC 6750 §3 challenges (userinfo, an API) carry the code in
// WWW-Authenticate, as Keycloak and Okta send it; Keycloak's revocation of
// an unknown token answers 200 with invalid_token, which is a success
// (RFC 7009 §2.2), not an error to match.
func TestErrorCodesIsBearerChallenges(t *testing.T) {
	ctx := context.Background()
	n := 0
	for _, m := range manifest(t) {
		ch := oauth.ParseBearerChallenge(m.Headers["WWW-Authenticate"])
		if !strings.Contains(m.Endpoint, "userinfo") || ch == nil || ch.Error == "" {
			continue
		}
		n++
		want := oauth.ErrorCode(ch.Error)
		t.Run(m.Server+" "+m.Endpoint+" "+ch.Error, func(t *testing.T) {
			h := m.Headers
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range h {
					w.Header().Set(k, v)
				}
				w.WriteHeader(m.Status)
			}))
			defer srv.Close()
			_, _, err := oauth.UserInfo(ctx, nil, srv.URL, "at")
			assertIsOnly(t, err, want)
			resp, _, err := oauth.CallAPI(ctx, nil, "GET", srv.URL, "at", nil)
			if err != nil {
				t.Fatal(err)
			}
			assertIsOnly(t, resp.Explain(), want)
		})
	}
	if n < 4 {
		t.Errorf("got %d userinfo challenges with an error, want the 4 Keycloak and Okta ones", n)
	}

	srv := newFakeServer(t, map[string]canned{"/revoke": fromFixture(t, "keycloak/revocation-unknown-token.json")})
	exs, err := oauth.Revoke(ctx, nil, srv.URL+"/revoke", oauth.ClientConfig{ClientID: "c", ClientSecret: "s"}, "tok", "")
	if err != nil || errors.Is(err, oauth.ErrInvalidToken) || len(exs) != 1 {
		t.Errorf("Keycloak's 200 invalid_token on revocation: got %v, %d exchanges; want success in 1", err, len(exs))
	}
}

// An error without a code, a transport failure, and a code that differs
// only in case match no constant.
func TestErrorCodesIsRefuses(t *testing.T) {
	for _, err := range []error{
		&oauth.Error{Op: "token", What: "no answer"},
		&oauth.Error{Op: "token", Code: "INVALID_CLIENT"},
		&oauth.Error{Op: "token", Code: "invalid_client_x"},
		errors.New("invalid_client"),
	} {
		for _, c := range allCodes {
			if errors.Is(err, c.code) {
				t.Errorf("errors.Is(%#v, %s): got true, want false", err, c.code)
			}
		}
	}
	_, _, err := oauth.ClientCredentials(context.Background(), nil, oauth.ClientConfig{TokenURL: "http://127.0.0.1:1/token", ClientID: "c", ClientSecret: "s"})
	for _, c := range allCodes {
		if errors.Is(err, c.code) {
			t.Errorf("a refused connection matches %s", c.code)
		}
	}
	if got := oauth.ErrInvalidGrant.Error(); got != "invalid_grant" {
		t.Errorf("ErrInvalidGrant.Error(): got %q, want invalid_grant", got)
	}
}
