package validate_test

import (
	"context"
	"crypto/rsa"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// A token seen before is not decoded and checked again, but what can
// change on its own is: the clock (it expires while remembered) and the
// scope each route needs. Its report says now what holds now.
func TestARememberedTokenIsCheckedAgainForTimeAndScope(t *testing.T) {
	is := validatetest.NewIssuer(t)
	s := newJWKSServer(t, map[string]*rsa.PrivateKey{"k": is.RSA})
	c := newClock()
	v := newKeysValidator(t, s, c, &fetchLog{})
	now := c.Now()
	raw := validatetest.Sign(t, map[string]any{"alg": "RS256", "kid": "k", "typ": "at+jwt"}, map[string]any{
		"iss": keysIssuer, "sub": "alice", "aud": validatetest.Audience, "client_id": "c", "scope": "books.read",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": "one",
	}, is.RSA)
	ctx := context.Background()

	first := v.Validate(ctx, raw, "books.read")
	if !first.Valid {
		t.Fatalf("first: %s, want valid", first.Reason())
	}
	first.Checks[0].Status = oauth.Fail // a caller scribbling on its report must not poison the next

	c.Advance(30 * time.Second) // within KeyRefresh: the same key set
	again := v.Validate(ctx, raw, "books.read")
	if !again.Valid {
		t.Fatalf("again, 30 s later: %s, want valid", again.Reason())
	}
	if got := check(t, again, "signature").Reason; !strings.Contains(got, "remembered") {
		t.Errorf("signature reason %q, want it to say it was remembered", got)
	}
	if got := check(t, again, "exp").Reason; !regexp.MustCompile(`expires in 4m(29|30)s`).MatchString(got) {
		t.Errorf("exp reason %q, want it made at this request (expires in 4m30s)", got)
	}
	names := map[string]int{}
	for _, ch := range again.Checks {
		names[ch.Name]++
	}
	for _, n := range []string{"format", "signature", "exp", "nbf", "iat", "iss", "aud", "scope", "typ"} {
		if names[n] != 1 {
			t.Errorf("check %s appears %d times in a remembered report, want once", n, names[n])
		}
	}

	if r := v.Validate(ctx, raw, "books.write"); r.Valid || !r.MissingScope() {
		t.Fatalf("another route's scope: valid %v failure %q, want refused for the missing scope", r.Valid, r.Failure)
	}

	c.Advance(5 * time.Minute)
	r := v.Validate(ctx, raw, "books.read")
	if r.Valid || r.Failure != "exp" {
		t.Fatalf("remembered, then expired: valid %v failure %q, want refused at exp", r.Valid, r.Failure)
	}
	if got := check(t, r, "signature").Status; got != oauth.Pass {
		t.Errorf("the refusal carries the full report: signature %s, want pass", got)
	}
}

// A remembered report reuses the time and scope checks it last made while
// their facts are the same; it must read, word for word, as the report a
// validator without memory makes at the same instant. The clock walks in
// steps that cross the half seconds where "4s" becomes "3s", the expiry,
// and the end of the leeway; the routes alternate between two scopes.
func TestARememberedReportReadsAsAFreshOne(t *testing.T) {
	is := validatetest.NewIssuer(t)
	s := newJWKSServer(t, map[string]*rsa.PrivateKey{"k": is.RSA})
	c := newClock()
	newV := func(cache int) *validate.Validator {
		v, err := validate.New(context.Background(), validate.Options{Issuer: keysIssuer, JWKSURI: s.URL,
			Audiences: []string{validatetest.Audience}, Now: c.Now, KeyRefresh: time.Hour, Leeway: 1500 * time.Millisecond, SignatureCache: cache})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = v.Close() })
		return v
	}
	remembering, fresh := newV(0), newV(-1)
	now := c.Now()
	raw := validatetest.Sign(t, map[string]any{"alg": "RS256", "kid": "k", "typ": "at+jwt"}, map[string]any{
		"iss": keysIssuer, "sub": "alice", "aud": validatetest.Audience, "client_id": "c", "scope": "books.read books.list",
		"iat": now.Unix(), "nbf": now.Unix() + 1, "exp": now.Unix() + 3, "jti": "one",
	}, is.RSA)
	ctx := context.Background()
	routes := [][]string{{"books.read"}, {"books.list"}, {"books.read"}, nil}
	var sawValid, sawExpired bool
	for step := 0; step < 48; step++ {
		required := routes[step%len(routes)]
		got, want := remembering.Validate(ctx, raw, required...), fresh.Validate(ctx, raw, required...)
		if got.Valid != want.Valid || got.Failure != want.Failure || len(got.Checks) != len(want.Checks) {
			t.Fatalf("at +%s: valid %v failure %q %d checks, want valid %v failure %q %d checks", c.Now().Sub(now), got.Valid, got.Failure, len(got.Checks), want.Valid, want.Failure, len(want.Checks))
		}
		for i, g := range got.Checks {
			g.Reason = strings.TrimSuffix(g.Reason, " (remembered from an earlier request)")
			if g != want.Checks[i] {
				t.Errorf("at +%s, check %d: got %+v, want %+v", c.Now().Sub(now), i, g, want.Checks[i])
			}
		}
		sawValid = sawValid || got.Valid
		sawExpired = sawExpired || got.Failure == "exp"
		c.Advance(125 * time.Millisecond)
	}
	if !sawValid || !sawExpired {
		t.Fatalf("the walk saw valid %v, expired %v; want both", sawValid, sawExpired)
	}
}

// A copy from WithAudiences shares the keys and the remembered verdicts,
// but a token remembered as valid for one audience is not valid for a
// copy that expects another: the aud check is made again, and refuses.
func TestARememberedVerdictIsNotValidForAnotherAudience(t *testing.T) {
	is := validatetest.NewIssuer(t)
	s := newJWKSServer(t, map[string]*rsa.PrivateKey{"k": is.RSA})
	c := newClock()
	v := newKeysValidator(t, s, c, &fetchLog{})
	raw := signedBy(t, c, "k", is.RSA)
	ctx := context.Background()

	if r := v.Validate(ctx, raw); !r.Valid {
		t.Fatalf("for %s: %s, want valid", validatetest.Audience, r.Reason())
	}
	other := v.WithAudiences([]string{"api://elsewhere"})
	r := other.Validate(ctx, raw)
	if r.Valid || r.Failure != "aud" {
		t.Fatalf("remembered, then asked for api://elsewhere: valid %v failure %q, want refused at aud", r.Valid, r.Failure)
	}
	if r := v.Validate(ctx, raw); !r.Valid {
		t.Fatalf("again for %s: %s, want valid", validatetest.Audience, r.Reason())
	}
}
