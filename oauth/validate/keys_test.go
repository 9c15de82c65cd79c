package validate_test

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// jwksServer publishes whichever RSA keys it holds now, or fails.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	failing bool
	fetches atomic.Int64
}

func newJWKSServer(t *testing.T, keys map[string]*rsa.PrivateKey) *jwksServer {
	s := &jwksServer{keys: map[string]*rsa.PublicKey{}}
	for kid, k := range keys {
		s.keys[kid] = &k.PublicKey
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.failing {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		set := jwk.NewSet()
		for kid, pub := range s.keys {
			k, err := jwk.Import(pub)
			if err != nil {
				t.Error(err)
				return
			}
			_ = k.Set(jwk.KeyIDKey, kid)
			_ = k.Set(jwk.KeyUsageKey, "sig")
			_ = set.AddKey(k)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) withdraw(kid string) { s.mu.Lock(); delete(s.keys, kid); s.mu.Unlock() }
func (s *jwksServer) fail(on bool)        { s.mu.Lock(); s.failing = on; s.mu.Unlock() }

// fetchLog records Options.OnFetch.
type fetchLog struct {
	mu  sync.Mutex
	evs []validate.FetchEvent
}

func (l *fetchLog) add(e validate.FetchEvent) { l.mu.Lock(); l.evs = append(l.evs, e); l.mu.Unlock() }
func (l *fetchLog) all() []validate.FetchEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.evs)
}

const keysIssuer = "https://issuer.example"

func newKeysValidator(t *testing.T, s *jwksServer, c *clock, log *fetchLog) *validate.Validator {
	t.Helper()
	v, err := validate.New(context.Background(), validate.Options{Issuer: keysIssuer, JWKSURI: s.URL,
		Audiences: []string{validatetest.Audience}, Now: c.Now, KeyRefresh: time.Minute, OnFetch: log.add})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

func signedBy(t *testing.T, c *clock, kid string, key *rsa.PrivateKey) string {
	now := c.Now()
	return validatetest.Sign(t, map[string]any{"alg": "RS256", "kid": kid, "typ": "at+jwt"}, map[string]any{
		"iss": keysIssuer, "sub": "alice", "aud": validatetest.Audience, "client_id": "c",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": kid + now.String(),
	}, key)
}

// A key the issuer withdraws from its JWKS is trusted until the set is
// KeyRefresh old, then no more — said in words, with no refetch per token.
func TestAWithdrawnKeyStopsBeingTrustedAfterTheRefreshInterval(t *testing.T) {
	is := validatetest.NewIssuer(t)
	s := newJWKSServer(t, map[string]*rsa.PrivateKey{"old": is.RSA, "new": is.Other})
	c, log := newClock(), &fetchLog{}
	v := newKeysValidator(t, s, c, log)
	old := signedBy(t, c, "old", is.RSA)
	if r := v.Validate(context.Background(), old); !r.Valid {
		t.Fatalf("a token of a published key: %s, want valid", r.Reason())
	}

	s.withdraw("old")
	c.Advance(time.Minute - time.Second)
	for _, raw := range []string{old, signedBy(t, c, "old", is.RSA)} { // remembered, and not
		if r := v.Validate(context.Background(), raw); !r.Valid {
			t.Fatalf("withdrawn, but before the refresh interval: %s, want still valid (the set is not refetched yet)", r.Reason())
		}
	}
	if got := s.fetches.Load(); got != 1 {
		t.Fatalf("JWKS fetched %d times within the refresh interval, want 1", got)
	}

	c.Advance(time.Second)
	for _, raw := range []string{old, signedBy(t, c, "old", is.RSA)} {
		r := v.Validate(context.Background(), raw)
		if r.Valid || r.Failure != "kid" {
			t.Fatalf("withdrawn, after the refresh interval: valid %v failure %q, want refused at kid", r.Valid, r.Failure)
		}
		if reason := check(t, r, "kid").Reason; !strings.Contains(reason, "kid old was withdrawn from the issuer's signing keys 0s ago (they are now new)") {
			t.Errorf("kid reason %q, want it to say the key was withdrawn", reason)
		}
		if c := check(t, r, "signature"); c.Status == oauth.Pass {
			t.Errorf("signature %s, want not passed", c.Status)
		}
	}
	if got := s.fetches.Load(); got != 2 {
		t.Fatalf("JWKS fetched %d times, want 2: one periodic refresh, none for tokens of a key seen withdrawn", got)
	}
	if r := v.Validate(context.Background(), signedBy(t, c, "new", is.Other)); !r.Valid {
		t.Fatalf("a token of the key still published: %s, want valid", r.Reason())
	}
	evs := log.all()
	if len(evs) != 2 || evs[1].Reason != validate.FetchPeriodic || !slices.Equal(evs[1].Removed, []string{"old"}) {
		t.Fatalf("fetch events %+v, want startup then a periodic fetch that removed old", evs)
	}
	if got, want := evs[1].String(), "fetched the issuer's keys (periodic refresh, every 1m0s): new; removed, no longer trusted: old"; got != want {
		t.Errorf("event line: got %q, want %q", got, want)
	}
}

// A failed refresh keeps the keys it had, and every verdict that leans on
// them says so; it is tried again after 10 s, not on every request.
func TestAFailedRefreshKeepsTheKeysAndSaysSo(t *testing.T) {
	is := validatetest.NewIssuer(t)
	s := newJWKSServer(t, map[string]*rsa.PrivateKey{"k1": is.RSA})
	c, log := newClock(), &fetchLog{}
	v := newKeysValidator(t, s, c, log)
	s.fail(true)
	c.Advance(time.Minute)
	r := v.Validate(context.Background(), signedBy(t, c, "k1", is.RSA))
	if !r.Valid {
		t.Fatalf("the issuer's JWKS is down: %s, want the keys fetched before still used", r.Reason())
	}
	if k := check(t, r, "kid"); k.Status != oauth.Warn || !strings.Contains(k.Reason, "fetching them again failed") || !strings.Contains(k.Reason, "HTTP 503") {
		t.Errorf("kid check %s %q, want a warning that the keys could not be refreshed, and why", k.Status, k.Reason)
	}
	evs := log.all()
	if last := evs[len(evs)-1]; last.Err == nil || !slices.Equal(last.Kids, []string{"k1"}) ||
		!strings.HasPrefix(last.String(), "could not fetch the issuer's keys (periodic refresh, every 1m0s): ") {
		t.Errorf("fetch event %+v (%q), want a periodic failure keeping k1", last, last.String())
	}

	r = v.Validate(context.Background(), signedBy(t, c, "k2", is.Other))
	if k := check(t, r, "kid"); r.Valid || !strings.Contains(k.Reason, "fetching the key set again failed") {
		t.Errorf("an unknown kid while the JWKS is down: valid %v, kid %q, want refused saying the refetch failed", r.Valid, k.Reason)
	}
	before := s.fetches.Load()
	c.Advance(5 * time.Second)
	v.Validate(context.Background(), signedBy(t, c, "k1", is.RSA))
	if got := s.fetches.Load(); got != before {
		t.Fatalf("fetched %d times 5s after a failure, want none", got-before)
	}
	s.fail(false)
	c.Advance(5 * time.Second)
	r = v.Validate(context.Background(), signedBy(t, c, "k1", is.RSA))
	if got := s.fetches.Load(); got != before+1 {
		t.Fatalf("fetched %d times 10s after a failure, want 1", got-before)
	}
	if k := check(t, r, "kid"); !r.Valid || k.Status != oauth.Pass {
		t.Fatalf("after the JWKS came back: valid %v kid %s %q, want a plain pass", r.Valid, k.Status, k.Reason)
	}
}

// Tokens with unknown kids arriving together cost one fetch: the first
// fetches, the others wait for it and see its result.
func TestUnknownKidsTogetherCauseOneFetch(t *testing.T) {
	is := validatetest.NewIssuer(t)
	s := newJWKSServer(t, map[string]*rsa.PrivateKey{"k1": is.RSA})
	c, log := newClock(), &fetchLog{}
	v := newKeysValidator(t, s, c, log)
	s.mu.Lock()
	s.keys["k2"] = &is.Other.PublicKey
	s.mu.Unlock()
	raw := signedBy(t, c, "k2", is.Other)
	var wg sync.WaitGroup
	reports := make([]*validate.Report, 8)
	for i := range reports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i] = v.Validate(context.Background(), raw)
		}()
	}
	wg.Wait()
	for i, r := range reports {
		if !r.Valid {
			t.Errorf("token %d with the newly published kid: %s, want valid", i, r.Reason())
		}
	}
	if got := s.fetches.Load(); got != 2 {
		t.Fatalf("JWKS fetched %d times, want 2 (startup, one unknown kid)", got)
	}
	// Two made-up kids in quick succession: one more fetch, not two.
	c.Advance(10 * time.Second) // past the throttle of the k2 fetch
	for _, kid := range []string{"made-up-1", "made-up-2"} {
		if r := v.Validate(context.Background(), signedBy(t, c, kid, is.Other)); r.Valid {
			t.Fatalf("kid %s: valid, want refused", kid)
		}
		c.Advance(6 * time.Second)
	}
	if got := s.fetches.Load(); got != 3 {
		t.Fatalf("JWKS fetched %d times, want 3: made-up-2 came 6s after made-up-1, within 10s", got)
	}
	evs := log.all()
	var got []string
	for _, e := range evs {
		got = append(got, e.String())
	}
	want := []string{"fetched the issuer's keys (at startup): k1",
		"fetched the issuer's keys (for unknown kid k2): k1, k2; new: k2",
		"fetched the issuer's keys (for unknown kid made-up-1): k1, k2"}
	if !slices.Equal(got, want) {
		t.Fatalf("fetch events:\ngot  %q\nwant %q", got, want)
	}
	if evs[0].URL != s.URL || evs[1].Kid != "k2" || evs[1].Reason != validate.FetchUnknownKid {
		t.Errorf("event fields %+v, want the jwks_uri and the kid", evs[1])
	}
}

func TestFetchEventInOneLine(t *testing.T) {
	boom := errors.New("HTTP 503")
	for _, tc := range []struct {
		e    validate.FetchEvent
		want string
	}{
		{validate.FetchEvent{Reason: validate.FetchStartup, Kids: []string{"a", "b"}}, "fetched the issuer's keys (at startup): a, b"},
		{validate.FetchEvent{Reason: validate.FetchStartup, Err: boom}, "could not fetch the issuer's keys (at startup): HTTP 503"},
		{validate.FetchEvent{Reason: validate.FetchFirstToken, Kids: []string{"a"}}, "fetched the issuer's keys (at the first token): a"},
		{validate.FetchEvent{Reason: validate.FetchFirstToken, Err: boom}, "could not fetch the issuer's keys (at the first token): HTTP 503"},
		{validate.FetchEvent{Reason: validate.FetchUnknownKid, Kid: "c", Kids: []string{"a", "c"}, Added: []string{"c"}, Removed: []string{"b"}},
			"fetched the issuer's keys (for unknown kid c): a, c; new: c; removed, no longer trusted: b"},
		{validate.FetchEvent{Reason: validate.FetchPeriodic, Every: 5 * time.Minute, Kids: []string{"a"}, Err: boom},
			"could not fetch the issuer's keys (periodic refresh, every 5m0s): HTTP 503; still trusting the keys fetched before: a"},
		{validate.FetchEvent{Reason: validate.FetchPeriodic, Every: time.Minute}, "fetched the issuer's keys (periodic refresh, every 1m0s): none"},
	} {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
