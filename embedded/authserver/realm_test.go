package authserver

import (
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/internal/testkey"
)

// A realm name is a path segment of the issuer: Keycloak's reserved
// characters, spaces and invisible characters are refused, by CheckRealm and
// by New for a Keycloak-shaped server; ordinary names pass.
func TestCheckRealm(t *testing.T) {
	for _, ok := range []string{"myorg", "my-org_2", "customer.tenant", "Ünïcode"} {
		if err := CheckRealm(ok); err != nil {
			t.Errorf("CheckRealm(%q): %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"a/b", "a?b", "a#b", "a%2Fb", `a"b`, `a\b`, "my org", "a\tb", "x\x1b[2J", "my\u202eorg", "a\u0085b"} {
		err := CheckRealm(bad)
		if err == nil {
			t.Errorf("CheckRealm(%q) = nil, want a refusal", bad)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x1b\t\u202e\u0085") {
			t.Errorf("CheckRealm(%q): the error holds the raw character: %q", bad, err)
		}
		if _, err := New(Config{BaseURL: "http://127.0.0.1:1", Realm: bad}); err == nil {
			t.Errorf("New with realm %q started, want a refusal", bad)
		}
	}
	s, err := New(Config{BaseURL: "http://127.0.0.1:1", Style: StyleOkta, Realm: "a/b", SigningKey: testkey.RSA()})
	if err != nil {
		t.Fatalf("an Okta-shaped server ignores the realm, but New refused it: %v", err)
	}
	s.Close()
}
