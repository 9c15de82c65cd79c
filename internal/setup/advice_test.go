package setup

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// The embedded world's explanations speak of the embedded world: its
// built-in clients, not an admin console; its own port, not 8080.
func TestEmbeddedExplanationsAreAboutTheEmbeddedWorld(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			r := resolve(t, Request{Embedded: true, Style: string(style)})
			env := &flows.Env{HTTP: &http.Client{}, Settings: r.Machine}
			env.Settings.ClientSecret = "wrong"
			res := flows.RunAll(context.Background(), env, flows.ClientCredentials(), flows.Vars{}, nil)
			e := oauth.Explain(res[len(res)-1].Err)
			text := e.Explained()
			for _, bad := range []string{"Clients > the client", "Credentials tab", "General tab", "admin console in Okta", "Okta admin console"} {
				if strings.Contains(text, bad) {
					t.Errorf("a wrong secret at the embedded world is explained with admin-console advice %q:\n%s", bad, text)
				}
			}
			if strings.Contains(e.What, "Keycloak") || strings.Contains(e.What, "Okta") {
				t.Errorf("the embedded server is called by a vendor's name: %q", e.What)
			}
			if !strings.Contains(text, "no admin console") || !strings.Contains(text, authserver.DemoClientID) {
				t.Errorf("want the embedded world's built-in clients named:\n%s", text)
			}
			if e.Retry {
				t.Error("a wrong secret is not worth retrying as is")
			}
			// Sent as itself, not in an assertion: the secret is blamed, not
			// the method (TestEmbeddedAdviceOnAnAssertionBlamesTheMethod).
			if !strings.Contains(e.Cause, "secret sent is not one of them") || strings.Contains(e.Cause, "registered for client_secret_basic") {
				t.Errorf("a wrong secret sent as basic: got cause %q, want the secret blamed, not the method", e.Cause)
			}

			// The issuer edited to a closed port: the Try names the world's
			// own port, not 8080.
			env.Settings.ClientSecret = oauth.Secret(authserver.DemoClientSecret)
			env.Settings.Issuer = "http://127.0.0.1:1/realms/myorg"
			d := flows.Discovery().Steps[0].Run(context.Background(), env, flows.Vars{})
			e = oauth.Explain(d.Err)
			if !strings.Contains(e.Try, r.World.Issuer) || strings.Contains(e.Explained(), "8080") {
				t.Errorf("refused: want the world's issuer %s and no 8080:\n%s", r.World.Issuer, e.Explained())
			}
		})
	}
}

// A scope the demo client lacks is refused, explained with the world's own
// clients and their scopes.
func TestEmbeddedAdviceNamesTheBuiltInScopes(t *testing.T) {
	r := resolve(t, Request{Embedded: true, Style: "keycloak"})
	env := &flows.Env{HTTP: &http.Client{}, Settings: r.Machine}
	env.Settings.Scopes = []string{"no.such.scope"}
	res := flows.RunAll(context.Background(), env, flows.ClientCredentials(), flows.Vars{}, nil)
	e := oauth.Explain(res[len(res)-1].Err)
	if e == nil || !strings.Contains(e.Cause, "scopes are built in") {
		t.Errorf("a scope the client lacks: want the built-in scopes named, got %v", e)
	}
}

// Okta's refusal of openid with client credentials keeps its own reason:
// no client of the embedded world could get openid by that grant, so the
// built-in scopes and "switch to a client" would send a reader astray.
func TestEmbeddedOktaOpenIDRefusalKeepsItsReason(t *testing.T) {
	r := resolve(t, Request{Embedded: true, Style: "okta"})
	env := &flows.Env{HTTP: &http.Client{}, Settings: r.Machine}
	env.Settings.Scopes = []string{"openid"}
	res := flows.RunAll(context.Background(), env, flows.ClientCredentials(), flows.Vars{}, nil)
	e := oauth.Explain(res[len(res)-1].Err)
	if e == nil || strings.Contains(e.Try, "switch to a client") || !strings.Contains(e.Cause, "about a user") {
		t.Errorf("openid with client credentials at the Okta shape: got %v, want the grant's own reason", e.Explained())
	}
}

// A built-in client that signs a JWT assertion with its right secret is
// refused for the method, not the secret: the explanation says it is
// registered for its secret alone, and where to register a JWT client.
func TestEmbeddedAdviceOnAnAssertionBlamesTheMethod(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			r := resolve(t, Request{Embedded: true, Style: string(style)})
			env := &flows.Env{HTTP: &http.Client{}, Settings: r.Machine}
			env.Settings.AuthMethod = oauth.AuthSecretJWT
			res := flows.RunAll(context.Background(), env, flows.ClientCredentials(), flows.Vars{}, nil)
			e := oauth.Explain(res[len(res)-1].Err)
			if e == nil {
				t.Fatal("client_secret_jwt from a client registered for its secret: got no error, want invalid_client")
			}
			text := e.Explained()
			if strings.Contains(text, "secret sent is not one of them") || !strings.Contains(e.Cause, "registered for client_secret_basic and client_secret_post") ||
				!strings.Contains(e.Try, "serve --clients") {
				t.Errorf("want the method blamed, not the secret, and serve --clients offered:\n%s", text)
			}
		})
	}
}
