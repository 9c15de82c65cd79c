package validate_test

import (
	"context"
	"crypto/rsa"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
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
