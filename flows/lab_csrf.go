package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// LoginCSRFLab: the attacker's code lands in the victim's callback, and a
// client that does not check state signs the victim into the attacker's
// account (RFC 6749 §10.12, RFC 9700 §4.7). Unlike the other labs, the
// weakness is the client's: the authorization server is the same on both
// sides, and what differs is the web app's callback.
func LoginCSRFLab() Lab {
	return withTexts(Lab{
		Name: "login-csrf",
		Steps: []Step{attackerCallbackStep("attacker-code", "The attacker gets a code for their own account",
			func(s Settings) string { return s.LabWeakClient },
			"The attacker opens the app's sign-in link in their own browser, signs in as bob at the real server and keeps the "+
				"callback URL instead of following it: a code for bob's account, not yet exchanged. This app sent no state."),
			plantStep("plant", "alice's browser delivers the attacker's callback to the weakened app",
				"the app redeems the attacker's code once: run the step before this one again first",
				func(s Settings) string { return s.LabWeakClient }, judgeAttack),
			attackerCallbackStep("attacker-code-protected", "The attacker gets a code again, at the app that checks state",
				func(s Settings) string { return s.LabProtectedClient },
				"The same at the protected app: its sign-in link carries a state, kept in the attacker's own session there; "+
					"the callback URL the attacker keeps carries that state."),
			plantStep("plant-protected", "alice's browser delivers it to the app that checks state", "",
				func(s Settings) string { return s.LabProtectedClient }, judgeProtection),
		},
	})
}

// attackerCallbackStep: the attacker signs in as themselves through the
// app at base and keeps the callback URL.
func attackerCallbackStep(id, title string, base func(Settings) string, why string) Step {
	return Step{ID: id, Title: title, From: Attacker, To: AuthServer, RFC: "RFC 6749 §4.1.2", Why: why,
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			app := base(env.Settings)
			if app == "" || env.SignIn == nil {
				return failed(env, r, noLabWorld())
			}
			resp, err := visit(ctx, labBrowser(env), &r, strings.TrimRight(app, "/")+"/login")
			if err != nil {
				return failed(env, r, err)
			}
			authURL := resp.Header.Get("Location")
			if resp.Status != http.StatusFound || authURL == "" {
				return failed(env, r, &oauth.Error{Op: "lab", What: fmt.Sprintf("the app's /login answered %d without an authorization URL", resp.Status),
					Try: "run the lab again"})
			}
			cb, err := env.SignIn(ctx, authURL, labAttacker)
			if err != nil {
				return failed(env, r, err)
			}
			if cb.Query().Get("code") == "" {
				return failed(env, r, &oauth.Error{Op: "lab", What: "signing in as " + labAttacker + " gave no code: " + callbackError(cb.Query()),
					Try: "run the lab again"})
			}
			state := cb.Query().Get("state")
			if state == "" {
				state = "(none: this app sends no state)"
			}
			r.Outputs = []Output{{Name: "sign_in_link", Value: authURL}, {Name: "callback kept", Value: cb.String()}, {Name: "state", Value: state}}
			r.Vars = Vars{varLabCallback: cb.String()}
			return r
		}}
}

// appAnswer is the lab's web app's JSON answer.
type appAnswer struct {
	SignedInAs       string `json:"signed_in_as"`
	Sub              string `json:"sub"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// plantStep: the victim's browser opens the attacker's callback URL at the
// app at base, then asks the app who it is signed in as; again is its
// Step.Again, for an app that redeems the code it is given.
func plantStep(id, title, again string, base func(Settings) string, judge func(callback, me int, cb, who appAnswer) oauth.Check) Step {
	return Step{ID: id, Title: title, From: Browser, To: Client, RFC: "RFC 6749 §10.12", Again: again,
		Why: "alice has the app's sign-in page open: her browser has a login of its own in progress there. She visits a page " +
			"of the attacker's that makes her browser open the attacker's callback URL at the app (an image is enough). Then " +
			"she uses the app: who is she signed in as?",
		Inputs: []string{"lab_callback"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			app := strings.TrimRight(base(env.Settings), "/")
			cbURL := vars[varLabCallback]
			if app == "" || !strings.HasPrefix(cbURL, app+"/") {
				// The attacker's URL names the app it was made for: one for
				// the other app proves nothing about this one.
				return failed(env, r, &oauth.Error{Op: "lab", What: "the attacker's callback is not this app's",
					Cause: "the step before it did not run against the same app", Try: "run the lab from its first step"})
			}
			victim := labBrowser(env)
			// Her own login in progress: the app keeps its state, if it
			// sends one, in her session.
			if _, err := visit(ctx, victim, &r, app+"/login"); err != nil {
				return failed(env, r, err)
			}
			cb, cbAnswer, err := appCall(ctx, victim, &r, cbURL)
			if err != nil {
				return failed(env, r, err)
			}
			me, meAnswer, err := appCall(ctx, victim, &r, app+"/me")
			if err != nil {
				return failed(env, r, err)
			}
			r.Outputs = []Output{{Name: "callback answer", Value: fmt.Sprintf("%d %s", cb, describe(cbAnswer))},
				{Name: "signed in as", Value: fmt.Sprintf("%d %s", me, describe(meAnswer))}}
			r.Checks = []oauth.Check{judge(cb, me, cbAnswer, meAnswer)}
			return r
		}}
}

// appCall is the browser b opening u at the lab's web app.
func appCall(ctx context.Context, b *http.Client, r *Result, u string) (int, appAnswer, error) {
	var a appAnswer
	resp, err := visit(ctx, b, r, u)
	if err != nil {
		return 0, a, err
	}
	if err := json.Unmarshal(resp.Body, &a); err != nil {
		return resp.Status, a, &oauth.Error{Op: "lab", What: fmt.Sprintf("the app answered %d with something other than its JSON", resp.Status), Err: err,
			Try: "run the lab again"}
	}
	return resp.Status, a, nil
}

func describe(a appAnswer) string {
	if a.Error != "" {
		return strings.TrimSpace(a.Error + " " + a.ErrorDescription)
	}
	return a.SignedInAs + " (sub " + a.Sub + ")"
}

// judgeAttack passes when the victim's browser ended up signed in as the
// attacker.
func judgeAttack(cb, me int, _, who appAnswer) oauth.Check {
	if me == http.StatusOK && who.SignedInAs == labAttacker {
		return oauth.Check{Name: CheckAttackSucceeded, Status: oauth.Pass,
			Reason: "the weakened app exchanged the attacker's code in alice's browser: she is now signed in as " + labAttacker + " (sub " + who.Sub + ")"}
	}
	return oauth.Check{Name: CheckAttackSucceeded, Status: oauth.Fail,
		Reason: fmt.Sprintf("the callback answered %d and alice's browser is signed in as %q (%d), not as %s: the attack did not work where it should, so this lab demonstrates nothing",
			cb, who.SignedInAs, me, labAttacker)}
}

// judgeProtection passes when the app refused the callback for its state
// and the victim's browser is signed in as nobody.
func judgeProtection(cb, me int, ans, who appAnswer) oauth.Check {
	if cb == http.StatusForbidden && ans.Error == "state_mismatch" && me == http.StatusUnauthorized {
		return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Pass,
			Reason: "403 state_mismatch: the app refused the callback before exchanging its code, its state is not the one in alice's session; her browser is signed in as nobody"}
	}
	return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail,
		Reason: fmt.Sprintf("the callback answered %d %s and alice's browser is signed in as %q (%d), want 403 state_mismatch and nobody: the protection did not stop the attack",
			cb, ans.Error, who.SignedInAs, me)}
}
