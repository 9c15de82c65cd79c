package authservertest_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/internal/testkey"
)

// ClientCredentials returns the token the server issues, and an error, not
// an empty token, for any other answer: a test that expects a refusal
// further on must not pass because no token was ever issued.
func TestClientCredentials(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := authserver.New(authserver.Config{BaseURL: "http://" + ln.Addr().String(), SigningKey: testkey.RSA()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewUnstartedServer(s.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	defer ts.Close()
	tokenURL := s.Issuer() + "/protocol/openid-connect/token"

	tok, err := authservertest.ClientCredentials(nil, tokenURL, authserver.DemoClientID, authserver.DemoClientSecret, authserver.ScopeRead)
	if err != nil || strings.Count(tok, ".") != 2 {
		t.Fatalf("the demo client: got %q, %v; want a JWT", tok, err)
	}

	noToken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"token_type":"Bearer","expires_in":300}`))
	}))
	defer noToken.Close()
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>signed in</html>"))
	}))
	defer notJSON.Close()
	for _, tc := range []struct{ name, url, secret, quoted string }{
		{"a wrong secret", tokenURL, "wrong", "Invalid client credentials"},
		{"200 without an access token", noToken.URL, authserver.DemoClientSecret, "token_type"},
		{"200 that is not JSON", notJSON.URL, authserver.DemoClientSecret, "<html>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := authservertest.ClientCredentials(nil, tc.url, authserver.DemoClientID, tc.secret, authserver.ScopeRead)
			if err == nil || tok != "" {
				t.Fatalf("got %q, %v; want no token and an error", tok, err)
			}
			if !strings.Contains(err.Error(), tc.quoted) {
				t.Errorf("error %q does not quote the answer (%s)", err, tc.quoted)
			}
		})
	}
}

// Revoke says nil only for the server's 200; a refusal is an error that
// quotes it, so a test of what a revoked token gets cannot pass on a token
// that was never revoked.
func TestRevoke(t *testing.T) {
	var got []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		got = append(got, id+" "+r.PostFormValue("token"))
		if secret != "s" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"invalid_client"}`))
		}
	}))
	defer ts.Close()
	if err := authservertest.Revoke(nil, ts.URL, "c", "s", "tok-1"); err != nil {
		t.Fatalf("a 200: got %v, want nil", err)
	}
	if err := authservertest.Revoke(nil, ts.URL, "c", "wrong", "tok-2"); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("a 401: got %v, want an error quoting the answer", err)
	}
	if strings.Join(got, ",") != "c tok-1,c tok-2" {
		t.Errorf("the server saw %q, want the client and the token of each call", got)
	}
}
