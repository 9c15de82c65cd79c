package plain

import (
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

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
