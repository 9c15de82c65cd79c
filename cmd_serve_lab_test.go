package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// serveFor runs serve with o until the test ends; its stdout.
func serveFor(t *testing.T, o *serveOptions) *syncBuffer {
	t.Helper()
	isolateCache(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, o, &out, &errb) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return &out
}

// servedLabChecks runs lab l's flow as the demo client of the served
// issuer, against the two APIs given; the checks it made, by name.
func servedLabChecks(issuer, weak, protected string, l flows.Lab) map[string]oauth.Check {
	s := flows.Settings{Issuer: issuer, ClientID: authserver.DemoClientID, ClientSecret: oauth.Secret(authserver.DemoClientSecret),
		Scopes: []string{authserver.ScopeRead}, LabWeakAPI: weak, LabProtectedAPI: protected}
	got := map[string]oauth.Check{}
	for _, r := range flows.RunAll(context.Background(), &flows.Env{HTTP: oauth.NewHTTPClient(0), Settings: s}, l.Flow(), nil, nil) {
		for _, c := range r.Checks {
			got[c.Name] = c
		}
	}
	return got
}

// serve --lab prints the lab's URLs and says the world is weakened, in
// the banner and on every event line; its weakened API answers as
// weakened (the attack works there) and its protected one refuses.
func TestServeLabRunsTheWeakenedWorld(t *testing.T) {
	out := serveFor(t, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg", lab: "alg-none"})
	issuer := waitFor(t, out, regexp.MustCompile(`issuer\s+(\S+)`))[1]
	weak := waitFor(t, out, regexp.MustCompile(`weakened API\s+(\S+)`))[1]
	protected := waitFor(t, out, regexp.MustCompile(`protected API\s+(\S+)`))[1]
	if banner := out.String(); !strings.HasPrefix(banner, labHeader+" — alg-none") {
		t.Fatalf("the banner does not open with the weakened world:\n%s", banner)
	}
	got := servedLabChecks(issuer, weak, protected, flows.AlgNoneLab())
	for _, name := range []string{flows.CheckAttackSucceeded, flows.CheckProtectionHeld} {
		if got[name].Status != oauth.Pass {
			t.Errorf("%s: got %v (%s), want pass", name, got[name].Status, got[name].Reason)
		}
	}
	waitFor(t, out, regexp.MustCompile(`fakebook \(WEAKENED\)\s+GET\s+/books\s+200`))
	_, log, _ := strings.Cut(out.String(), "Press Ctrl-C")
	lines := strings.Split(strings.TrimSpace(log), "\n")[1:]
	if len(lines) == 0 {
		t.Fatal("no event lines")
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, labEventTag) {
			t.Errorf("an event line does not say the world is weakened: %q", l)
		}
	}
}

// Plain serve weakens nothing: no lab in the banner or the log, and the
// alg-none forgery is refused by its FakeBook.
func TestPlainServeIsNeverWeakened(t *testing.T) {
	out := serveFor(t, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg"})
	issuer := waitFor(t, out, regexp.MustCompile(`issuer\s+(\S+)`))[1]
	api := waitFor(t, out, regexp.MustCompile(`FakeBook\s+(\S+)`))[1]
	got := servedLabChecks(issuer, api, api, flows.AlgNoneLab())
	if c := got[flows.CheckAttackSucceeded]; c.Status != oauth.Fail || !strings.Contains(c.Reason, "401") {
		t.Fatalf("plain serve: the attack got %v (%s), want refused with 401", c.Status, c.Reason)
	}
	waitFor(t, out, regexp.MustCompile(`GET\s+/books\s+401`))
	if s := out.String(); strings.Contains(s, "weakened") || strings.Contains(s, "WEAKENED") || strings.Contains(s, "LAB") {
		t.Fatalf("plain serve speaks of a weakened world:\n%s", s)
	}
}

// --lab is refused with --allow-lan and with --issuer, and an unknown lab
// is named with the list of labs: usage errors, before anything listens.
func TestServeLabRefusals(t *testing.T) {
	isolateCache(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"serve", "--lab", "alg-none", "--allow-lan", "--addr", "0.0.0.0:0"}, []string{"--allow-lan", "127.0.0.1 only"}},
		{[]string{"serve", "--lab", "alg-none", "--issuer", "https://issuer.example"}, []string{"--issuer"}},
		{[]string{"serve", "--lab", "no-such-lab"}, append([]string{`"no-such-lab"`}, labNames()...)},
	} {
		code, out, errOut := runCLI(t, tc.args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %s", tc.args, code, exitUsage, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q lacks %q", tc.args, errOut, w)
			}
		}
		if strings.Contains(out, "issuer") {
			t.Errorf("%v: a world started before the refusal:\n%s", tc.args, out)
		}
	}
}

func labNames() []string {
	var names []string
	for _, l := range flows.Labs() {
		names = append(names, l.Name)
	}
	return names
}

// serve --lab key-rotation names the lab's own issuer and its admin URL
// (an attack by hand needs both), and never prints the leaked key.
func TestServeLabKeyRotationNamesItsIssuer(t *testing.T) {
	out := serveFor(t, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg", lab: "key-rotation"})
	waitFor(t, out, regexp.MustCompile(`lab issuer\s+http://127\.0\.0\.1:\d+/realms/myorg\s`))
	waitFor(t, out, regexp.MustCompile(`admin URL\s+http://127\.0\.0\.1:\d+/admin/keys/rotate-and-withdraw\s`))
	if s := out.String(); strings.Contains(s, "PRIVATE KEY") {
		t.Fatalf("serve --lab key-rotation printed the leaked key:\n%s", s)
	}
}
