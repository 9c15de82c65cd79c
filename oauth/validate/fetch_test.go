package validate_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// An issuer that accepts the connection and never answers ends New with
// the HTTP timeout, explained, for the metadata and for the key set.
func TestNewEndsWhenTheIssuerIsSilent(t *testing.T) {
	silent := oauthtest.Silent(t)
	for _, opts := range []validate.Options{
		{Issuer: silent + "/realms/x"},
		{Issuer: "https://issuer.example", JWKSURI: silent + "/certs"},
	} {
		opts.HTTPClient = oauth.NewHTTPClient(300 * time.Millisecond)
		_, err := validate.New(context.Background(), opts)
		var te *oauth.TimeoutError
		if !errors.As(err, &te) {
			t.Fatalf("New(%+v): got %v, want an *oauth.TimeoutError", opts, err)
		}
		if e := oauth.Explain(err); !strings.Contains(e.What, "within 300ms (the HTTP timeout)") || !strings.Contains(e.Try, "--http-timeout") {
			t.Errorf("Explain: got %q / try %q, want the timeout and the flag that sets it", e.What, e.Try)
		}
	}
}

// A huge or endless metadata document or key set is not read past the cap.
func TestNewStopsReadingAHugeDocument(t *testing.T) {
	const size = 50 << 20
	for _, c := range []struct {
		name string
		size int64
		opts func(url string) validate.Options
	}{
		{"huge metadata", size, func(u string) validate.Options { return validate.Options{Issuer: u} }},
		{"endless metadata", 0, func(u string) validate.Options { return validate.Options{Issuer: u} }},
		{"huge key set", size, func(u string) validate.Options {
			return validate.Options{Issuer: "https://issuer.example", JWKSURI: u + "/certs"}
		}},
		{"endless key set", 0, func(u string) validate.Options {
			return validate.Options{Issuer: "https://issuer.example", JWKSURI: u + "/certs"}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := oauthtest.NewBigBody(t, c.size)
			opts := c.opts(srv.URL)
			opts.HTTPClient = oauth.NewHTTPClient(time.Minute)
			_, err := validate.New(context.Background(), opts)
			var big *oauth.BodyTooLargeError
			if !errors.As(err, &big) {
				t.Fatalf("got %v, want an *oauth.BodyTooLargeError", err)
			}
			if e := oauth.Explain(err); !strings.Contains(e.What, "larger than 1 MiB") {
				t.Errorf("Explain: got %q, want the size it stopped at", e.What)
			}
			srv.Close()
			if w := srv.Written(); c.size > 0 && w >= c.size/2 {
				t.Errorf("the server wrote %d of %d bytes, want reading to stop near the cap", w, c.size)
			}
		})
	}
}

// The metadata or the key set redirecting to another origin is not
// followed: a look-alike server must not hand over its keys that way.
func TestNewDoesNotFollowARedirectToAnotherOrigin(t *testing.T) {
	var otherHits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		w.Write([]byte(`{"keys":[]}`))
	}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer first.Close()
	for _, opts := range []validate.Options{
		{Issuer: first.URL},
		{Issuer: "https://issuer.example", JWKSURI: first.URL + "/certs"},
	} {
		opts.HTTPClient = oauth.NewHTTPClient(time.Minute)
		_, err := validate.New(context.Background(), opts)
		var rde *oauth.RedirectError
		if !errors.As(err, &rde) || !strings.HasPrefix(rde.To, other.URL) {
			t.Fatalf("got %v, want an *oauth.RedirectError to %s", err, other.URL)
		}
		if e := oauth.Explain(err); !strings.Contains(e.What, "not followed") || !strings.Contains(e.What, other.URL) {
			t.Errorf("Explain: got %q, want where it was sent and that it was not followed", e.What)
		}
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the other origin got %d requests, want none", n)
	}
}

// A jwks_uri that is not an http or https URL is never fetched.
func TestNewRefusesANonHTTPJWKSURI(t *testing.T) {
	var issuer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": "file:///etc/passwd"})
	}))
	defer srv.Close()
	issuer = srv.URL
	_, err := validate.New(context.Background(), validate.Options{Issuer: issuer, HTTPClient: oauth.NewHTTPClient(time.Minute)})
	if err == nil || !strings.Contains(err.Error(), `jwks_uri "file:///etc/passwd", which is not an http or https URL`) {
		t.Errorf("got %v, want the jwks_uri refused as not http(s)", err)
	}
}

// A jwks_uri that is http but holds control characters is refused for them,
// not as another scheme.
func TestNewRefusesAJWKSURIWithControlCharacters(t *testing.T) {
	var issuer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/certs\x1b[2J"})
	}))
	defer srv.Close()
	issuer = srv.URL
	_, err := validate.New(context.Background(), validate.Options{Issuer: issuer, HTTPClient: oauth.NewHTTPClient(time.Minute)})
	want := `jwks_uri "` + issuer + `/certs\x1b[2J", which holds control characters`
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "not an http or https URL") {
		t.Errorf("got %v, want %s", err, want)
	}
}

// manyKeysJWKS is a key set of n Ed25519 keys, kids "0" to n-1, all the
// same public key: a hostile or broken issuer's.
func manyKeysJWKS(t *testing.T, n int) *httptest.Server {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x := base64.RawURLEncoding.EncodeToString(pub)
	keys := make([]map[string]any, n)
	for i := range keys {
		keys[i] = map[string]any{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": strconv.Itoa(i)}
	}
	body, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	t.Cleanup(srv.Close)
	return srv
}

// A key set of 10,000 keys (under the 1 MiB cap) is refused as a whole; one
// of 1,000 is used, and a token naming none of them is refused with a
// reason that names a few kids and counts the rest, not a thousand.
func TestAKeySetOfThousandsOfKeys(t *testing.T) {
	_, err := validate.New(context.Background(), validate.Options{Issuer: "https://as.example", JWKSURI: manyKeysJWKS(t, 10000).URL})
	if err == nil || !strings.Contains(err.Error(), "too many keys") {
		t.Fatalf("10,000 keys: got %v, want the set refused for too many keys", err)
	}
	v, err := validate.New(context.Background(), validate.Options{Issuer: "https://as.example", JWKSURI: manyKeysJWKS(t, 1000).URL})
	if err != nil {
		t.Fatalf("1,000 keys: %v", err)
	}
	defer v.Close()
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	for _, header := range []string{`{"alg":"EdDSA","kid":"nope"}`, `{"alg":"EdDSA"}`} {
		in := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://as.example"}`))
		tok := in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(other, []byte(in)))
		r := v.Validate(context.Background(), tok)
		if r.Valid {
			t.Fatalf("%s: a token signed by no published key is valid", header)
		}
		for _, c := range r.Checks {
			if len(c.Reason) > 300 {
				t.Errorf("%s: the %s reason is %d bytes: %.120q…", header, c.Name, len(c.Reason), c.Reason)
			}
		}
	}
	r := v.Validate(context.Background(), "eyJhbGciOiJFZERTQSIsImtpZCI6Im5vcGUifQ.e30.AAAA")
	if c := check(t, r, "kid"); c.Status != oauth.Fail || !strings.Contains(c.Reason, "and 992 more") {
		t.Errorf("unknown kid: got %v %q, want a failure naming 8 kids and counting 992 more", c.Status, c.Reason)
	}
}
