package oauth

import (
	"crypto/rand"
	"encoding/base64"

	"golang.org/x/oauth2"
)

// PKCE is one Proof Key for Code Exchange pair (RFC 7636): the verifier stays
// with the client until the token request; the challenge goes in the
// authorization URL.
type PKCE struct {
	Verifier  string `json:"code_verifier"`
	Challenge string `json:"code_challenge"`
	// Method is "S256", the only method worth using (RFC 7636 §4.2;
	// "plain" protects nothing if the URL leaks).
	Method string `json:"code_challenge_method"`
}

// NewPKCE returns a fresh S256 pair: a 43-character verifier from 32 random
// bytes (RFC 7636 §4.1) and BASE64URL(SHA256(verifier)) as the challenge.
func NewPKCE() PKCE {
	v := oauth2.GenerateVerifier()
	return PKCE{Verifier: v, Challenge: oauth2.S256ChallengeFromVerifier(v), Method: "S256"}
}

// NewState returns an unguessable state value (RFC 6749 §10.12): 32 random
// bytes, base64url. The callback must carry it back unchanged.
func NewState() string { return randomString() }

// NewNonce returns an unguessable nonce (OIDC Core §3.1.2.1, §15.5.2); the ID
// token must carry it back, which binds the token to this login.
func NewNonce() string { return randomString() }

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
