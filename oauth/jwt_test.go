package oauth_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

func TestDecodeJWTFixtures(t *testing.T) {
	for _, vendor := range []string{"keycloak", "okta"} {
		var resp map[string]any
		json.Unmarshal(oauthtest.Fixture(t, vendor+"/token-response-authorization-code.json"), &resp)
		tok, err := oauth.DecodeJWT(resp["access_token"].(string))
		if err != nil {
			t.Fatalf("%s: %v", vendor, err)
		}
		if tok.Header["alg"] != "RS256" || tok.Claims["iss"] == nil || len(tok.Signature) != 256 {
			t.Errorf("%s: header %v, iss %v, %d signature bytes (want RS256, an iss, 256)", vendor, tok.Header, tok.Claims["iss"], len(tok.Signature))
		}
		if _, ok := tok.Claims["exp"].(json.Number); !ok {
			t.Errorf("%s: exp is %T, want json.Number so it prints as an integer", vendor, tok.Claims["exp"])
		}
		if !strings.HasPrefix(tok.Raw, tok.SigningInput+".") {
			t.Errorf("%s: SigningInput is not the first two parts", vendor)
		}
	}
	// Keycloak's header bytes keep its odd spacing (SOURCES.md).
	var kc map[string]any
	json.Unmarshal(oauthtest.Fixture(t, "keycloak/token-response-client-credentials.json"), &kc)
	tok, _ := oauth.DecodeJWT(kc["access_token"].(string))
	if !strings.Contains(string(tok.HeaderJSON), `"typ" : "JWT"`) {
		t.Errorf("HeaderJSON lost Keycloak's spacing: %s", tok.HeaderJSON)
	}
}

func TestDecodeJWTErrors(t *testing.T) {
	ok := func(s string) string { return b64([]byte(s)) }
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"abc.def", "2 parts"},
		{"a.b.c.d.e", "encrypted JWE"},
		{"!!.e30.sig", "header is not base64url"},
		{ok(`{}`) + ".!!.sig", "payload is not base64url"},
		{ok(`{}`) + "." + ok(`{}`) + ".!!", "signature is not base64url"},
		{ok(`[1]`) + "." + ok(`{}`) + ".c2ln", "header is not a JSON object: it is a JSON array"},
		{ok(`{}`) + "." + ok(`"sub"`) + ".c2ln", "payload is not a JSON object: it is a JSON string"},
		{ok(`{}`) + "." + ok(`{"exp":`) + ".c2ln", "payload is not a JSON object"},
		{ok(`{}`) + "." + ok(`{}`) + "." + ok(`x`) + ".", "4 parts"},
		{ok(`{}`) + "." + ok(`null`) + ".c2ln", "null"},
		{ok(`{}`) + "." + ok(`{} {}`) + ".c2ln", "trailing data"},
		{"." + ok(`{}`) + ".c2ln", "empty"},
		{strings.Repeat("a", oauth.MaxTokenSize+1), "bytes"},
	}
	for _, tc := range tests {
		_, err := oauth.DecodeJWT(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeJWT(%.30q): got %v, want an error about %q", tc.in, err, tc.want)
		}
		if _, isTFE := err.(*oauth.TokenFormatError); !isTFE {
			t.Errorf("DecodeJWT(%.30q): got %T, want *TokenFormatError", tc.in, err)
		}
		if oauth.LooksLikeJWT(tc.in) {
			t.Errorf("LooksLikeJWT(%.30q) = true", tc.in)
		}
	}
	if !oauth.LooksLikeJWT("  " + ok(`{"alg":"RS256"}`) + "." + ok(`{"sub":"a"}`) + ".c2ln\n") {
		t.Error("a JWT with surrounding spaces should decode")
	}
}

// The RFC 9068 typ in either form and any case is an access token's; a
// plain JWT, none, or a typ that is no string is not.
func TestIsAccessTokenTyp(t *testing.T) {
	for _, tc := range []struct {
		typ  any
		want bool
	}{
		{"at+jwt", true}, {"AT+JWT", true}, {"application/at+jwt", true}, {"Application/AT+JWT", true},
		{"JWT", false}, {nil, false}, {42, false}, {"at+jwt+extra", false}, {"application/jwt", false},
	} {
		tok := &oauth.JWT{Header: map[string]any{"alg": "RS256"}}
		if tc.typ != nil {
			tok.Header["typ"] = tc.typ
		}
		if got := tok.IsAccessTokenTyp(); got != tc.want {
			t.Errorf("typ %v: got %v, want %v", tc.typ, got, tc.want)
		}
	}
}
