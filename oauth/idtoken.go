package oauth

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
	"time"
)

// CheckIDToken checks an ID token's claims (OIDC Core §3.1.3.7): iss equals
// the issuer, aud contains the client id (and azp names it when there are
// several audiences), exp is in the future, iat is present, nonce matches
// the one sent, and typ does not say it is another kind of token. It does
// not verify the signature: that needs the issuer's keys and is
// oauth/validate's job, so a "signature" check is reported as skipped (a
// caller that verified it keeps its own signature check instead).
func CheckIDToken(raw string, issuer, clientID, nonce string, now time.Time) []Check {
	t, err := DecodeJWT(raw)
	if err != nil {
		return []Check{{Name: "format", Status: Fail, Reason: err.Error()}}
	}
	cs := []Check{{Name: "format", Status: Pass, Reason: "a signed JWT with three parts"}}
	add := func(name string, st CheckStatus, format string, args ...any) {
		cs = append(cs, Check{Name: name, Status: st, Reason: fmt.Sprintf(format, args...)})
	}
	if alg, _ := t.Header["alg"].(string); alg == "" || strings.EqualFold(alg, "none") {
		add("alg", Fail, "alg is %q: an unsigned ID token must be rejected (OIDC Core §3.1.3.7)", alg)
	} else {
		add("alg", Pass, "signed with %s", alg)
	}
	add("signature", Skip, "not checked here: the signature is verified against the issuer's JWKS by the token validation step")

	iss, _ := t.Claims["iss"].(string)
	switch {
	case iss == issuer:
		add("iss", Pass, "%s, the expected issuer", iss)
	case iss == "":
		add("iss", Fail, "missing; it must be %s", issuer)
	default:
		add("iss", Fail, "is %s, expected %s exactly (OIDC Core §3.1.3.7 step 2)", iss, issuer)
	}

	auds := t.Claims.Audiences()
	switch {
	case len(auds) == 0:
		add("aud", Fail, "missing; it must contain the client id %s", clientID)
	case !contains(auds, clientID):
		add("aud", Fail, "is %s and does not contain the client id %s: this ID token was issued to another client", strings.Join(auds, ", "), clientID)
	default:
		add("aud", Pass, "contains the client id %s", clientID)
	}
	if len(auds) > 1 {
		if azp, _ := t.Claims["azp"].(string); azp != clientID {
			add("azp", Fail, "several audiences, so azp must be the client id %s; it is %q (OIDC Core §2)", clientID, azp)
		} else {
			add("azp", Pass, "is the client id %s", clientID)
		}
	}

	if exp, ok := t.Claims.Time("exp"); !ok {
		add("exp", Fail, "missing or not a number (OIDC Core §2 requires it)")
	} else if !now.Before(exp) {
		add("exp", Fail, "expired %s ago at %s", now.Sub(exp).Round(time.Second), exp.UTC().Format(time.RFC3339))
	} else {
		add("exp", Pass, "valid for %s more, until %s", exp.Sub(now).Round(time.Second), exp.UTC().Format(time.RFC3339))
	}
	if iat, ok := t.Claims.Time("iat"); !ok {
		add("iat", Fail, "missing or not a number (OIDC Core §2 requires it)")
	} else if iat.After(now.Add(time.Minute)) {
		add("iat", Warn, "issued %s in the future: the clocks of this machine and the server differ", iat.Sub(now).Round(time.Second))
	} else {
		add("iat", Pass, "issued at %s", iat.UTC().Format(time.RFC3339))
	}

	cs = append(cs, idTokenTyp(t))

	got, _ := t.Claims["nonce"].(string)
	switch {
	case nonce == "":
		add("nonce", Skip, "no nonce was sent")
	case got == "":
		add("nonce", Fail, "missing, but the login sent one: the ID token is not bound to this login (OIDC Core §3.1.3.7 step 11)")
	case subtle.ConstantTimeCompare([]byte(got), []byte(nonce)) != 1:
		add("nonce", Fail, "differs from the one this login sent: a replayed or foreign ID token")
	default:
		add("nonce", Pass, "matches the nonce this login sent")
	}
	return cs
}

// idTokenTyp refuses a token that says it is another kind of token: an
// access token (typ at+jwt, RFC 9068 §2.1) or a Keycloak refresh or logout
// token must not be accepted as an ID token (RFC 8725 §3.11).
func idTokenTyp(t *JWT) Check {
	typ, _ := t.Header["typ"].(string)
	kc, _ := t.Claims["typ"].(string)
	switch {
	case t.IsAccessTokenTyp():
		return Check{Name: "typ", Status: Fail, Reason: "typ is " + typ + ": an access token (RFC 9068 §2.1), not an ID token"}
	case kc != "" && kc != "ID":
		return Check{Name: "typ", Status: Fail, Reason: fmt.Sprintf("the payload says typ %q: a Keycloak %s token, not an ID token", kc, strings.ToLower(kc))}
	case kc == "ID":
		return Check{Name: "typ", Status: Pass, Reason: "the payload says typ \"ID\" (Keycloak's mark of an ID token)"}
	case typ == "":
		return Check{Name: "typ", Status: Pass, Reason: "no typ in the header, as OIDC Core allows; nothing says it is another kind of token"}
	}
	return Check{Name: "typ", Status: Pass, Reason: "typ is " + typ + ": nothing says it is another kind of token"}
}

// CheckUserinfoSub compares the userinfo answer's sub with the ID token's
// (OIDC Core §5.3.2): they must be equal, or the answer is about someone
// else and its claims must not be used. Without an ID token there is
// nothing to compare with, and the check is skipped.
func CheckUserinfoSub(idToken string, userinfo map[string]any) Check {
	got, _ := userinfo["sub"].(string)
	if got == "" {
		return Check{Name: "sub", Status: Fail, Reason: "the userinfo answer has no sub, which OIDC Core §5.3.2 requires: its claims cannot be tied to the user who signed in"}
	}
	if idToken == "" {
		return Check{Name: "sub", Status: Skip, Reason: "no ID token to compare the sub with"}
	}
	t, err := DecodeJWT(idToken)
	if err != nil {
		return Check{Name: "sub", Status: Skip, Reason: "the ID token cannot be decoded to compare the sub with"}
	}
	want, _ := t.Claims["sub"].(string)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return Check{Name: "sub", Status: Fail, Reason: fmt.Sprintf("userinfo's sub is %q but the ID token's is %q: the answer is about another user, and its claims must not be used (OIDC Core §5.3.2)", got, want)}
	}
	return Check{Name: "sub", Status: Pass, Reason: "equals the ID token's sub: the answer is about the user who signed in (OIDC Core §5.3.2)"}
}

// CheckAtHash checks the ID token's at_hash against the access token (OIDC
// Core §3.1.3.6, §3.1.3.8): the left half of the hash that matches the token's alg,
// base64url. A missing at_hash is skipped: it is optional in the code flow.
func CheckAtHash(idToken, accessToken string) Check {
	t, err := DecodeJWT(idToken)
	if err != nil {
		return Check{Name: "at_hash", Status: Fail, Reason: err.Error()}
	}
	want, _ := t.Claims["at_hash"].(string)
	if want == "" {
		return Check{Name: "at_hash", Status: Skip, Reason: "the ID token has no at_hash (optional in the code flow)"}
	}
	alg, _ := t.Header["alg"].(string)
	h := hashFor(alg)
	if h == nil {
		return Check{Name: "at_hash", Status: Warn, Reason: "unknown alg " + alg + ", cannot compute at_hash"}
	}
	h.Write([]byte(accessToken))
	sum := h.Sum(nil)
	got := base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	if got != want {
		return Check{Name: "at_hash", Status: Fail, Reason: "does not match the access token: the two tokens were not issued together"}
	}
	return Check{Name: "at_hash", Status: Pass, Reason: "matches the access token"}
}

func hashFor(alg string) hash.Hash {
	switch {
	case strings.HasSuffix(alg, "256"):
		return sha256.New()
	case strings.HasSuffix(alg, "384"):
		return sha512.New384()
	case strings.HasSuffix(alg, "512"), alg == "EdDSA", alg == "Ed25519":
		return sha512.New()
	}
	return nil
}

// AudienceHint explains an access token audience that does not name the
// expected API, or returns "". Keycloak's default is aud "account" (the
// account console's client, added because the default roles include its
// roles), which an API must not accept as meaning itself.
func AudienceHint(aud []string, want string) string {
	if want != "" && contains(aud, want) {
		return ""
	}
	if len(aud) == 1 && aud[0] == "account" {
		return "aud is \"account\": Keycloak put the account console in the audience because the default roles include its roles; " +
			"the token does not name your API. Add an audience mapper (Client scopes > dedicated scope > Add mapper > Audience, included client audience = your API's client) " +
			"or remove the account roles from the client's service account."
	}
	if len(aud) == 0 {
		return "the token has no aud, so it does not say which API it is for (RFC 9068 §2.2 requires aud)"
	}
	return "aud is " + strings.Join(aud, ", ") + ", not " + want + ": the token was issued for another API (ask with resource or audience for the right one, RFC 8707)"
}
