package oauth

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/explanations.golden")

// explainProbes are the answers the golden file explains: for every rule,
// its code with a description it is looking for (so the rule order, first
// match wins, shows), then every code with a description no rule looks for,
// at the token endpoint and at an API, then the statuses alone.
func explainProbes() (probes []*Error) {
	var codes []string
	for _, r := range explained.rules {
		op := r.op
		if op == "" {
			op = "token"
		}
		probes = append(probes, &Error{Op: op, Status: 400, Code: r.code, Description: r.contains})
		if !slices.Contains(codes, r.code) {
			codes = append(codes, r.code)
		}
	}
	for _, code := range codes {
		for _, op := range []string{"token", "api"} {
			probes = append(probes, &Error{Op: op, Status: 401, Code: code, Description: "Something Else"})
		}
	}
	for _, status := range []int{0, 400, 401, 403, 404, 405, 409, 418, 429, 500, 503} {
		probes = append(probes, &Error{Op: "token", Status: status})
	}
	// A status limited to one step, e.g. "api: 404".
	for _, key := range slices.Sorted(maps.Keys(explained.statuses)) {
		if op, status, ok := strings.Cut(key, ": "); ok {
			n, _ := strconv.Atoi(status)
			probes = append(probes, &Error{Op: op, Status: n})
		}
	}
	return probes
}

// The explanations are the ones the golden file holds, for every code,
// every rule and every status: rewrite it with -update and read the diff.
func TestExplanationsGolden(t *testing.T) {
	var b bytes.Buffer
	for _, p := range explainProbes() {
		body := []byte{}
		if p.Code != "" {
			body, _ = json.Marshal(map[string]string{"error": p.Code, "error_description": p.Description})
		}
		e := explainResponse(p.Op, p.Status, http.Header{}, body)
		fmt.Fprintf(&b, "%s %d %q %q\n  what:  %s\n  cause: %s\n  try:   %s\n  retry: %v\n\n", p.Op, p.Status, p.Code, p.Description, e.What, e.Cause, e.Try, e.Retry)
	}
	const golden = "testdata/explanations.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("the explanations differ from %s (go test ./oauth -run TestExplanationsGolden -update rewrites it; read the diff):\n%s", golden, firstDiff(b.String(), string(want)))
	}
}

// firstDiff is the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := bytes.Split([]byte(got), []byte("\n")), bytes.Split([]byte(want), []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, gl, wl)
		}
	}
	return ""
}

// A malformed, incomplete or unreachable entry in explanations.md is
// refused, with what is wrong.
func TestExplanationsRefuseMalformed(t *testing.T) {
	const grant = "### invalid_grant, description contains \"pkce\"\n"
	tests := []struct {
		name, old, new, want string
	}{
		{"no What", "What: the PKCE code_verifier did not match the code_challenge\n\n", "", "no What"},
		{"no Cause", "Cause: a verifier from another attempt, a missing verifier, or a challenge sent without S256 (RFC 7636\n§4.6)\n\n", "", "has no Cause"},
		{"misspelt field", "Cause: a verifier from another attempt", "Because: a verifier from another attempt", `unknown field "Because"`},
		{"no Try", "\nTry: start the login again so the verifier and challenge come from the same attempt\n", "", "has no Try"},
		{"unknown field", grant, grant + "\nHint: none\n", `unknown field "Hint"`},
		{"second entry", grant, "### invalid_grant\n\nWhat: w\n\nCause: c\n\nTry: t\n\n" + grant, `a second entry "invalid_grant"`},
		{"never used", grant, "### INVALID_GRANT\n\nWhat: w\n\nCause: c\n\nTry: t\n\n" + grant, `never used: "INVALID_GRANT"`},
		{"never used description", grant, "### invalid_grant, description contains \"pk\"\n\nWhat: w\n\nCause: c\n\nTry: t\n\n" + grant, "never used"},
		{"upper case description", grant, "### invalid_grant, description contains \"PKCE\"\n", "compared in lower case"},
		{"heading without quotes", grant, "### invalid_grant, description contains pkce\n", "not a rule heading"},
		{"heading with two spaces", grant, "### invalid_grant,  description contains \"pkce\"\n", "not a rule heading"},
		{"retry", "Retry: yes\n", "Retry: maybe\n", `retry "maybe"`},
		{"status with What", "### HTTP 401\n", "### HTTP 401\n\nWhat: refused\n", "a status has no What"},
		{"not a status", "### HTTP 401\n", "### HTTP 200\n", "not a status"},
		{"no 5xx", "### HTTP 5xx\n", "### HTTP 499\n", "no entry HTTP 5xx"},
		{"op of a status", "### api: HTTP 404\n", "### API: HTTP 404\n", "op in lower case letters"},
		{"op-limited 5xx", "### HTTP 5xx\n", "### api: HTTP 5xx\n", "no entry HTTP 5xx"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := string(explanations)
			if !strings.Contains(doc, tc.old) {
				t.Fatalf("explanations.md has no %q to change", tc.old)
			}
			_, err := parseCatalogue([]byte(strings.Replace(doc, tc.old, tc.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := parseCatalogue(explanations); err != nil {
		t.Errorf("explanations.md: %v", err)
	}
}
