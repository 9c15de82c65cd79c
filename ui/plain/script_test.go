package plain

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// A server's text in a comment stays in the comment: a newline in a URL
// or a step's title cannot start a command of its own.
func TestCurlScriptCommentsCannotBecomeCommands(t *testing.T) {
	evil := "http://x.test/a\ntouch /tmp/pwned #"
	steps := []flows.Step{{Title: "Discover\nrm -rf ~", RFC: "RFC 8414"}}
	results := []flows.Result{{Exchanges: []oauth.Exchange{{Method: "GET", URL: evil, Status: 200, RequestHeader: http.Header{}}}}}
	var b strings.Builder
	if err := CurlScript(&b, "oauthlab discover", flows.Flow{ID: "discovery"}, steps, results, "cli\"$(id)"); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "touch") || strings.HasPrefix(l, "rm ") {
			t.Errorf("a server's text became a line of its own: %q\n%s", l, b.String())
		}
	}
	if bash, err := exec.LookPath("bash"); err == nil {
		if out, err := exec.Command(bash, "-n", "-c", b.String()).CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v %s\n%s", err, out, b.String())
		}
	}
}

func TestFieldNamesAndPaths(t *testing.T) {
	steps := []flows.Step{{ID: "token", To: flows.AuthServer}}
	results := []flows.Result{{
		Outputs: []flows.Output{{Name: "token_type", Value: "Bearer"}, {Name: flows.OutExpiresIn, Value: "300"},
			{Name: flows.VarRefreshToken, Value: "rt-secret", Secret: true}, {Name: "token_endpoint", Value: "http://x/token"}},
		Tokens: []flows.Token{{Name: flows.VarAccessToken, Raw: "at"}},
	}}
	f := flows.Flow{ID: "client-credentials", Steps: steps}
	for name, want := range map[string]string{"access_token": "at", "expires_in": "300", "refresh_token": "rt-secret", "token_endpoint": "http://x/token"} {
		if got, err := Field(f, steps, results, name); err != nil || got != want {
			t.Errorf("Field(%s): got %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := Field(f, steps, results, "nope"); err == nil || !strings.Contains(err.Error(), "access_token") {
		t.Errorf("an unknown field: got %v, want the names there are", err)
	}
	sc := NewScript(f, steps, results, Options{})
	if sc.RefreshToken != oauth.Redacted || sc.AccessToken != "at" {
		t.Errorf("--json: refresh_token %q access_token %q, want it redacted and the access token shown", sc.RefreshToken, sc.AccessToken)
	}
}

// "ok" is the run's verdict: every step ran and none failed. A run that
// stopped after its first step (cancelled between two) is not ok, though
// the step that ran passed.
func TestDocumentOKNeedsEveryStep(t *testing.T) {
	steps := []flows.Step{{ID: "revoke"}, {ID: "revoked"}}
	f := flows.Flow{ID: "revoke", Steps: steps}
	passed := flows.Result{Checks: []oauth.Check{{Name: "accepted", Status: oauth.Pass}}}
	if d := NewDocument(f, steps[:1], []flows.Result{passed}, Options{}); d.OK {
		t.Error("one step of two ran: got ok true, want false")
	}
	if d := NewDocument(f, steps, []flows.Result{passed, passed}, Options{}); !d.OK {
		t.Error("every step ran and passed: got ok false, want true")
	}
	if d := NewDocument(f, steps, []flows.Result{passed, {Checks: []oauth.Check{{Name: "inactive", Status: oauth.Fail}}}}, Options{}); d.OK {
		t.Error("a step failed: got ok true, want false")
	}
}
