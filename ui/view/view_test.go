package view

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

func init() { time.Local = time.UTC }

var now = time.Date(2026, 1, 1, 0, 2, 0, 0, time.UTC)

// exp 1767225900 is 00:05:00, three minutes after now.
const jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwOi8vaXNzdWVyLnRlc3QiLCJleHAiOjE3NjcyMjU5MDAsInNjb3BlIjoiZmFrZWJvb2thcGkucmVhZCJ9.c2ln"

func result(t *testing.T) flows.Result {
	t.Helper()
	j, err := oauth.DecodeJWT(jwt)
	if err != nil {
		t.Fatal(err)
	}
	return flows.Result{
		Outputs: []flows.Output{{Name: "scope", Value: "fakebookapi.read"}, {Name: "code_verifier", Value: "VERIFIER", Secret: true}},
		Tokens: []flows.Token{{Name: "access_token", Raw: jwt, JWT: j},
			{Name: "refresh_token", Raw: jwt, JWT: j, Secret: true}, {Name: "refresh_token", Raw: "OPAQUE-RT", Secret: true}},
		Exchanges: []oauth.Exchange{{Method: "POST", URL: "http://issuer.test/token", Status: 200,
			RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Basic dGVzdDpzM2NyM3Q="}},
			RequestBody:   []byte("grant_type=refresh_token&refresh_token=RT-SECRET"),
			ResponseBody:  []byte(`{"access_token":"x","refresh_token":"RT-SECRET"}`)}},
	}
}

// Every secret is redacted, in the outputs, the tokens and the exchanges,
// until the reader reveals them; then each is shown as it was.
func TestSecretsAreRedactedUntilRevealed(t *testing.T) {
	r := result(t)
	for _, reveal := range []bool{false, true} {
		v := New(flows.Step{}, r, Options{Reveal: reveal, Now: now})
		var shown []string
		for _, o := range v.Outputs {
			shown = append(shown, o.Value)
		}
		for _, tok := range v.Tokens {
			shown = append(shown, tok.Raw)
			if tok.JWT != nil {
				shown = append(shown, strings.Join(tok.JWT.Parts, "."))
			}
		}
		ex := v.Exchanges[0]
		shown = append(shown, string(ex.Shown.RequestBody), ex.Response)
		for _, h := range ex.RequestHeaders {
			shown = append(shown, h.Value)
		}
		all := strings.Join(shown, "\n")
		for _, secret := range []string{"VERIFIER", "OPAQUE-RT", "RT-SECRET", "dGVzdDpzM2NyM3Q="} {
			if got := strings.Contains(all, secret); got != reveal {
				t.Errorf("reveal %v: %s shown %v, want %v:\n%s", reveal, secret, got, reveal, all)
			}
		}
		// The secret JWT: its compact form is hidden, not its decoded parts.
		if got := strings.Count(all, jwt); got != map[bool]int{false: 2, true: 4}[reveal] {
			t.Errorf("reveal %v: the token in clear %d times, want it for the access token only unless revealed:\n%s", reveal, got, all)
		}
		if rt := v.Tokens[1]; rt.Hidden == reveal || rt.JWT == nil || rt.JWT.Payload == "" {
			t.Errorf("reveal %v: the secret JWT: hidden %v, decoded %v; want hidden %v and its payload shown", reveal, rt.Hidden, rt.JWT, !reveal)
		}
	}
}

// A token's times are described against the reader's clock, its scopes
// read from its claims, its JSON indented.
func TestTokenTimesScopesAndJSON(t *testing.T) {
	v := New(flows.Step{}, result(t), Options{Now: now})
	j := v.Tokens[0].JWT
	if len(j.Times) != 1 || j.Times[0].Text != "00:05:00  (expires in 3m0s)" {
		t.Errorf("times: got %+v, want exp 00:05:00  (expires in 3m0s)", j.Times)
	}
	if got := strings.Join(j.Scopes, " "); got != "fakebookapi.read" {
		t.Errorf("scopes: got %q, want fakebookapi.read", got)
	}
	if want := "{\n  \"alg\": \"RS256\",\n  \"kid\": \"k1\"\n}"; j.Header != want || j.Alg != "RS256" || j.Signature != 3 {
		t.Errorf("header: got %q, alg %q, %d bytes; want %q, RS256, 3 bytes", j.Header, j.Alg, j.Signature, want)
	}
	ex := v.Exchanges[0]
	if ex.RequestHeaders[0].Name != "Authorization" || ex.RequestHeaders[1].Name != "Content-Type" {
		t.Errorf("headers: got %+v, want them sorted by name", ex.RequestHeaders)
	}
	if !strings.HasPrefix(ex.Response, "{\n  \"access_token\"") {
		t.Errorf("response: got %q, want it indented", ex.Response)
	}
}

func TestDescribeTime(t *testing.T) {
	for _, tc := range []struct {
		claim string
		at    time.Time
		want  string
	}{
		{"exp", now.Add(3 * time.Minute), "00:05:00  (expires in 3m0s)"},
		{"exp", now.Add(-13 * time.Second), "00:01:47  (EXPIRED 13s ago)"},
		{"exp", now, "00:02:00  (EXPIRED 0s ago)"},
		{"iat", now.Add(-time.Minute), "00:01:00  (1m0s ago)"},
		{"nbf", now.Add(time.Minute), "00:03:00  (in 1m0s)"},
		// On another day, a bare clock time would read as today's: the
		// date too, however near (flows.Clock's one rule).
		{"exp", now.Add(-49 * time.Hour), "2025-12-29 23:02:00  (EXPIRED 2d1h ago)"},
		{"iat", now.Add(30 * 24 * time.Hour), "2026-01-31 00:02:00  (in 30d0h)"},
		{"iat", now.Add(-5 * time.Minute), "2025-12-31 23:57:00  (5m0s ago)"},
		{"exp", now.Add(23 * time.Hour), "23:02:00  (expires in 23h0m0s)"},
	} {
		if got := describeTime(tc.claim, tc.at, now); got != tc.want {
			t.Errorf("%s at %v: got %q, want %q", tc.claim, tc.at, got, tc.want)
		}
	}
}

// The error is explained once, for every face; a step without one has
// none, and the verdict is the result's.
func TestErrorAndVerdict(t *testing.T) {
	v := New(flows.Step{ID: "t", Title: "Token"}, flows.Result{Err: &oauth.Error{Op: "token", What: "refused", Try: "fix it", Retry: true}}, Options{Now: now})
	if !v.Failed || v.Err == nil || v.Err.Try != "fix it" || !v.Err.Retry || v.Title != "Token" {
		t.Errorf("got failed %v, error %+v, title %q; want failed, explained, Token", v.Failed, v.Err, v.Title)
	}
	ok := New(flows.Step{}, flows.Result{Checks: []oauth.Check{{Name: "iss", Status: oauth.Pass}}}, Options{Now: now})
	if ok.Failed || ok.Err != nil {
		t.Errorf("a passing step: got failed %v, error %v; want neither", ok.Failed, ok.Err)
	}
	bad := New(flows.Step{}, flows.Result{Checks: []oauth.Check{{Name: "iss", Status: oauth.Fail}}}, Options{Now: now})
	if !bad.Failed {
		t.Error("a failed check: got a step that did not fail")
	}
}

// JSON is indented to be read, unless its nesting would blow it up: 24 KB
// of brackets nested 9,000 deep, from a hostile server or in a token,
// indented, was 160 MB on the screen. It is shown as it came instead.
func TestIndentIsBoundedByTheInput(t *testing.T) {
	deep := `{"a":` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + `}`
	if got := indent([]byte(deep)); len(got) > maxIndented(len(deep)) {
		t.Errorf("nested 9,000 deep: %d bytes indented from %d, want at most %d", len(got), len(deep), maxIndented(len(deep)))
	}
	if got, want := indent([]byte(`{"a":[1,{"b":"c,[{"}]}`)), "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"c,[{\"\n    }\n  ]\n}"; got != want {
		t.Errorf("a sensible document: got %q, want %q", got, want)
	}
	wide := "[" + strings.Repeat(`{"k":"v"},`, 50000) + "1]"
	if got := indent([]byte(wide)); !strings.Contains(got, "\n") {
		t.Error("a long but shallow document was not indented")
	}
}
