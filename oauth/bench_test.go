package oauth

import (
	"net/http"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// Benchmarks of the pure parts every step runs: parsing a token response,
// explaining an error body, parsing a challenge, checking an ID token,
// redacting an exchange. Run: go test -run XXX -bench . -benchmem ./oauth/

func BenchmarkParseTokenResponse(b *testing.B) {
	body := oauthtest.Fixture(b, "keycloak/token-response-authorization-code.json")
	h := http.Header{"Content-Type": {"application/json"}}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseTokenResponse("token", 200, h, body, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExplainResponse(b *testing.B) {
	body := oauthtest.Fixture(b, "keycloak/error-unauthorized-client-wrong-secret.json")
	h := http.Header{"Content-Type": {"application/json"}}
	b.ReportAllocs()
	for b.Loop() {
		if e := explainResponse("token", 401, h, body); e.Code != "unauthorized_client" {
			b.Fatal(e)
		}
	}
}

func BenchmarkParseBearerChallenge(b *testing.B) {
	const h = `DPoP algs="ES256", Bearer realm="fakebook", error="insufficient_scope", error_description="needs more", scope="fakebookapi.admin"`
	b.ReportAllocs()
	for b.Loop() {
		if c := ParseBearerChallenge(h); c == nil || c.Scope != "fakebookapi.admin" {
			b.Fatal(c)
		}
	}
}

func BenchmarkCheckIDToken(b *testing.B) {
	resp, err := decodeObject(oauthtest.Fixture(b, "okta/token-response-authorization-code.json"))
	if err != nil {
		b.Fatal(err)
	}
	idt := resp["id_token"].(string)
	now := time.Unix(1767225660, 0)
	b.ReportAllocs()
	for b.Loop() {
		if cs := CheckIDToken(idt, "https://example.okta.com/oauth2/default", "0oanmPYyGf1KuTe0EWot", "n-0S6_WzA2Mj", now); Failed(cs) {
			b.Fatal(cs)
		}
	}
}

func BenchmarkRedacted(b *testing.B) {
	ex := Exchange{
		Method:         "POST",
		RequestHeader:  http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Basic dGVzdF9hcGlfY2xpZW50OnMzY3JldA=="}},
		RequestBody:    []byte("grant_type=refresh_token&refresh_token=abc&scope=openid"),
		ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody:   oauthtest.Fixture(b, "keycloak/token-response-authorization-code.json"),
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = ex.Redacted()
	}
}
