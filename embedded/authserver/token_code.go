package authserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
)

// authorizationCode is the authorization code grant (RFC 6749 §4.1.3):
// take the code (once), check it is this client's, sent back with the same
// redirect URI and the PKCE verifier of its challenge, then issue.
func (s *Server) authorizationCode(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	codeVal := form.Get("code")
	ac := s.takeCode(codeVal)
	if ac == nil || ac.clientID != c.ID || !s.cfg.Now().Before(ac.expires) {
		return nil, s.invalidGrant("Code not valid", "The authorization code is invalid or has expired.")
	}
	if form.Get("redirect_uri") != ac.redirectURI {
		return nil, s.invalidGrant("Incorrect redirect_uri", "The 'redirect_uri' does not match the redirection URI used in the authorization request.")
	}
	if e := s.checkVerifier(ac, form.Get("code_verifier")); e != nil {
		return nil, e
	}
	refresh := !s.isOkta() || slices.Contains(ac.scopes, "offline_access")
	return s.issue(c, ac.user, ac.scopes, issueOpts{grant: "authorization_code", nonce: ac.nonce, refresh: refresh,
		idToken: true, sid: ac.sid, authTime: ac.authTime, fromCode: codeVal})
}

// takeCode marks the code used and returns it; nil when unknown or already
// used, and then what it gave is revoked (RFC 6749 §4.1.2: a code used
// twice SHOULD revoke its tokens).
func (s *Server) takeCode(codeVal string) *authCode {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac := s.codes[codeVal]
	if ac == nil {
		return nil
	}
	if ac.used {
		for _, rec := range s.access {
			if rec.fromCode == codeVal {
				rec.revoked = true
			}
		}
		return nil
	}
	ac.used = true
	return ac
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
