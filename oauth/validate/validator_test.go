package validate_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

func newValidator(t testing.TB, is *validatetest.Issuer, now func() time.Time) *validate.Validator {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	v, err := validate.New(ctx, validate.Options{
		Issuer: is.URL, Audiences: []string{validatetest.Audience}, Leeway: 30 * time.Second, Now: now,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

func check(t *testing.T, r *validate.Report, name string) oauth.Check {
	t.Helper()
	c, ok := r.Check(name)
	if !ok {
		t.Fatalf("report has no %s check: %+v", name, r.Checks)
	}
	return c
}

func TestValidTokenReportsEveryCheck(t *testing.T) {
	is := validatetest.NewIssuer(t)
	v := newValidator(t, is, nil)
	if got, want := v.JWKSURI(), is.URL+"/protocol/openid-connect/certs"; got != want {
		t.Fatalf("JWKSURI() = %q, want %q (from discovery)", got, want)
	}
	raw := is.Token(t, is.Claims(time.Now(), "fakebookapi.read fakebookapi.admin"))
	r := v.Validate(context.Background(), raw, "fakebookapi.read")
	if !r.Valid || r.Failure != "" || r.Reason() != "" {
		t.Fatalf("got invalid (%s), want valid; checks %+v", r.Reason(), r.Checks)
	}
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
		if c.Reason == "" {
			t.Errorf("check %s has no reason", c.Name)
		}
	}
	if got, want := strings.Join(names, " "), "format header alg kid signature exp nbf iat iss aud scope typ"; got != want {
		t.Fatalf("checks %q, want %q", got, want)
	}
	for name, want := range map[string]oauth.CheckStatus{"signature": oauth.Pass, "exp": oauth.Pass, "aud": oauth.Pass, "scope": oauth.Pass, "typ": oauth.Pass} {
		if c := check(t, r, name); c.Status != want {
			t.Errorf("%s: got %s (%s), want %s", name, c.Status, c.Reason, want)
		}
	}
	if r.Subject != "alice" || r.ClientID != "test_api_client" || len(r.Scopes) != 2 || r.Expiry.IsZero() {
		t.Errorf("summary: sub %q client %q scopes %v expiry %v", r.Subject, r.ClientID, r.Scopes, r.Expiry)
	}
	// The second time the signature comes from the cache; exp is still checked.
	r2 := v.Validate(context.Background(), raw)
	if c := check(t, r2, "signature"); c.Status != oauth.Pass || !strings.Contains(c.Reason, "remembered") {
		t.Errorf("second validation: signature %s %q, want pass from the cache", c.Status, c.Reason)
	}
	late := newValidator(t, is, func() time.Time { return time.Now().Add(time.Hour) })
	_ = late.Validate(context.Background(), raw) // warm its cache
	if r3 := late.Validate(context.Background(), raw); r3.Failure != "exp" {
		t.Errorf("cached signature, expired token: failure %q, want exp", r3.Failure)
	}
}

func TestHostileTokens(t *testing.T) {
	is := validatetest.NewIssuer(t)
	now := time.Now()
	v := newValidator(t, is, func() time.Time { return now })
	good := func() map[string]any { return is.Claims(now, "fakebookapi.read") }
	hdr := func(kv ...any) map[string]any {
		h := validatetest.Header()
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(h, kv[i].(string))
			} else {
				h[kv[i].(string)] = kv[i+1]
			}
		}
		return h
	}
	with := func(kv ...any) map[string]any {
		c := good()
		for i := 0; i+1 < len(kv); i += 2 {
			c[kv[i].(string)] = kv[i+1]
		}
		return c
	}
	without := func(name string) map[string]any {
		c := good()
		delete(c, name)
		return c
	}
	valid := is.Token(t, good())
	parts := strings.Split(valid, ".")
	flipSig := func() string {
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		sig[len(sig)/2] ^= 0x01
		return parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	modified := func() string {
		other := strings.Split(is.Token(t, with("scope", "fakebookapi.read fakebookapi.admin")), ".")
		return parts[0] + "." + other[1] + "." + parts[2]
	}

	cases := []struct {
		name    string
		raw     string
		scopes  []string
		failure string
		reason  string // a substring of the failed check's reason
	}{
		{"alg none", validatetest.Sign(t, hdr("alg", "none"), good(), nil), nil, "alg", "unsigned"},
		{"no kid, no key for the alg", validatetest.Sign(t, hdr("alg", "ES384", "kid", nil), good(), nil), nil, "kid", "the header has no kid and the issuer has no ES384 key"},
		{"alg unknown", validatetest.Sign(t, hdr("alg", "XS256"), good(), nil), nil, "alg", "not an asymmetric signature algorithm"},
		{"alg nOnE signed anyway", validatetest.Sign(t, hdr("alg", "nOnE"), good(), is.RSA), nil, "alg", "alg is none"},
		{"PS256 where the key pins RS256", validatetest.Sign(t, hdr("alg", "PS256"), good(), is.RSA), nil, "kid", "for RS256 only"},
		{"HS256 signed with the RSA public key", validatetest.Sign(t, hdr("alg", "HS256"), good(), is.PublicKeyPEM()), nil, "alg", "HMAC"},
		{"unknown kid", validatetest.Sign(t, hdr("kid", "nobody"), good(), is.RSA), nil, "kid", "kid nobody is not among"},
		{"signature of another key", validatetest.Sign(t, hdr(), good(), is.Other), nil, "signature", "does not match"},
		{"flipped signature byte", flipSig(), nil, "signature", "does not match"},
		{"modified payload", modified(), nil, "signature", "does not match"},
		{"expired", is.Token(t, with("exp", now.Add(-4*time.Minute-12*time.Second).Unix())), nil, "exp", "expired 4m1"},
		{"nbf in the future", is.Token(t, with("nbf", now.Add(10*time.Minute).Unix(), "exp", now.Add(20*time.Minute).Unix())), nil, "nbf", "not valid yet"},
		{"iat in the future", is.Token(t, with("iat", now.Add(10*time.Minute).Unix())), nil, "iat", "future"},
		{"wrong iss", is.Token(t, with("iss", "https://evil.example/realms/test")), nil, "iss", "iss is https://evil.example/realms/test, expected " + is.URL},
		{"iss with a trailing slash", is.Token(t, with("iss", is.URL+"/")), nil, "iss", "trailing slash"},
		{"wrong aud", is.Token(t, with("aud", "account")), nil, "aud", "aud is account, expected " + validatetest.Audience},
		{"no aud", is.Token(t, without("aud")), nil, "aud", "the token has no aud, expected " + validatetest.Audience},
		{"no iss", is.Token(t, without("iss")), nil, "iss", "the token has no iss"},
		{"iss not a string", is.Token(t, with("iss", 42)), nil, "iss", "not a string"},
		{"typ of another kind of token", validatetest.Sign(t, hdr("typ", "logout+jwt"), good(), is.RSA), nil, "typ", "not an access token"},
		{"exp null", is.Token(t, with("exp", nil)), nil, "exp", "unreadable"},
		{"no exp", is.Token(t, without("exp")), nil, "exp", "no exp, so it would never expire"},
		{"exp as a string", is.Token(t, with("exp", "tomorrow")), nil, "exp", `the string "tomorrow"`},
		{"missing scope", is.Token(t, good()), []string{"fakebookapi.admin"}, "scope", "missing fakebookapi.admin; the token grants: fakebookapi.read"},
		{"jku pointing elsewhere", validatetest.Sign(t, hdr("jku", "https://evil.example/jwks", "kid", "evil"), good(), is.Other), nil, "kid", "kid evil is not among"},
		{"x5u pointing elsewhere, real kid", validatetest.Sign(t, hdr("x5u", "https://evil.example/cert.pem"), good(), is.Other), nil, "signature", "does not match"},
		{"embedded jwk header", validatetest.Sign(t, hdr("jwk", map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"}), good(), is.Other), nil, "signature", "does not match"},
		{"RS256 with the EC key's kid", validatetest.Sign(t, hdr("kid", validatetest.ECKID), good(), is.RSA), nil, "kid", "EC key"},
		{"encryption key", validatetest.Sign(t, hdr("kid", validatetest.EncKID), good(), is.Enc), nil, "kid", "use: enc"},
		{"b64 header", validatetest.Sign(t, hdr("b64", false), good(), is.RSA), nil, "header", "b64"},
		{"no alg", validatetest.Sign(t, hdr("alg", nil), good(), nil), nil, "alg", "no alg string"},
		{"crit header", validatetest.Sign(t, hdr("crit", []string{"exp"}), good(), is.RSA), nil, "header", "crit"},
		{"Keycloak ID token", validatetest.Sign(t, hdr("typ", "JWT"), with("typ", "ID"), is.RSA), nil, "typ", "not an access token"},
		{"2 segments", parts[0] + "." + parts[1], nil, "format", "has 2 parts"},
		// A paste cut short: no forgery, and the reason says so.
		{"cut in the payload", parts[0] + "." + parts[1][:20], nil, "format", "a signed JWT has 3 (it starts like one, eyJ…: it was probably cut short"},
		{"cut in the signature", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-8], nil, "signature", "where a signature of key " + validatetest.KID + " is 256: the token was probably cut short"},
		{"quoted", `"` + valid + `"`, nil, "format", "starts with a quote"},
		{"4 segments", valid + "." + parts[2], nil, "format", "has 4 parts"},
		{"bad base64", parts[0] + ".!!!." + parts[2], nil, "format", "payload is not base64url"},
		{"non-JSON header", base64.RawURLEncoding.EncodeToString([]byte("not json")) + "." + parts[1] + "." + parts[2], nil, "format", "header is not a JSON object"},
		{"JSON array payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte("[1,2]")) + "." + parts[2], nil, "format", "payload is not a JSON object"},
		{"100 KB token", parts[0] + "." + strings.Repeat("A", 100<<10) + "." + parts[2], nil, "format", "bytes"},
		{"empty", "", nil, "format", "empty"},
		{"kid not a string", validatetest.Sign(t, hdr("kid", 7), good(), is.RSA), nil, "kid", "not a string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := v.Validate(context.Background(), tc.raw, tc.scopes...)
			if r.Valid {
				t.Fatalf("got valid, want refused at %s", tc.failure)
			}
			if r.Failure != tc.failure {
				t.Fatalf("failure %q (%s), want %q", r.Failure, r.Reason(), tc.failure)
			}
			if c := check(t, r, tc.failure); !strings.Contains(c.Reason, tc.reason) {
				t.Fatalf("reason %q, want it to contain %q", c.Reason, tc.reason)
			}
			if got, want := r.MissingScope(), tc.failure == "scope"; got != want {
				t.Fatalf("MissingScope() = %v, want %v", got, want)
			}
		})
	}
}

func TestHeadersNamingKeysAreIgnoredAndSaidSo(t *testing.T) {
	is := validatetest.NewIssuer(t)
	v := newValidator(t, is, nil)
	h := validatetest.Header()
	h["jku"] = "https://evil.example/jwks"
	r := v.Validate(context.Background(), validatetest.Sign(t, h, is.Claims(time.Now(), "x"), is.RSA))
	if !r.Valid {
		t.Fatalf("a genuine token with a stray jku: got %s, want valid (jku ignored)", r.Reason())
	}
	if c := check(t, r, "header"); c.Status != oauth.Warn || !strings.Contains(c.Reason, "ignored jku=https://evil.example/jwks") {
		t.Fatalf("header check %s %q, want a warning that jku was ignored", c.Status, c.Reason)
	}
}

func TestUnknownKidRefreshesAtMostOncePerInterval(t *testing.T) {
	is := validatetest.NewIssuer(t)
	now := time.Now()
	clock := func() time.Time { return now }
	v := newValidator(t, is, func() time.Time { return clock() })
	start := is.JWKSFetches.Load()

	// A rotated-in key is found by the refresh an unknown kid triggers...
	is.Publish(t, is.Other, "rotated-2")
	// No clock advance: the first fetch at New does not hold back the first refresh.
	h := validatetest.Header()
	h["kid"] = "rotated-2"
	r := v.Validate(context.Background(), validatetest.Sign(t, h, is.Claims(now, "x"), is.Other))
	if !r.Valid {
		t.Fatalf("token signed with a newly published key: %s, want valid after a refresh", r.Reason())
	}
	if got := is.JWKSFetches.Load() - start; got != 1 {
		t.Fatalf("JWKS fetched %d times for one new kid, want 1", got)
	}
	// ...but a flood of made-up kids costs no more fetches within the interval.
	for i := 0; i < 50; i++ {
		h["kid"] = "bogus-" + string(rune('a'+i%26))
		r := v.Validate(context.Background(), validatetest.Sign(t, h, is.Claims(now, "x"), is.Other))
		if r.Failure != "kid" || !strings.Contains(check(t, r, "kid").Reason, "at most every 10s") {
			t.Fatalf("bogus kid: failure %q %q, want kid refused without a fetch", r.Failure, r.Reason())
		}
	}
	if got := is.JWKSFetches.Load() - start; got != 1 {
		t.Fatalf("JWKS fetched %d times after 50 bogus kids, want still 1", got)
	}
}

func TestNoKidTriesMatchingKeys(t *testing.T) {
	is := validatetest.NewIssuer(t)
	v := newValidator(t, is, nil)
	h := validatetest.Header()
	delete(h, "kid")
	r := v.Validate(context.Background(), validatetest.Sign(t, h, is.Claims(time.Now(), "x"), is.RSA))
	if !r.Valid {
		t.Fatalf("no kid, genuine key: %s, want valid", r.Reason())
	}
	if c := check(t, r, "kid"); c.Status != oauth.Warn {
		t.Fatalf("kid check %s, want warn", c.Status)
	}
	h = map[string]any{"alg": "ES256", "kid": validatetest.ECKID, "typ": "at+jwt"}
	if r := v.Validate(context.Background(), validatetest.Sign(t, h, is.Claims(time.Now(), "x"), is.EC)); !r.Valid {
		t.Fatalf("ES256 token: %s, want valid", r.Reason())
	}
}

func TestNewExplainsAnUnreachableOrWrongIssuer(t *testing.T) {
	is := validatetest.NewIssuer(t)
	for _, tc := range []struct{ issuer, want string }{
		{is.URL + "/", "expected \"" + is.URL + "/\" exactly"},
		{is.Server.URL + "/realms/nope", "answered 404"},
		{"http://127.0.0.1:1/realms/x", "could not fetch the issuer's metadata"},
	} {
		_, err := validate.New(context.Background(), validate.Options{Issuer: tc.issuer})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%s): got %v, want an error containing %q", tc.issuer, err, tc.want)
		}
	}
	// No answer at all keeps its cause, so oauth.Explain can say it plainly.
	_, err := validate.New(context.Background(), validate.Options{Issuer: "http://127.0.0.1:1/realms/x"})
	if e := oauth.Explain(err); !strings.Contains(e.What, "the connection was refused at 127.0.0.1:1") || e.Try == "" {
		t.Errorf("Explain(%v) = %q / try %q, want the refused connection in plain words", err, e.What, e.Try)
	}
}

// Without keys every other check still reports; the signature fails with
// the reason given, and the token is never valid.
func TestUnverifiedChecksAllButTheSignature(t *testing.T) {
	is := validatetest.NewIssuer(t)
	now := time.Now()
	claims := is.Claims(now.Add(-time.Hour), "fakebookapi.read") // expired an hour ago
	raw := is.Token(t, claims)
	r := validate.Unverified(raw, validate.Options{Issuer: is.URL, Audiences: []string{"someone-else"}, Now: func() time.Time { return now }},
		"no keys: the issuer is unreachable", "fakebookapi.admin")
	if r.Valid {
		t.Fatal("a token whose signature was not checked must not be valid")
	}
	for name, want := range map[string]oauth.CheckStatus{"format": oauth.Pass, "alg": oauth.Pass, "kid": oauth.Skip,
		"signature": oauth.Fail, "exp": oauth.Fail, "iss": oauth.Pass, "aud": oauth.Fail, "scope": oauth.Fail} {
		c, ok := r.Check(name)
		if !ok || c.Status != want {
			t.Errorf("%s: got %+v, want %s", name, c, want)
		}
	}
	if c, _ := r.Check("signature"); c.Reason != "no keys: the issuer is unreachable" {
		t.Errorf("signature reason %q", c.Reason)
	}
}

// The keys outlive the context New was given (a request's, or a startup
// timeout): once it is cancelled, later tokens still verify, and an
// unknown kid or a stale set still fetches the JWKS again.
func TestKeysOutliveTheContextOfNew(t *testing.T) {
	is := validatetest.NewIssuer(t)
	clock := newClock()
	ctx, cancel := context.WithCancel(context.Background())
	v, err := validate.New(ctx, validate.Options{Issuer: is.URL, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	raw := is.Token(t, is.Claims(clock.Now(), "x"))
	if r := v.Validate(context.Background(), raw); !r.Valid {
		t.Fatalf("before cancel: %s", r.Reason())
	}
	cancel()
	start := is.JWKSFetches.Load()
	if r := v.Validate(context.Background(), is.Token(t, is.Claims(clock.Now(), "y"))); !r.Valid {
		t.Fatalf("after the context of New ended: %s, want the keys still used", r.Reason())
	}
	is.Publish(t, is.Other, "rotated-after-cancel")
	h := validatetest.Header()
	h["kid"] = "rotated-after-cancel"
	if r := v.Validate(context.Background(), validatetest.Sign(t, h, is.Claims(clock.Now(), "x"), is.Other)); !r.Valid {
		t.Fatalf("a new kid after the context of New ended: %s, want valid after a refetch", r.Reason())
	}
	if got := is.JWKSFetches.Load() - start; got != 1 {
		t.Fatalf("JWKS fetched %d times for the new kid, want 1", got)
	}
	clock.Advance(validate.DefaultKeyRefresh)
	if r := v.Validate(context.Background(), is.Token(t, is.Claims(clock.Now(), "z"))); !r.Valid {
		t.Fatalf("after the refresh interval: %s, want valid", r.Reason())
	}
	if got := is.JWKSFetches.Load() - start; got != 2 {
		t.Fatalf("JWKS fetched %d times once the set was %s old, want 2", got, validate.DefaultKeyRefresh)
	}
}

func TestNewExplainsABrokenJWKS(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"server error", "oops", 500, "fetching the issuer's keys from"},
		{"not JSON", "<html>", 200, "fetching the issuer's keys from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := validate.New(ctx, validate.Options{Issuer: "https://issuer.example", JWKSURI: srv.URL})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// The time checks move with the clock: the same claims pass, then fail
// once exp is behind (and a future nbf or iat passes once reached).
func TestTimeChecksFollowTheClock(t *testing.T) {
	issued := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	claims := map[string]any{"iat": float64(issued.Unix()), "nbf": float64(issued.Unix()), "exp": float64(issued.Add(5 * time.Minute).Unix())}
	tests := []struct {
		now           time.Time
		exp, nbf, iat oauth.CheckStatus
		expWord       string
	}{
		{issued.Add(-time.Minute), oauth.Pass, oauth.Fail, oauth.Fail, "expires in 6m0s"},
		{issued.Add(time.Second), oauth.Pass, oauth.Pass, oauth.Pass, "expires in 4m59s"},
		{issued.Add(5*time.Minute + 13*time.Second), oauth.Fail, oauth.Pass, oauth.Pass, "expired 13s ago"},
	}
	for _, tt := range tests {
		got := validate.TimeChecks(claims, tt.now, 0)
		if len(got) != 3 || got[0].Name != validate.CheckExp || got[1].Name != validate.CheckNbf || got[2].Name != validate.CheckIat {
			t.Fatalf("at %s: got %+v, want exp, nbf, iat", tt.now, got)
		}
		for i, want := range []oauth.CheckStatus{tt.exp, tt.nbf, tt.iat} {
			if got[i].Status != want {
				t.Errorf("at %s: %s got %s (%s), want %s", tt.now.Format("15:04:05"), got[i].Name, got[i].Status, got[i].Reason, want)
			}
		}
		if !strings.Contains(got[0].Reason, tt.expWord) {
			t.Errorf("at %s: exp reason %q, want it to say %q", tt.now.Format("15:04:05"), got[0].Reason, tt.expWord)
		}
	}
}
