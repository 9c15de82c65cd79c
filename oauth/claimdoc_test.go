package oauth

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestJWTExplainInOrder(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	raw := enc([]byte(`{"kid":"k1","alg":"RS256","zip":"x"}`)) + "." +
		enc([]byte(`{"sub":"alice","iss":"https://as","realm_access":{"roles":[]},"cid":"c","tenant_color":"blue","sub":"again"}`)) + ".c2ln"
	j, err := DecodeJWT(raw)
	if err != nil {
		t.Fatal(err)
	}
	header, claims := j.Explain()
	var hn, cn []string
	for _, d := range header {
		hn = append(hn, d.Name+":"+string(d.Family))
	}
	for _, d := range claims {
		cn = append(cn, d.Name+":"+string(d.Family))
	}
	if got, want := strings.Join(hn, " "), "kid:JWS alg:JWS zip:custom"; got != want {
		t.Errorf("header: got %s, want %s", got, want)
	}
	if got, want := strings.Join(cn, " "), "sub:JWT iss:JWT realm_access:Keycloak cid:Okta tenant_color:custom"; got != want {
		t.Errorf("claims: got %s, want %s", got, want)
	}
	for _, d := range append(header, claims...) {
		if d.Meaning == "" {
			t.Errorf("%s has no meaning", d.Name)
		}
		if d.Custom() != (d.Family == FamilyCustom) || (!d.Custom() && d.Source == "") {
			t.Errorf("%s: custom %v, source %q", d.Name, d.Custom(), d.Source)
		}
	}
}

func TestExplainClaimSources(t *testing.T) {
	for _, tc := range []struct{ name, source string }{
		{"iss", "RFC 7519 §4.1.1"}, {"auth_time", "OIDC Core §2"}, {"email_verified", "OIDC Core §5.1"},
		{"scope", "RFC 9068 §2.2.3"}, {"azp", "OIDC Core §2"}, {"allowed-origins", "Keycloak"}, {"scp", "Okta"},
	} {
		if got := ExplainClaim(tc.name).Source; got != tc.source {
			t.Errorf("%s: got source %q, want %q", tc.name, got, tc.source)
		}
	}
	if d := ExplainClaim("favourite_colour"); !d.Custom() || !strings.HasPrefix(d.Meaning, "custom") {
		t.Errorf("an unknown claim must be custom, got %+v", d)
	}
	if d := ExplainHeader("typ"); d.Source != "RFC 7515 §4.1.9" {
		t.Errorf("the typ header is RFC 7515's, got %+v", d)
	}
	if d := ExplainClaim("typ"); d.Family != FamilyKeycloak {
		t.Errorf("the typ claim is Keycloak's, got %+v", d)
	}
}

func TestAudienceAdvice(t *testing.T) {
	for _, tc := range []struct{ issuer, want string }{
		{"https://kc.example.com/realms/myorg", "Add mapper → By configuration → Audience"},
		{"https://dev-1.okta.com/oauth2/default", "api://default"},
		// oidc-provider and others: RFC 8707.
		{"https://login.example.com", "--resource"},
	} {
		got := AudienceAdvice(tc.issuer)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want it to name %q", tc.issuer, got, tc.want)
		}
	}
}
