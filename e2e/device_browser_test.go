package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// deviceBrowserResult is what testdata/browser/device.mjs saw.
type deviceBrowserResult struct {
	PageTitle string   `json:"page_title"`
	Prefilled string   `json:"prefilled"`
	FinalURL  string   `json:"final_url"`
	FinalText string   `json:"final_text"`
	CSP       []string `json:"csp"`
	Error     string   `json:"error"`
}

// TestDeviceFlowInARealBrowser: `oauthlab device --embedded` waits while
// Debian's Chromium, as the person on another device, opens
// verification_uri_complete (what the QR code holds), finds the code
// filled in, signs in and allows — or denies — the device; oauthlab's
// polling then ends with the tokens, or with access_denied and exit 1.
func TestDeviceFlowInARealBrowser(t *testing.T) {
	chromium, dir := browser(t, "real-browser device flow")
	for _, tt := range []struct{ style, mode, wantText string }{
		{"keycloak", "allow", "Device Login Successful"},
		{"okta", "allow", "Device activated"},
		{"keycloak", "deny", "Consent denied for connecting the device."},
	} {
		t.Run(tt.style+"/"+tt.mode, func(t *testing.T) {
			cmd := exec.Command(bin, "device", "--embedded", "--style", tt.style, "--json", "--no-qr", "--timeout", "90s")
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			var complete, code string
			var said strings.Builder
			sc := bufio.NewScanner(stderr)
			for sc.Scan() && complete == "" {
				line := sc.Text()
				said.WriteString(line + "\n")
				f := strings.Fields(line)
				switch {
				case strings.HasPrefix(line, "and enter the code"):
					code = f[len(f)-1]
				case strings.HasPrefix(line, "or open"):
					complete = f[len(f)-1]
				}
			}
			if complete == "" || code == "" {
				t.Fatalf("no verification_uri_complete and user code on stderr:\n%s", said.String())
			}
			go func() { // keep draining the poll lines
				for sc.Scan() {
				}
			}()
			result := filepath.Join(t.TempDir(), "device.json")
			b := exec.Command("node", "device.mjs", complete, code, result, tt.mode)
			b.Dir = dir
			b.Env = append(os.Environ(), "CHROMIUM="+chromium)
			if out, err := b.CombinedOutput(); err != nil {
				t.Fatalf("device.mjs: %v\n%s", err, out)
			}
			var got deviceBrowserResult
			raw, err := os.ReadFile(result)
			if err == nil {
				err = json.Unmarshal(raw, &got)
			}
			if err != nil {
				t.Fatalf("browser report: %v", err)
			}
			if got.Error != "" {
				t.Fatalf("the browser could not answer: %s (page %q)", got.Error, got.PageTitle)
			}
			if got.Prefilled != code {
				t.Errorf("the code in the field: got %q, want %q (from verification_uri_complete)", got.Prefilled, code)
			}
			if len(got.CSP) > 0 {
				t.Errorf("Content Security Policy violations: %q", got.CSP)
			}
			if !strings.Contains(got.FinalText, tt.wantText) {
				t.Errorf("the page after the answer says %q, want %q (at %s)", got.FinalText, tt.wantText, got.FinalURL)
			}
			err = cmd.Wait()
			exit := 0
			if ee, ok := err.(*exec.ExitError); ok {
				exit = ee.ExitCode()
			}
			if tt.mode == "allow" && (exit != 0 || !strings.Contains(stdout.String(), `"access_token"`)) {
				t.Errorf("approved: exit %d, want 0 with an access token:\n%s", exit, stdout.String())
			}
			if tt.mode == "deny" && (exit != 1 || !strings.Contains(stdout.String(), "access_denied")) {
				t.Errorf("denied: exit %d, want 1 with access_denied:\n%s", exit, stdout.String())
			}
		})
	}
}
