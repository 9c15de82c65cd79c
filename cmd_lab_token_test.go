package main

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// runEveryStep runs every step of l's flow, on past a failed one, and
// returns each check by name: a verdict that would have stopped RunAll
// does not hide the ones after it.
func runEveryStep(t *testing.T, env *flows.Env, l flows.Lab) map[string]oauth.Check {
	t.Helper()
	env.Keys = flows.NewKeys()
	defer env.Keys.Close()
	vars, got := flows.Vars{}, map[string]oauth.Check{}
	for _, s := range l.Steps {
		r := s.Run(context.Background(), env, vars)
		vars.Merge(r.Vars)
		if r.Err != nil {
			t.Fatalf("step %s: %v", s.ID, r.Err)
		}
		for _, c := range r.Checks {
			got[c.Name] = c
		}
	}
	return got
}

// The labs at the token endpoint, in both shapes, every verdict both
// ways: in their own worlds the attacker gets Alice's tokens from the
// weakened server, which leaves her tokens active, and is refused by the
// protected one, which revokes them. With the protected server where the
// weakened one should be, "attack succeeded" and "tokens still active"
// fail; with the weakened server where the protected one should be,
// "protection held" and "tokens revoked" fail.
func TestTokenLabsEveryVerdictBothWays(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		w, err := embedded.Start(context.Background(), embedded.Options{Style: style})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		for _, l := range []flows.Lab{flows.CodeReplayLab(), flows.RefreshTheftLab()} {
			t.Run(string(style)+"/"+l.Name, func(t *testing.T) {
				lw, err := lab.Start(context.Background(), w, l.Name)
				if err != nil {
					t.Fatal(err)
				}
				defer lw.Close()
				for _, c := range []struct {
					name            string
					weak, protected labEnd
					want            map[string]oauth.CheckStatus
				}{
					{"own worlds", weakEnd(lw), protectedEnd(lw), map[string]oauth.CheckStatus{
						flows.CheckAttackSucceeded: oauth.Pass, flows.CheckStillActive: oauth.Pass,
						flows.CheckProtectionHeld: oauth.Pass, flows.CheckRevoked: oauth.Pass}},
					{"protected where the weakened should be", protectedEnd(lw), protectedEnd(lw), map[string]oauth.CheckStatus{
						flows.CheckAttackSucceeded: oauth.Fail, flows.CheckStillActive: oauth.Fail}},
					{"weakened where the protected should be", weakEnd(lw), weakEnd(lw), map[string]oauth.CheckStatus{
						flows.CheckProtectionHeld: oauth.Fail, flows.CheckRevoked: oauth.Fail}},
				} {
					got := runEveryStep(t, labEnv(w, lw, l, c.weak, c.protected), l)
					for name, want := range c.want {
						if got[name].Status != want {
							t.Errorf("%s: %s got %v (%s), want %v", c.name, name, got[name].Status, got[name].Reason, want)
						}
					}
				}
			})
		}
	}
}

// Outside a lab's world the token labs refuse to run: no weakened server,
// no browser to sign Alice in with.
func TestTokenLabsNeedTheirWorld(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, l := range []flows.Lab{flows.CodeReplayLab(), flows.RefreshTheftLab()} {
		rs := labEnv(w, nil, l, labEnd{}, labEnd{})
		r := l.Steps[0].Run(context.Background(), rs, flows.Vars{})
		if r.Err == nil || !strings.Contains(r.Err.Error(), "no lab world") {
			t.Errorf("%s without its world: got %v, want no lab world", l.Name, r.Err)
		}
		env := labEnv(w, nil, l, labEnd{issuer: w.Issuer}, labEnd{issuer: w.Issuer})
		r = l.Steps[0].Run(context.Background(), env, flows.Vars{})
		if r.Err == nil || !strings.Contains(r.Err.Error(), "no browser") {
			t.Errorf("%s without a browser: got %v, want no browser", l.Name, r.Err)
		}
	}
}
