package authserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
)

func (s *Server) authorizationCode(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	invalid := func(kc, okta string) *oauthErr {
		return errInvalidGrant().WithDescription(s.pick(kc, okta))
	}
	codeVal := form.Get("code")
	s.mu.Lock()
	ac := s.codes[codeVal]
	if ac != nil && ac.used {
		// RFC 6749 §4.1.2: a code used twice revokes what it gave.
		for _, rec := range s.access {
			if rec.fromCode == codeVal {
				rec.revoked = true
			}
		}
		s.mu.Unlock()
		return nil, invalid("Code not valid", "The authorization code is invalid or has expired.")
	}
	if ac != nil {
		ac.used = true
	}
	s.mu.Unlock()
	if ac == nil || ac.clientID != c.ID || !s.cfg.Now().Before(ac.expires) {
		return nil, invalid("Code not valid", "The authorization code is invalid or has expired.")
	}
	if form.Get("redirect_uri") != ac.redirectURI {
		return nil, invalid("Incorrect redirect_uri", "The 'redirect_uri' does not match the redirection URI used in the authorization request.")
	}
	verifier := form.Get("code_verifier")
	switch {
	case ac.challenge != "" && verifier == "":
		return nil, invalid("PKCE code verifier not specified", "PKCE verification failed.")
	case ac.challenge == "" && verifier != "":
		return nil, invalid("PKCE code verifier specified but challenge not present in authorization", "PKCE verification failed.")
	case ac.challenge != "" && !verifierRE.MatchString(verifier):
		return nil, invalid("PKCE verification failed: Invalid code verifier", "PKCE verification failed.")
	case ac.challenge != "" && !pkceMatches(ac.method, ac.challenge, verifier):
		return nil, invalid("PKCE verification failed: Code mismatch", "PKCE verification failed.")
	}
	refresh := !s.isOkta() || slices.Contains(ac.scopes, "offline_access")
	return s.issue(c, ac.user, ac.scopes, issueOpts{grant: "authorization_code", nonce: ac.nonce, refresh: refresh,
		idToken: true, sid: ac.sid, authTime: ac.authTime, fromCode: codeVal})
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
