package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// browserResult is what testdata/browser/login.mjs saw.
type browserResult struct {
	LoginPageTitle string   `json:"login_page_title"`
	CallbackURL    string   `json:"callback_url"`
	CallbackText   string   `json:"callback_text"`
	CSP            []string `json:"csp"`
	Error          string   `json:"error"`
}

// TestLoginInARealBrowser: `oauthlab login --embedded` with Debian's
// Chromium as the browser (driven by playwright-core). Chromium signs in on
// the embedded login page as alice, allows the consent and is redirected to
// oauthlab's loopback callback; oauthlab exchanges the code. Form posts from
// Go cannot stand in for this: a browser enforces what a page's headers ask
// (CSP form-action once blocked exactly this redirect), follows the
// redirect itself and renders the callback page a user reads.
func TestLoginInARealBrowser(t *testing.T) {
	chromium, dir := browser(t, "real-browser login")
	for _, style := range []string{"keycloak", "okta"} {
		t.Run(style, func(t *testing.T) {
			result := filepath.Join(t.TempDir(), "browser.json")
			script := filepath.Join(t.TempDir(), "chromium.sh")
			body := "#!/bin/sh\ncd " + strconv.Quote(dir) + " && CHROMIUM=" + strconv.Quote(chromium) +
				" exec node login.mjs \"$1\" " + strconv.Quote(result) + " >/dev/null 2>&1\n"
			if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := oauthlab(t, []string{"OAUTHLAB_BROWSER=" + script}, "login", "--embedded", "--style", style, "--json", "--timeout", "40s")

			// The browser writes its report after it closes; wait for it.
			var got browserResult
			deadline := time.Now().Add(30 * time.Second)
			for {
				b, err := os.ReadFile(result)
				if err == nil {
					if err := json.Unmarshal(b, &got); err != nil {
						t.Fatalf("browser report %s: %v", b, err)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the browser wrote no report; oauthlab exit %d\nstderr %s", code, errOut)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if got.Error != "" {
				t.Fatalf("the browser could not sign in: %s\n(login page %q, landed on %q)\noauthlab stderr: %s",
					got.Error, got.LoginPageTitle, got.CallbackURL, errOut)
			}
			if len(got.CSP) > 0 {
				t.Errorf("the browser reported Content Security Policy violations: %q", got.CSP)
			}
			if !strings.Contains(got.CallbackURL, "/callback?") || !strings.Contains(got.CallbackURL, "code=REDACTED") ||
				!strings.Contains(got.CallbackURL, "state=") {
				t.Errorf("the browser should land on the loopback callback with a code and state, landed on %q", got.CallbackURL)
			}
			if !strings.Contains(got.CallbackText, "oauthlab received the authorization code") {
				t.Errorf("the callback page should tell the user it worked, it says %q", got.CallbackText)
			}
			if code != 0 {
				t.Fatalf("oauthlab login: exit %d\nstdout %s\nstderr %s", code, out, errOut)
			}
			if !strings.Contains(out, `"id": "exchange"`) || strings.Contains(out, `"ok": false`) {
				t.Fatalf("the code exchange did not complete:\n%s", out)
			}
		})
	}
}
