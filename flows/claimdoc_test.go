package flows

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
)

// Every claim and header parameter the embedded Keycloak- and Okta-shaped
// servers put in their access and ID tokens has a meaning: none is custom.
func TestEmbeddedTokensHaveNoCustomClaims(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			w, env := world(t, style)
			var tokens []Token
			for _, r := range RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil) {
				tokens = append(tokens, r.Tokens...)
			}
			env.Settings = EmbeddedSignInSettings(w)
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

// An access token whose aud is not the expected one says how the server
// that issued it sets aud: Keycloak's audience mapper, Okta's
// authorization server audience, or the embedded world's own advice.
func TestAudAdviceNamesTheServer(t *testing.T) {
	for _, tc := range []struct {
		style    authserver.Style
		embedded bool
		want     string
	}{
		{authserver.StyleKeycloak, false, "Add mapper → By configuration → Audience"},
		{authserver.StyleOkta, false, "Authorization Servers → the server → Settings → Audience"},
		{authserver.StyleKeycloak, true, "the embedded world puts"},
	} {
		_, env := world(t, tc.style)
		env.Settings.Audience = "https://api.example"
		if tc.embedded {
			env.Settings.EmbeddedAdvice = []Advice{{Code: AdviceAudience, Try: "the embedded world puts X"}}
		} else {
			env.Settings.EmbeddedIssuer = "" // as if it were the real server
		}
		var aud *oauth.Check
		for _, r := range RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil) {
			for _, tok := range r.Tokens {
				for i, c := range tok.Checks {
					if c.Name == "aud" && tok.Name == VarAccessToken {
						aud = &tok.Checks[i]
					}
				}
			}
		}
		if aud == nil || aud.Status != oauth.Fail || !strings.Contains(aud.Reason, tc.want) {
			t.Errorf("%s (embedded %v): aud check %+v, want a failure naming %q", tc.style, tc.embedded, aud, tc.want)
		}
	}
}

// With no audience configured, aud is reported, not enforced: no advice on
// changing it is added to that warning.
func TestNoAudAdviceWithoutAnExpectedAudience(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	env.Settings.EmbeddedIssuer = "" // as if it were the real server
	for _, r := range RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil) {
		for _, tok := range r.Tokens {
			for _, c := range tok.Checks {
				if c.Name == "aud" && tok.Name == VarAccessToken && (c.Status != oauth.Warn || strings.Contains(c.Reason, "Add mapper")) {
					t.Errorf("aud with no audience configured: %s %q, want a warning without advice", c.Status, c.Reason)
				}
			}
		}
	}
}
