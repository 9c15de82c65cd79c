package oauth

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/explanations.golden")

// explainProbes are the answers the golden file explains: for every rule,
// its code with a description it is looking for (so the rule order, first
// match wins, shows), then every code with a description no rule looks for,
// at the token endpoint and at an API, then the statuses alone.
func explainProbes() (probes []*Error) {
	var codes []string
	for _, r := range rules {
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
