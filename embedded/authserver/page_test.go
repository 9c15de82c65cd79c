package authserver

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// The server-rendered pages may not be framed, cached or scripted; the
// device page's form may post only here, while the login page leaves
// form-action out (browsers would apply it to the redirect to the client).
func TestPagesHeaders(t *testing.T) {
	const csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		f := start(t, style)
		for _, tt := range []struct{ name, url, csp, title string }{
			{"logout", f.s.Issuer() + f.s.paths().logout, csp, "You are signed out"},
			{"device", f.s.VerificationURI(), csp + "; form-action 'self'", "<form"},
		} {
			t.Run(string(style)+"/"+tt.name, func(t *testing.T) {
				resp, err := http.Get(tt.url)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				for h, want := range map[string]string{
					"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
					"X-Frame-Options": "DENY", "Content-Security-Policy": tt.csp,
				} {
					if got := resp.Header.Get(h); got != want {
						t.Errorf("%s: got %q, want %q", h, got, want)
					}
				}
				b, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), tt.title) {
					t.Fatalf("got %d %.200q, want 200 with %q", resp.StatusCode, b, tt.title)
				}
			})
		}
	}
}
