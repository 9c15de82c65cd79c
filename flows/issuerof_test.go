package flows

import (
	"context"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
)

// Given the URL of the discovery document as the issuer, discovery goes on
// with a hint that names the issuer; the tokens that follow are checked
// against that issuer, not against the document's URL: a sign-in, a
// client-credentials token and inspect pass, and the hint stays.
func TestTheDiscoveryDocumentURLAsTheIssuer(t *testing.T) {
	w, env := world(t, authserver.StyleKeycloak)
	env.Settings.Issuer = w.Issuer + "/.well-known/openid-configuration"
	rs := RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil)
	if len(rs) != 2 {
		t.Fatalf("stopped after %d steps: %v", len(rs), rs[len(rs)-1].Err)
	}
	check(t, rs[0].Checks, "hint", oauth.Warn)
	mustPass(t, "token", rs[1])
	check(t, rs[1].Tokens[0].Checks, "iss", oauth.Pass)

	r := InspectToken(VarAccessToken, rs[1].Vars[VarAccessToken]).Run(context.Background(), env, Vars{})
	mustPass(t, "inspect", r)
	check(t, r.Tokens[0].Checks, "iss", oauth.Pass)

	in := EmbeddedSignInSettings(w)
	in.Issuer += "/.well-known/openid-configuration"
	env = &Env{HTTP: env.HTTP, Settings: in, OpenBrowser: formBrowser(t, "alice")}
	rs = RunAll(context.Background(), env, AuthorizationCode(), Vars{}, nil)
	if len(rs) != 4 {
		t.Fatalf("sign-in stopped after %d steps: %v", len(rs), rs[len(rs)-1].Err)
	}
	for i, r := range rs {
		mustPass(t, AuthorizationCode().Steps[i].Title, r)
	}
}
