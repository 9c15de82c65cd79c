package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/plain"
)

func TestLabLists(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"lab"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d, want 0; stderr %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"alg-none", "alg-confusion", "audience", "code-interception", "redirect-uri", "login-csrf", "code-replay", "refresh-theft", "revoked-token", "key-rotation"}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, w := range want {
		if f := strings.Fields(lines[i]); len(f) == 0 || f[0] != w {
			t.Errorf("line %d is %q, want it to start with %s", i, lines[i], w)
		}
	}
}

func TestLabUnknownIsUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"lab", "no-such-lab"}, &out, &errOut); code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
}

// Each lab headless with --json: exit 0, ok true, the attack's check and
// the protection's check both passed, and the weakened server's event is
// named as such.
func TestLabJSON(t *testing.T) {
	for _, l := range flows.Labs() {
		t.Run(l.Name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run([]string{"lab", l.Name, "--json"}, &out, &errOut)
			if code != exitOK {
				t.Fatalf("exit %d, want 0; stdout %s\nstderr %s", code, out.String(), errOut.String())
			}
			var doc struct {
				OK    bool   `json:"ok"`
				Lab   string `json:"lab"`
				World string `json:"world"`
				Steps []struct {
					Checks []oauth.Check `json:"checks"`
				} `json:"steps"`
				Events []struct {
					Server string `json:"server"`
				} `json:"events"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, out.String())
			}
			if !doc.OK || doc.Lab != l.Name || doc.World != "weakened" {
				t.Fatalf("got ok=%v lab=%q world=%q, want true %q weakened", doc.OK, doc.Lab, doc.World, l.Name)
			}
			passed := map[string]bool{}
			for _, s := range doc.Steps {
				for _, c := range s.Checks {
					passed[c.Name] = c.Status == oauth.Pass
				}
			}
			for _, name := range []string{flows.CheckAttackSucceeded, flows.CheckProtectionHeld} {
				if !passed[name] {
					t.Errorf("check %q did not pass", name)
				}
			}
			weak := false
			for _, e := range doc.Events {
				weak = weak || e.Server == weakServerOf(l.Name)
			}
			if !weak {
				t.Errorf("no event from %q", weakServerOf(l.Name))
			}
		})
	}
}

// weakServerOf is the name the events of lab name's weakened server carry.
func weakServerOf(name string) string {
	switch name {
	case lab.CodeInterception, lab.RedirectURI, lab.CodeReplay, lab.RefreshTheft:
		return authserver.WeakServer
	case lab.LoginCSRF:
		return lab.WeakWebApp
	}
	return lab.WeakServer
}

// labSide is one side of a lab's world, the weakened or the protected one:
// its API, its authorization server and its web app.
type labSide struct{ api, issuer, client string }

func weakSide(lw *lab.World) labSide { return labSide{lw.WeakAPI, lw.WeakIssuer, lw.WeakClient} }
func protectedSide(lw *lab.World) labSide {
	return labSide{lw.ProtectedAPI, lw.ProtectedIssuer, lw.ProtectedClient}
}

// labEnv is the env lab l runs with in w, with the given sides and the rest
// of lw's world (its browser too) when lw is not nil.
func labEnv(w *embedded.World, lw *lab.World, l flows.Lab, weak, protected labSide) *flows.Env {
	world := lw
	if world == nil {
		world = &lab.World{}
	}
	s, rs := setup.LabSettings(w, world, l)
	for _, x := range []*flows.Settings{&s, rs} {
		if x != nil {
			x.LabWeakAPI, x.LabWeakIssuer, x.LabWeakClient = weak.api, weak.issuer, weak.client
			x.LabProtectedAPI, x.LabProtectedIssuer, x.LabProtectedClient = protected.api, protected.issuer, protected.client
		}
	}
	env := &flows.Env{HTTP: oauth.NewHTTPClient(0), Settings: s, ResourceServer: rs}
	if lw != nil {
		env.SignIn = lw.SignIn
	}
	return env
}

// runLabFlow runs l's flow in w with the given sides where the weakened
// and the protected one should be, and the rest of lw's world when lw is
// not nil.
func runLabFlow(t *testing.T, w *embedded.World, lw *lab.World, l flows.Lab, weak, protected labSide) map[string]oauth.Check {
	t.Helper()
	got := map[string]oauth.Check{}
	for i, r := range flows.RunAll(context.Background(), labEnv(w, lw, l, weak, protected), l.Flow(), nil, nil) {
		if r.Failed() {
			t.Logf("step %d failed: %v %v", i, r.Err, r.Checks)
		}
		for _, c := range r.Checks {
			got[c.Name] = c
		}
	}
	return got
}

// Flows-level, against each lab world: the attack succeeds in the weakened
// world and fails in the protected one. And the opposite verdicts: with
// the protected side where the weakened one should be, "attack succeeded"
// fails (and the lab stops there); with the weakened side where the
// protected one should be, "protection held" fails. Each run has a lab
// world of its own: a world whose key the key-rotation lab has rotated
// is not the world it starts from.
func TestLabAttackSucceedsWeakenedAndFailsProtected(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	run := func(t *testing.T, l flows.Lab, weak, protected func(*lab.World) labSide) map[string]oauth.Check {
		t.Helper()
		lw, err := lab.Start(context.Background(), w, l.Name)
		if err != nil {
			t.Fatal(err)
		}
		defer lw.Close()
		return runLabFlow(t, w, lw, l, weak(lw), protected(lw))
	}
	for _, l := range flows.Labs() {
		t.Run(l.Name, func(t *testing.T) {
			got := run(t, l, weakSide, protectedSide)
			for _, name := range []string{flows.CheckAttackSucceeded, flows.CheckProtectionHeld} {
				if got[name].Status != oauth.Pass {
					t.Errorf("%s: got %v (%s), want pass", name, got[name].Status, got[name].Reason)
				}
			}
			got = run(t, l, protectedSide, protectedSide)
			if c := got[flows.CheckAttackSucceeded]; c.Status != oauth.Fail {
				t.Errorf("attack at the protected side: %s got %v, want fail", c.Name, c.Status)
			}
			if _, ran := got[flows.CheckProtectionHeld]; ran {
				t.Errorf("the lab went on after its attack failed")
			}
			got = run(t, l, weakSide, weakSide)
			if c := got[flows.CheckProtectionHeld]; c.Status != oauth.Fail {
				t.Errorf("protection at the weakened side: %s got %v (%s), want fail", c.Name, c.Status, c.Reason)
			}
		})
	}
}

// The default world's FakeBook is never weakened: the forged tokens of the
// alg labs are refused there. (The audience lab's token is genuine and
// meant for the default FakeBook's own audience, account: what refuses a
// foreign aud there is oauth/validate's aud check, tested in that package.)
func TestDefaultWorldRefusesForgedTokens(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, l := range []flows.Lab{flows.AlgNoneLab(), flows.AlgConfusionLab()} {
		t.Run(l.Name, func(t *testing.T) {
			got := runLabFlow(t, w, nil, l, labSide{api: w.APIBase}, labSide{api: w.APIBase})
			if c := got[flows.CheckAttackSucceeded]; c.Status != oauth.Fail || !strings.Contains(c.Reason, "401") {
				t.Errorf("the default world: got %v (%s), want the attack refused with 401", c.Status, c.Reason)
			}
		})
	}
}

// The key-rotation lab's leaked private key is a secret output: neither
// the text nor the JSON prints it, unless --reveal asks.
func TestLabKeyRotationHidesTheLeakedKey(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		shown bool
	}{
		{[]string{"lab", "key-rotation"}, false},
		{[]string{"lab", "key-rotation", "--json"}, false},
		{[]string{"lab", "key-rotation", "--reveal"}, true},
	} {
		var out, errOut bytes.Buffer
		if code := run(tt.args, &out, &errOut); code != exitOK {
			t.Fatalf("%v: exit %d, want 0; stderr %s", tt.args, code, errOut.String())
		}
		s := out.String() + errOut.String()
		if !strings.Contains(s, "leaked_key") || strings.Contains(s, "PRIVATE KEY") != tt.shown {
			t.Errorf("%v: the key shown %v, want %v (or no leaked_key at all):\n%s", tt.args, !tt.shown, tt.shown, s)
		}
	}
}

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
		w := keptWorld(t, style)
		for _, l := range []flows.Lab{flows.CodeReplayLab(), flows.RefreshTheftLab()} {
			t.Run(string(style)+"/"+l.Name, func(t *testing.T) {
				lw, err := lab.Start(context.Background(), w, l.Name)
				if err != nil {
					t.Fatal(err)
				}
				defer lw.Close()
				for _, c := range []struct {
					name            string
					weak, protected labSide
					want            map[string]oauth.CheckStatus
				}{
					{"own worlds", weakSide(lw), protectedSide(lw), map[string]oauth.CheckStatus{
						flows.CheckAttackSucceeded: oauth.Pass, flows.CheckStillActive: oauth.Pass,
						flows.CheckProtectionHeld: oauth.Pass, flows.CheckRevoked: oauth.Pass}},
					{"protected where the weakened should be", protectedSide(lw), protectedSide(lw), map[string]oauth.CheckStatus{
						flows.CheckAttackSucceeded: oauth.Fail, flows.CheckStillActive: oauth.Fail}},
					{"weakened where the protected should be", weakSide(lw), weakSide(lw), map[string]oauth.CheckStatus{
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
	w := keptWorld(t, authserver.StyleKeycloak)
	for _, l := range []flows.Lab{flows.CodeReplayLab(), flows.RefreshTheftLab()} {
		rs := labEnv(w, nil, l, labSide{}, labSide{})
		r := l.Steps[0].Run(context.Background(), rs, flows.Vars{})
		if r.Err == nil || !strings.Contains(r.Err.Error(), "no lab world") {
			t.Errorf("%s without its world: got %v, want no lab world", l.Name, r.Err)
		}
		env := labEnv(w, nil, l, labSide{issuer: w.Issuer}, labSide{issuer: w.Issuer})
		r = l.Steps[0].Run(context.Background(), env, flows.Vars{})
		if r.Err == nil || !strings.Contains(r.Err.Error(), "no browser") {
			t.Errorf("%s without a browser: got %v, want no browser", l.Name, r.Err)
		}
	}
}

// The lab's text hides the refresh tokens and the attacker's tokens and
// says --reveal shows them; with --reveal, it does.
func TestLabReveal(t *testing.T) {
	for _, reveal := range []bool{false, true} {
		args := []string{"lab", "refresh-theft"}
		if reveal {
			args = append(args, "--reveal")
		}
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != exitOK {
			t.Fatalf("%v: exit %d, want 0; stderr %s", args, code, errOut.String())
		}
		if hidden := strings.Contains(out.String(), "hidden; --reveal shows it"); hidden == reveal {
			t.Errorf("%v: says a token is hidden: %v, want %v", args, hidden, !reveal)
		}
	}
}

// The server-side events a lab prints come from outside (a request's path,
// what a server says about a token): each stays on its line, its control
// characters shown, so a path or a detail cannot forge a line — a ✓
// verdict — or clear the screen.
func TestLabTextEventsStayOnTheirLines(t *testing.T) {
	forged := "\n✓ alg-none: forged\x1b[2J"
	seen := []events.Event{
		{Server: "fakebook-weak" + forged, Decision: "rotated" + forged},
		{Server: lab.WeakServer, Method: "GET", Path: "/api/me" + forged, Status: 200, Decision: "allowed" + forged,
			Details: []string{"WEAKENED: alg none accepted" + forged, "reason: inactive" + forged}},
		{Server: "authserver", Method: "POST", Path: "/token", Status: 400, Decision: "refused" + forged,
			Details: []string{"revoked the grant" + forged}},
		{Server: "fakebook", Method: "GET", Path: "/api/me", Status: 401, Decision: "refused",
			Details: []string{"aud: fail" + forged}},
	}
	var out bytes.Buffer
	writeLabText(&out, flows.AlgNoneLab(), &bytes.Buffer{}, seen, false)
	s := out.String()
	if strings.Contains(s, "\x1b") || strings.Contains(s, "\n✓") {
		t.Errorf("an event wrote its control characters raw, or forged a line:\n%s", s)
	}
	if got, want := strings.Count(s, `\n✓ alg-none: forged\x1b[2J`), 8; got != want {
		t.Errorf("got %d events' text shown with its escapes, want %d:\n%s", got, want, s)
	}
}

// A lab demonstrated what it should — ✓, "ok": true, exit 0 — only when
// every step ran and none failed: a failed check, or a flow cut short,
// gives ✗, "ok": false and exit 1, in the text and in the JSON.
func TestLabReportSaysWhenNotDemonstrated(t *testing.T) {
	l := flows.AlgNoneLab()
	f := l.Flow()
	n := len(f.Steps)
	fail := func(name string) flows.Result {
		return flows.Result{Checks: []oauth.Check{{Name: name, Status: oauth.Fail, Reason: "refused"}}}
	}
	passed := make([]flows.Result, n)
	lastFailed := append(make([]flows.Result, n-1), fail(flows.CheckProtectionHeld))
	for _, tt := range []struct {
		name    string
		results []flows.Result
		ok      bool
	}{
		{"every step passed", passed, true},
		{"the attack failed, the flow stopped", []flows.Result{fail(flows.CheckAttackSucceeded)}, false},
		{"the protection failed", lastFailed, false},
		{"cut short, nothing failed", passed[:n-1], false},
		{"nothing ran", nil, false},
	} {
		for _, asJSON := range []bool{false, true} {
			var out bytes.Buffer
			err := reportLab(&out, l, f, tt.results, &bytes.Buffer{}, nil, asJSON, plain.Options{})
			code := exitOK
			if ee := (*exitError)(nil); errors.As(err, &ee) {
				code = ee.code
			} else if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			wantCode := exitOK
			if !tt.ok {
				wantCode = exitFailed
			}
			if code != wantCode {
				t.Errorf("%s (json %v): exit %d, want %d", tt.name, asJSON, code, wantCode)
			}
			if asJSON {
				var doc struct{ OK bool }
				if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.OK != tt.ok {
					t.Errorf("%s: got ok=%v (%v), want %v", tt.name, doc.OK, err, tt.ok)
				}
				continue
			}
			if got := strings.Contains(out.String(), "✓ "+l.Name+":"); got != tt.ok || strings.Contains(out.String(), "✗ "+l.Name+":") == tt.ok {
				t.Errorf("%s: says ✓ %v, want %v:\n%s", tt.name, got, tt.ok, out.String())
			}
		}
	}
}

// Step.Again is true of the login-csrf lab: run again right after it ran,
// the weakened app's plant fails (the app spent the attacker's code) and
// says so, the protected app's passes again (it refuses on state before
// any exchange) and keeps the plain hint.
func TestLoginCSRFPlantSaysWhetherItRunsAgain(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	l := flows.LoginCSRFLab()
	lw, err := lab.Start(context.Background(), w, l.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer lw.Close()
	env := labEnv(w, lw, l, weakSide(lw), protectedSide(lw))
	vars := flows.Vars{}
	for _, s := range l.Steps {
		r := s.Run(context.Background(), env, vars)
		if r.Failed() {
			t.Fatalf("%s: failed the first time: %v %v", s.ID, r.Err, r.Checks)
		}
		vars.Merge(r.Vars)
		if !strings.HasPrefix(s.ID, "plant") {
			continue
		}
		again := s.Run(context.Background(), env, vars)
		if again.Failed() != (s.Again != "") {
			t.Errorf("%s run again: failed %v, but its Again is %q (want one exactly when it fails)", s.ID, again.Failed(), s.Again)
		}
	}
}
