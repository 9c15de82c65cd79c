package authserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"slices"
)

// authorizationCode is the authorization code grant (RFC 6749 §4.1.3):
// redeem the code (once), then issue.
func (s *Server) authorizationCode(c *Client, form url.Values) (orderedJSON, string, *oauthErr) {
	ac, replayed, e := s.redeemCode(c, form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier"))
	if e != nil {
		return nil, "", e
	}
	skipped := ""
	if replayed {
		skipped = "this code was redeemed already; skipped the refusal and the revocation RFC 6749 §4.1.2 asks for, " +
			"so whoever replays it gets tokens too and the first redemption's tokens stay active"
	}
	refresh := !s.isOkta() || slices.Contains(ac.scopes, "offline_access")
	resp, e := s.issue(c, ac.user, ac.scopes, issueOpts{grant: "authorization_code", nonce: ac.nonce, refresh: refresh,
		idToken: true, sid: ac.sid, authTime: ac.authTime, grantID: ac.grantID})
	return resp, skipped, e
}

// redeemCode spends the code, in one step under the lock, if and only if
// this request may: it is c's code, unexpired, unused, sent back with the
// redirect URI it was issued for and the verifier of its PKCE challenge.
// A refused request leaves the code as it was, so a client it was not
// issued to (or anyone without the verifier) cannot burn it for its owner.
//
// A redeemed code presented again by its client, with its verifier, is a
// replay: every token issued from it is revoked (RFC 6749 §4.1.2 "SHOULD
// revoke"; RFC 9700 §4.5), those still being signed included. A replay that
// proves nothing (another client, no or a wrong verifier) revokes nothing:
// otherwise whoever saw the code could log its owner out.
//
// With Weak.CodeReplay a redeemed code is redeemed again, as long as the
// other checks pass, into the same grant; the second result says it was a
// replay, and nothing is revoked.
func (s *Server) redeemCode(c *Client, code, redirectURI, verifier string) (*authCode, bool, *oauthErr) {
	invalid := s.invalidGrant("Code not valid", "The authorization code is invalid or has expired.")
	s.mu.Lock()
	defer s.mu.Unlock()
	ac := s.codes[code]
	if ac == nil || ac.clientID != c.ID {
		return nil, false, invalid
	}
	if ac.used && !s.cfg.Weak.CodeReplay {
		if redirectURI != ac.redirectURI || s.checkVerifier(ac, verifier) != nil {
			return nil, false, invalid.WithEventNote("the code was redeemed already; nothing revoked: this request did not prove it came from the code's client (redirect_uri and PKCE verifier)")
		}
		n := s.revokeGrantLocked(ac.grantID)
		return nil, false, invalid.WithEventNote(fmt.Sprintf("the code was redeemed already: revoked every token issued from it (%d active until now), as RFC 6749 §4.1.2 advises", n))
	}
	if !s.cfg.Now().Before(ac.expires) {
		return nil, false, invalid
	}
	if redirectURI != ac.redirectURI {
		return nil, false, s.invalidGrant("Incorrect redirect_uri", "The 'redirect_uri' does not match the redirection URI used in the authorization request.")
	}
	if e := s.checkVerifier(ac, verifier); e != nil {
		return nil, false, e
	}
	if ac.used {
		return ac, true, nil
	}
	ac.used, ac.grantID = true, newUUID()
	return ac, false, nil
}

// checkVerifier is RFC 7636 §4.6, with Keycloak's text for each way it
// fails and Okta's one sentence for all.
func (s *Server) checkVerifier(ac *authCode, verifier string) *oauthErr {
	const okta = "PKCE verification failed."
	switch {
	case ac.challenge != "" && verifier == "":
		return s.invalidGrant("PKCE code verifier not specified", okta)
	case ac.challenge == "" && verifier != "":
		return s.invalidGrant("PKCE code verifier specified but challenge not present in authorization", okta)
	case ac.challenge != "" && !verifierRE.MatchString(verifier):
		return s.invalidGrant("PKCE verification failed: Invalid code verifier", okta)
	case ac.challenge != "" && !pkceMatches(ac.method, ac.challenge, verifier):
		return s.invalidGrant("PKCE verification failed: Code mismatch", okta)
	}
	return nil
}

// invalidGrant is invalid_grant with Keycloak's or Okta's text.
func (s *Server) invalidGrant(keycloak, okta string) *oauthErr {
	return errInvalidGrant().WithDescription(s.pick(keycloak, okta))
}

// verifierRE: RFC 7636 §4.1, 43 to 128 unreserved characters.
var verifierRE = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)

// pkceMatches: RFC 7636 §4.6. plain is accepted (Keycloak shape only) but
// weaker: RFC 9700 §2.1.1 says use S256.
func pkceMatches(method, challenge, verifier string) bool {
	if method == "plain" {
		return subtle.ConstantTimeCompare([]byte(challenge), []byte(verifier)) == 1
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}
