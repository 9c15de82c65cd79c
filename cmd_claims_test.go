package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// inspect says what each claim means, in text and in --json, and marks a
// claim nobody defines as custom.
func TestInspectExplainsClaims(t *testing.T) {
	tok := validatetest.Sign(t, map[string]any{"alg": "none", "typ": "JWT"},
		map[string]any{"iss": "https://as.example", "azp": "web", "realm_access": map[string]any{"roles": []string{"r"}}, "cid": "c", "tenant_color": "blue"}, nil)
	_, stdout, stderr := runCLI(t, "inspect", tok)
	out := strings.Join(strings.Fields(stdout+stderr), " ") // the columns' widths follow the longest name
	for _, want := range []string{
		"iss issuer: the authorization server that made the token (RFC 7519 §4.1.1)",
		"azp authorized party: the client the token was issued to (OIDC Core §2)",
		"realm_access the user's realm roles",
		"cid the client id the token was issued to (Okta)",
		"tenant_color custom:",
		"header alg the algorithm",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect's text lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = runCLI(t, "inspect", "--json", tok)
	var doc struct {
		Steps []struct {
			Tokens []struct {
				Header []struct {
					Name, Source string
				} `json:"header_explained"`
				Claims []struct {
					Name, Meaning, Source, Family string
					Custom                        bool
				} `json:"claims_explained"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Steps) == 0 || len(doc.Steps[0].Tokens) == 0 {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	tk := doc.Steps[0].Tokens[0]
	var got []string
	for _, c := range tk.Claims {
		got = append(got, c.Name+"/"+c.Family)
		if (c.Name == "tenant_color") != c.Custom {
			t.Errorf("%s: custom %v", c.Name, c.Custom)
		}
	}
	if len(tk.Header) == 0 || tk.Header[0].Source == "" {
		t.Errorf("header_explained: got %+v, want each parameter with a source", tk.Header)
	}
	for _, want := range []string{"iss/JWT", "azp/OIDC", "realm_access/Keycloak", "cid/Okta", "tenant_color/custom"} {
		if !strings.Contains(strings.Join(got, " "), want) {
			t.Errorf("claims_explained: got %v, want %s", got, want)
		}
	}
}
