package flows

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// The resource server's labs: what a FakeBook that validates tokens alone
// cannot know — that a token was revoked, that a key was withdrawn — and
// the one that asks the issuer refuses.

// RevokedTokenLab: a revoked token that local validation still accepts,
// and introspection refuses (RFC 7009 §3, RFC 7662 §1).
func RevokedTokenLab() Lab {
	return withTexts(Lab{
		Name: "revoked-token",
		Steps: []Step{discoveryStep(), clientCredentialsStep(),
			stealStep(),
			bothAcceptStep("use-stolen", "The attacker uses the stolen token", Attacker, varLabToken,
				"Before anyone notices, the stolen token works at both FakeBooks: it is genuine. So a refusal later is "+
					"the revocation's doing, not a token that never worked there."),
			revokeStep(nextStepAsks), revokedStep(),
			attackStep(), protectedStepBecause(validate.CheckActive)},
	})
}

// stealStep is the attacker copying the access token, untouched.
func stealStep() Step {
	s := forgeStep("steal", "The attacker copies the access token",
		"A bearer token is like cash: whoever holds it may use it (RFC 6750 §5.1). The attacker needs no key and "+
			"forges nothing; the copy is the genuine token.",
		func(_ context.Context, _ *Env, vars Vars, _ *Result) (string, error) {
			return vars[VarAccessToken], nil
		})
	s.RFC = "RFC 6750 §5.1"
	return s
}

// bothAcceptStep sends the token in vars[key] to both of the lab's APIs:
// each must answer 200, so that a refusal later is the protection's doing.
func bothAcceptStep(id, title string, from Actor, key, why string) Step {
	return Step{ID: id, Title: title, Why: why, RFC: "RFC 6750 §2.1", From: from, To: ResourceServer, Inputs: []string{key},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			var refused []string
			for _, api := range []struct{ name, base string }{
				{"weakened API", env.Settings.LabWeakAPI}, {"protected API", env.Settings.LabProtectedAPI}} {
				if api.base == "" {
					r.Err = noLabWorld()
					return r
				}
				resp, ex, err := oauth.CallAPI(ctx, env.HTTP, http.MethodGet, strings.TrimRight(api.base, "/")+labPath, vars[key], nil)
				r.Exchanges = append(r.Exchanges, ex...)
				if err != nil {
					return failed(env, r, err)
				}
				r.Outputs = append(r.Outputs, Output{Name: api.name, Value: fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status))})
				if resp.Status != http.StatusOK {
					refused = append(refused, fmt.Sprintf("the %s answered %d", api.name, resp.Status))
				}
			}
			c := oauth.Check{Name: "accepted by both", Status: oauth.Pass, Reason: "200 from both: each FakeBook accepted this token before the lab changed anything"}
			if len(refused) > 0 {
				c = oauth.Check{Name: "accepted by both", Status: oauth.Fail, Reason: strings.Join(refused, "; ") +
					", not 200: the token must work at both before the lab changes anything, or a later refusal shows nothing"}
			}
			r.Checks = []oauth.Check{c}
			return r
		}}
}

// KeyRotationLab: a key rotation the resource server does not follow
// (OpenID Connect Core §10.1.1, RFC 7517 §5).
func KeyRotationLab() Lab {
	return withTexts(Lab{
		Name: "key-rotation",
		Steps: []Step{atLabIssuer(discoveryStep()), atLabIssuer(clientCredentialsStep()),
			bothAcceptStep("before", "Both APIs accept the client's genuine token", Client, VarAccessToken,
				"Before the rotation both FakeBooks trust the issuer's key: one from its copy, one from the jwks_uri. "+
					"So a refusal later is the rotation's doing, not a key never trusted there."),
			forgeLeakedStep(), rotateStep(), atLabIssuer(newKeyStep()),
			attackStep(), protectedStepBecause(validate.CheckKid)},
	})
}

// atLabIssuer runs s against the lab world's own authorization server
// (Settings.LabIssuer) instead of the session's.
func atLabIssuer(s Step) Step {
	run := s.Run
	s.Run = func(ctx context.Context, env *Env, vars Vars) Result {
		iss := env.Settings.LabIssuer
		if iss == "" {
			return Result{Err: noLabWorld()}
		}
		lab := *env
		lab.Settings.Issuer, lab.Settings.EmbeddedIssuer = iss, iss
		return run(ctx, &lab, vars)
	}
	return s
}

func forgeLeakedStep() Step {
	s := forgeStep("forge-leaked", "Sign a token with the leaked key",
		"The attacker writes the claims they like — sub becomes \"attacker\", exp an hour from now — and signs them "+
			"with the leaked private key, naming its kid. The signature is perfect: only the key set a resource server "+
			"trusts can tell that the issuer no longer vouches for that key (RFC 7515 §4.1.4).", forgeLeaked)
	s.RFC = "RFC 7515 §4.1.4"
	s.Inputs = append(s.Inputs, "leaked key")
	return s
}

// forgeLeaked signs the attacker's claims with the leaked key, after
// checking that it is the key that signed the genuine token: in a world
// that has rotated since it started, the attacker's key is stale.
func forgeLeaked(_ context.Context, env *Env, vars Vars, r *Result) (string, error) {
	leaked := env.Settings.LabLeakedKey
	if leaked.IsZero() {
		return "", errors.New("the lab's world gave the attacker no leaked key: run it with oauthlab lab key-rotation")
	}
	r.Outputs = append(r.Outputs, Output{Name: "leaked_key", Value: leaked.Reveal(), Secret: true})
	key, err := rsaPrivateKey(leaked.Reveal())
	if err != nil {
		return "", err
	}
	genuine, err := oauth.DecodeJWT(vars[VarAccessToken])
	if err != nil {
		return "", err
	}
	digest := sha256.Sum256([]byte(genuine.SigningInput))
	if rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], genuine.Signature) != nil {
		return "", errors.New("the leaked key did not sign the client's genuine token: this lab's world has rotated its key since it started; " +
			"run the lab again in a fresh world")
	}
	claims, err := escalate(env, vars[VarAccessToken])
	if err != nil {
		return "", err
	}
	header := maps.Clone(genuine.Header)
	header["alg"] = "RS256"
	return oauth.SignJWT(header, claims, key)
}

// rsaPrivateKey reads an RSA private key in PEM (PKCS #1 or #8).
func rsaPrivateKey(pemText string) (*rsa.PrivateKey, error) {
	blk, _ := pem.Decode([]byte(pemText))
	if blk == nil {
		return nil, errors.New("the leaked key is not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the leaked key does not parse: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the leaked key is a %T, not an RSA key", k)
	}
	return rk, nil
}

// rotateStep is the issuer's operator answering the leak, then reading
// the jwks_uri to see that it took effect.
func rotateStep() Step {
	return Step{ID: "rotate", Title: "The issuer rotates its key and withdraws the leaked one", RFC: "RFC 7517 §5",
		From: AuthServer, To: AuthServer, Inputs: []string{"jwks_uri"},
		Why: "The leak is found. The issuer's operator makes a new key sign from now on and takes the leaked one out " +
			"of the JWKS at once, rather than leaving it published until its tokens expire, as a routine rotation " +
			"does. The lab's world does it at its own admin URL, on loopback. Then the jwks_uri is read: the leaked " +
			"kid must be gone and the new one published (RFC 7517 §5: a key set is what the issuer vouches for now).",
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if env.Settings.LabAdminURL == "" {
				r.Err = noLabWorld()
				return r
			}
			resp, ex, err := oauth.CallAPI(ctx, env.HTTP, http.MethodPost, env.Settings.LabAdminURL, "", nil)
			r.Exchanges = append(r.Exchanges, ex...)
			if err != nil {
				return failed(env, r, err)
			}
			var kids struct {
				Signing   string `json:"signing_kid"`
				Withdrawn string `json:"withdrawn_kid"`
			}
			if resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &kids) != nil || kids.Withdrawn == "" {
				r.Err = &oauth.Error{Op: "lab", What: fmt.Sprintf("the lab's admin URL answered %d, without the kids it rotated", resp.Status),
					Cause: "the rotation did not happen", Try: "run the lab again from its first step"}
				return r
			}
			r.Outputs = append(r.Outputs, Output{Name: "signing kid", Value: kids.Signing}, Output{Name: "withdrawn kid", Value: kids.Withdrawn})
			published, shown, ex, err := publishedKids(ctx, env, vars[VarJWKSURI])
			r.Exchanges = append(r.Exchanges, ex...)
			if err != nil {
				return failed(env, r, err)
			}
			r.Outputs = append(r.Outputs, Output{Name: "jwks_uri now", Value: shown})
			leakedKid := ""
			if jwt, err := oauth.DecodeJWT(vars[varLabToken]); err == nil {
				leakedKid, _ = jwt.Header["kid"].(string)
			}
			c := oauth.Check{Name: "withdrawn", Status: oauth.Pass,
				Reason: "the jwks_uri no longer lists " + kids.Withdrawn + ", the leaked key, and lists " + kids.Signing + ", the new one"}
			switch {
			case slices.Contains(published, leakedKid):
				c.Status, c.Reason = oauth.Fail, "the jwks_uri still lists "+leakedKid+", the leaked key the attacker's token names: it was not withdrawn"
			case kids.Withdrawn != leakedKid:
				c.Status, c.Reason = oauth.Fail, "the key withdrawn, "+kids.Withdrawn+", is not the leaked one the attacker's token names ("+leakedKid+")"
			case !slices.Contains(published, kids.Signing):
				c.Status, c.Reason = oauth.Fail, "the jwks_uri does not list "+kids.Signing+", the key said to sign from now on"
			}
			r.Checks = []oauth.Check{c}
			return r
		}}
}

// publishedKids reads the kids a JWKS lists, sorted, and says them with
// the use of each key that has one (Keycloak publishes an encryption key
// beside its signing keys).
func publishedKids(ctx context.Context, env *Env, jwksURI string) (kids []string, shown string, _ []oauth.Exchange, _ error) {
	if jwksURI == "" {
		return nil, "", nil, errors.New("the discovery step found no jwks_uri")
	}
	resp, ex, err := oauth.CallAPI(ctx, env.HTTP, http.MethodGet, jwksURI, "", nil)
	if err != nil {
		return nil, "", ex, err
	}
	keys, ok := keySet(resp.Body)
	if resp.Status != http.StatusOK || !ok {
		return nil, "", ex, fmt.Errorf("the jwks_uri answered %d (%d bytes), not a key set", resp.Status, len(resp.Body))
	}
	slices.SortFunc(keys, func(a, b publishedKey) int { return strings.Compare(a.Kid, b.Kid) })
	var says []string
	for _, k := range keys {
		kids = append(kids, k.Kid)
		if k.Use != "" {
			says = append(says, k.Kid+" (use: "+k.Use+")")
		} else {
			says = append(says, k.Kid)
		}
	}
	return kids, strings.Join(says, ", "), ex, nil
}

// publishedKey is what the rotate step reads of a JWK.
type publishedKey struct {
	Kid string `json:"kid"`
	Use string `json:"use"`
}

// keySet reads the keys of a JWK Set (RFC 7517 §5); false when body is
// not one: too large, not JSON, or without its "keys" member.
func keySet(body []byte) ([]publishedKey, bool) {
	var set struct {
		Keys []publishedKey `json:"keys"`
	}
	if len(body) > maxJWKS || json.Unmarshal(body, &set) != nil || set.Keys == nil {
		return nil, false
	}
	return set.Keys, true
}

// newKeyStep is the client's next token, signed by the new key, at the
// protected API: its first token of an unknown kid makes a resource server
// that follows the jwks_uri fetch the key set again, and drop the
// withdrawn key. A refusal is a warning here, not a failure: the lab goes
// on, and the protected API's verdict on the attacker's token says the rest.
func newKeyStep() Step {
	token := clientCredentialsStep()
	return Step{ID: "token-new", Title: "The client's next token, signed by the new key", RFC: "OpenID Connect Core §10.1.1",
		From: Client, To: ResourceServer, Inputs: token.Inputs,
		Why: "The client gets a token as usual; the issuer now signs with the new key, whose kid no resource server " +
			"has seen. The client calls the protected FakeBook with it. A resource server that follows the jwks_uri " +
			"fetches the key set again for the unknown kid (OpenID Connect Core §10.1.1), finds the new key, and sees the leaked " +
			"one gone: its server-side event says so.",
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			r := token.Run(ctx, env, vars)
			if r.Failed() {
				return r
			}
			if env.Settings.LabProtectedAPI == "" {
				r.Err = noLabWorld()
				return r
			}
			resp, ex, err := oauth.CallAPI(ctx, env.HTTP, http.MethodGet, strings.TrimRight(env.Settings.LabProtectedAPI, "/")+labPath, r.Vars[VarAccessToken], nil)
			r.Exchanges = append(r.Exchanges, ex...)
			if err != nil {
				return failed(env, r, err)
			}
			r.Outputs = append(r.Outputs, Output{Name: "protected API", Value: fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status))})
			c := oauth.Check{Name: "new key accepted", Status: oauth.Pass,
				Reason: "200: the protected API accepts the new key's token, which it could verify only by fetching the issuer's keys again"}
			if resp.Status != http.StatusOK {
				c = oauth.Check{Name: "new key accepted", Status: oauth.Warn,
					Reason: fmt.Sprintf("the protected API answered %d to the new key's token: it does not follow the issuer's keys", resp.Status)}
			}
			r.Checks = append(r.Checks, c)
			return r
		}}
}
