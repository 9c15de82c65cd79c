package oauth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// What RFC 9700 deprecates, advertised in metadata, is a Warn citing its
// section; a server that advertises none of it gets none.
func TestDiscoveryLintsWhatRFC9700Deprecates(t *testing.T) {
	tests := []struct {
		name string
		edit func(md map[string]any)
		want map[string]string // check name → a part of its reason; absent names must not appear
	}{
		{"clean", func(md map[string]any) {
			md["grant_types_supported"] = []string{"authorization_code", "refresh_token", "client_credentials"}
			md["response_types_supported"] = []string{"code", "id_token", "code id_token"}
		}, map[string]string{}},
		{"implicit grant", func(md map[string]any) { md["grant_types_supported"] = []string{"authorization_code", "implicit"} },
			map[string]string{oauth.CheckImplicitGrant: "RFC 9700 §2.1.2"}},
		{"implicit for ID tokens only", func(md map[string]any) {
			md["grant_types_supported"] = []string{"authorization_code", "implicit"}
			md["response_types_supported"] = []string{"code", "id_token", "code id_token"}
		}, map[string]string{}},
		{"token response type", func(md map[string]any) { md["response_types_supported"] = []string{"code", "id_token token"} },
			map[string]string{oauth.CheckImplicitGrant: `"id_token token"`}},
		{"password grant", func(md map[string]any) { md["grant_types_supported"] = []string{"password"} },
			map[string]string{oauth.CheckPasswordGrant: "RFC 9700 §2.4"}},
		{"plain PKCE beside S256", func(md map[string]any) { md["code_challenge_methods_supported"] = []string{"plain", "S256"} },
			map[string]string{oauth.CheckPKCEPlain: "RFC 9700 §2.1.1"}},
		{"no PKCE method", func(md map[string]any) { delete(md, "code_challenge_methods_supported") },
			map[string]string{"code_challenge_methods_supported": "RFC 9700 §2.1.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, issuer := metadataServer(t, false, func(_ string, md map[string]any) { tt.edit(md) })
			d, _, err := oauth.Discover(context.Background(), nil, issuer)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{oauth.CheckImplicitGrant, oauth.CheckPasswordGrant, oauth.CheckPKCEPlain, "code_challenge_methods_supported"} {
				c, ok := checkNamed(d.Checks, name)
				want, wanted := tt.want[name]
				switch {
				case wanted && (!ok || c.Status != oauth.Warn || !strings.Contains(c.Reason, want)):
					t.Errorf("%s: got %+v, want a warn citing %q", name, c, want)
				case !wanted && ok && c.Status == oauth.Warn:
					t.Errorf("%s: got a warn %q, want none", name, c.Reason)
				}
			}
		})
	}
}

// oidc-provider advertises neither implicit nor password nor plain PKCE.
func TestInteropDiscoveryLintsNothing(t *testing.T) {
	p := oauthtest.OIDCProvider(t)
	d, _, err := oauth.Discover(context.Background(), nil, p.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{oauth.CheckImplicitGrant, oauth.CheckPasswordGrant, oauth.CheckPKCEPlain} {
		if c, ok := checkNamed(d.Checks, name); ok {
			t.Errorf("got %+v, want no %s check for oidc-provider", c, name)
		}
	}
}
