package flows

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

// Outside a lab's world (no weakened side, no browser to sign in with), a
// front-channel lab stops at its first step with an error saying so, and
// no check passes: a verdict needs the world it speaks of.
func TestFrontChannelLabsNeedTheirWorld(t *testing.T) {
	for _, l := range []Lab{CodeInterceptionLab(), LoginCSRFLab(), RedirectURILab()} {
		t.Run(l.Name, func(t *testing.T) {
			env := &Env{HTTP: oauth.NewHTTPClient(0), Settings: Settings{ClientID: "oauthlab-cli"}}
			results := RunAll(context.Background(), env, l.Flow(), nil, nil)
			if len(results) != 1 || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), "no lab world") {
				t.Fatalf("got %d results, first error %v; want the first step to fail with no lab world", len(results), results[0].Err)
			}
			for _, c := range results[0].Checks {
				if c.Status == oauth.Pass {
					t.Errorf("check %s passed outside a lab's world: %s", c.Name, c.Reason)
				}
			}
		})
	}
}

// The lab's browser opens only loopback http URLs: a redirect to anywhere
// else is refused before a request leaves.
func TestLabBrowserStaysOnLoopback(t *testing.T) {
	for _, u := range []string{"https://example.com/", "http://10.0.0.1/callback", "http://user@127.0.0.1/", "javascript:alert(1)", "file:///etc/passwd"} {
		var r Result
		if _, err := visit(context.Background(), labBrowser(&Env{}), &r, u); err == nil || len(r.Exchanges) != 0 {
			t.Errorf("%s: got err %v and %d exchanges, want a refusal and none", u, err, len(r.Exchanges))
		}
	}
	for _, u := range []string{"http://127.0.0.1:1/callback", "http://localhost:1/x", "http://[::1]:1/"} {
		if !loopbackHTTP(u) {
			t.Errorf("%s: want it allowed", u)
		}
	}
}

// The redirect-uri lab's protection holds only for a 400 on the server's
// own page with nothing sent to the attacker's listener: a code there, an
// error there (even an error tells the attacker the link worked), or any
// other answer is no protection.
func TestExactMatchHoldsOnlyForARefusalOnThePage(t *testing.T) {
	ln, err := oauth.ListenLoopback(0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tests := []struct {
		name string
		l    landing
		want oauth.CheckStatus
	}{
		{"refused on the page", landing{status: 400, page: "Invalid parameter: redirect_uri"}, oauth.Pass},
		{"code at the attacker", landing{status: 302, caught: url.Values{"code": {"c"}}, location: ln.RedirectURI()}, oauth.Fail},
		{"error at the attacker", landing{status: 302, caught: url.Values{"error": {"invalid_request"}}, location: ln.RedirectURI()}, oauth.Fail},
		{"200 login page", landing{status: 200}, oauth.Fail},
		{"400 but redirected", landing{status: 400, location: "https://elsewhere.example/"}, oauth.Fail},
	}
	for _, tt := range tests {
		if c := exactMatch(ln, tt.l); c.Name != CheckProtectionHeld || c.Status != tt.want {
			t.Errorf("%s: got %s %v (%s), want %v", tt.name, c.Name, c.Status, c.Reason, tt.want)
		}
	}
}

// The code-interception lab's verdicts, each against a token endpoint that
// answers as given: the attacker's redemption is the attack only with 200;
// the protected server holds only by refusing the request without PKCE with
// invalid_request, and the redemption without the verifier with 400
// invalid_grant.
func TestCodeInterceptionVerdicts(t *testing.T) {
	tokens := `{"access_token":"at","token_type":"Bearer","expires_in":300}`
	refused := `{"error":"invalid_grant","error_description":"PKCE verification failed"}`
	ln, err := oauth.ListenLoopback(0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	env := labEnv(Settings{ClientID: "oauthlab-cli"})
	only := func(r Result, name string) oauth.Check {
		t.Helper()
		for _, c := range r.Checks {
			if c.Name == name {
				return c
			}
		}
		t.Fatalf("no %q check in %+v (err %v)", name, r.Checks, r.Err)
		return oauth.Check{}
	}

	for _, tt := range []struct {
		status int
		body   string
		want   oauth.CheckStatus
	}{{200, tokens, oauth.Pass}, {400, refused, oauth.Fail}, {401, `{"error":"invalid_client"}`, oauth.Fail}} {
		vars := Vars{varLabTokenURL: answering(t, tt.status, tt.body), varLabCode: "c", varLabRedirect: ln.RedirectURI()}
		if c := only(attackerRedeemStep().Run(context.Background(), env, vars), CheckAttackSucceeded); c.Status != tt.want {
			t.Errorf("the attacker's redemption answered %d: got %v (%s), want %v", tt.status, c.Status, c.Reason, tt.want)
		}
	}

	for _, tt := range []struct {
		name   string
		caught url.Values
		check  string
		want   oauth.CheckStatus
	}{
		{"invalid_request, no code", url.Values{"error": {"invalid_request"}}, "PKCE required", oauth.Pass},
		{"another error", url.Values{"error": {"access_denied"}}, "PKCE required", oauth.Fail},
		{"nothing came back", nil, "PKCE required", oauth.Fail},
		{"a code", url.Values{"code": {"c"}}, CheckProtectionHeld, oauth.Fail},
	} {
		var r Result
		judgePKCERequired(context.Background(), env, nil, &r, ln, &oauth.Metadata{TokenEndpoint: answering(t, 200, tokens)}, landing{caught: tt.caught})
		if c := only(r, tt.check); c.Status != tt.want {
			t.Errorf("without PKCE, %s: got %s %v (%s), want %v", tt.name, c.Name, c.Status, c.Reason, tt.want)
		}
	}

	for _, tt := range []struct {
		status int
		body   string
		want   oauth.CheckStatus
	}{{400, refused, oauth.Pass}, {200, tokens, oauth.Fail}, {401, `{"error":"invalid_client"}`, oauth.Fail}, {400, `{"error":"invalid_request"}`, oauth.Fail}} {
		var r Result
		judgePKCEHeld(context.Background(), env, nil, &r, ln, &oauth.Metadata{TokenEndpoint: answering(t, tt.status, tt.body)}, landing{caught: url.Values{"code": {"c"}}})
		if c := only(r, CheckProtectionHeld); c.Status != tt.want {
			t.Errorf("with PKCE, the attacker's redemption answered %d %s: got %v (%s), want %v", tt.status, tt.body, c.Status, c.Reason, tt.want)
		}
	}
}
