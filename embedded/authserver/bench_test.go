package authserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkTokenEndpointClientCredentials measures the whole token endpoint
// (parse, constant-time client authentication, scope checks, RS256 signing,
// JSON write) for the client credentials grant, and reports tokens per
// second. Run: go test -run '^$' -bench TokenEndpoint ./embedded/authserver/
func BenchmarkTokenEndpointClientCredentials(b *testing.B) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		b.Run(string(style), func(b *testing.B) {
			s, err := New(Config{BaseURL: "http://127.0.0.1:1", Style: style})
			if err != nil {
				b.Fatal(err)
			}
			h := s.Handler()
			path := s.issuerPath() + s.paths().token
			do := func() int {
				req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("grant_type=client_credentials&scope=fakebookapi.read"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.SetBasicAuth(DemoClientID, DemoClientSecret)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec.Code
			}
			if code := do(); code != http.StatusOK { // also waits for the key
				b.Fatalf("token endpoint: got %d, want 200", code)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if code := do(); code != http.StatusOK {
					b.Fatalf("token endpoint: got %d, want 200", code)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
