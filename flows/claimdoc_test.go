package flows

import (
	"context"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
)

// Every claim and header parameter the embedded Keycloak- and Okta-shaped
// servers put in their access and ID tokens has a meaning: none is custom.
func TestEmbeddedTokensHaveNoCustomClaims(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			_, env := world(t, style)
			var tokens []Token
			for _, r := range RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil) {
				tokens = append(tokens, r.Tokens...)
			}
			env.Settings.ClientID, env.Settings.ClientSecret = authserver.NativeClientID, ""
			env.Settings.Scopes = []string{"openid", "profile", "email", "offline_access", authserver.ScopeRead}
			env.OpenBrowser = formBrowser(t, "alice")
			for _, r := range RunAll(context.Background(), env, AuthorizationCode(), Vars{}, nil) {
				tokens = append(tokens, r.Tokens...)
			}
			seen := map[string]bool{}
			for _, tok := range tokens {
				if tok.JWT == nil || tok.Name == VarRefreshToken {
					continue
				}
				seen[tok.Name] = true
				header, claims := tok.JWT.Explain()
				for _, d := range append(header, claims...) {
					if d.Family == oauth.FamilyCustom {
						t.Errorf("%s: %s is explained as custom", tok.Name, d.Name)
					}
				}
			}
			if !seen[VarAccessToken] || !seen[VarIDToken] {
				t.Fatalf("got tokens %v, want an access token and an ID token", seen)
			}
		})
	}
}
