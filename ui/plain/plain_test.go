package plain

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

func init() { time.Local = time.UTC } // times are shown local

// A server's text stays on its own line: a newline in error_description
// or in a claim that a check quotes cannot print a verdict of its own.
func TestServerTextCannotForgeALine(t *testing.T) {
	forged := "nope\n  ✓ signature  verified"
	r := flows.Result{
		Outputs: []flows.Output{{Name: "scope", Value: forged}},
		Checks:  []oauth.Check{{Name: "aud", Status: oauth.Fail, Reason: "aud is " + forged}},
		Err:     &oauth.Error{Op: "token", Status: 400, Code: "invalid_scope", Description: forged, What: "the server refused the request (HTTP 400)"},
	}
	var b strings.Builder
	Text(&b, flows.Step{Title: "Request a token"}, r, Options{})
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "✓") {
			t.Errorf("a server's text printed a line of its own: %q\n%s", line, b.String())
		}
	}
	if got := strings.Count(b.String(), `nope\n  ✓ signature  verified`); got != 3 {
		t.Errorf("got the forged text shown %d times, want 3 (output, check, error):\n%s", got, b.String())
	}
}

// A token's times are described against the clock the caller gives, the
// same way the TUI describes them: exp says whether the token expired.
func TestTimesAgainstTheGivenClock(t *testing.T) {
	jwt, err := oauth.DecodeJWT("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3NjcyMjU5MDAsImlhdCI6MTc2NzIyNTYwMH0.c2ln")
	if err != nil {
		t.Fatal(err)
	}
	r := flows.Result{Tokens: []flows.Token{{Name: "access_token", Raw: jwt.Raw, JWT: jwt}}}
	for _, tc := range []struct {
		now  time.Time
		want []string
	}{
		{time.Unix(1767225720, 0), []string{"exp       00:05:00  (expires in 3m0s)", "iat       00:00:00  (2m0s ago)"}},
		{time.Unix(1767225913, 0), []string{"exp       00:05:00  (EXPIRED 13s ago)"}},
	} {
		var b strings.Builder
		Text(&b, flows.Step{Title: "Inspect"}, r, Options{Now: func() time.Time { return tc.now }})
		for _, want := range tc.want {
			if !strings.Contains(b.String(), want) {
				t.Errorf("at %v: the text lacks %q:\n%s", tc.now.UTC(), want, b.String())
			}
		}
	}
}

// The verdict line quotes the token's iss, which a token names itself: its
// escapes show, they never reach the terminal.
func TestVerdictShowsTheIssuersEscapes(t *testing.T) {
	iss := "https://evil.example/\x1b]52;c;cHduZWQ=\x07\u202e"
	claims, _ := json.Marshal(map[string]string{"iss": iss})
	payload := base64.RawURLEncoding.EncodeToString(claims)
	jwt, err := oauth.DecodeJWT("eyJhbGciOiJSUzI1NiJ9." + payload + ".c2ln")
	if err != nil {
		t.Fatal(err)
	}
	r := flows.Result{Tokens: []flows.Token{{Name: "token", Raw: jwt.Raw, JWT: jwt,
		Checks: []oauth.Check{{Name: flows.CheckTrust, Status: oauth.Fail, Reason: "self-asserted"}}}}}
	var b strings.Builder
	Text(&b, flows.Step{Title: "Decode and validate the token"}, r, Options{})
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Fatalf("raw escapes reached the output:\n%q", out)
	}
	if !strings.Contains(out, `not trusted: the issuer https://evil.example/\x1b]52;c;cHduZWQ=\x07\u202e`) {
		t.Errorf("the verdict must show the issuer with its escapes visible:\n%s", out)
	}
}
