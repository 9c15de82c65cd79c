package authserver

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"strings"
)

// sign makes a compact RS256 JWS (RFC 7515 §7.1) over claims. The header is
// each server's own: Keycloak's with its odd spacing, byte for byte
// (`{"alg":"RS256","typ" : "JWT","kid" : "…"}`, captured in the fixtures),
// Okta's `{"kid":"…","alg":"RS256"}` without typ.
func (s *Server) sign(claims orderedJSON) (string, error) {
	key, err := s.keys.signer()
	if err != nil {
		return "", err
	}
	var header string
	if s.cfg.Style == StyleOkta {
		header = `{"kid":"` + key.kid + `","alg":"RS256"}`
	} else {
		header = `{"alg":"RS256","typ" : "JWT","kid" : "` + key.kid + `"}`
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64([]byte(header)) + "." + b64(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key.priv, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

// verifyOwn checks that raw is a token this server signed and returns its
// claims. Introspection and userinfo use it on tokens they are shown.
func (s *Server) verifyOwn(raw string) (map[string]any, bool) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(raw) > 16<<10 {
		return nil, false
	}
	hb, err1 := decodeB64(parts[0])
	pb, err2 := decodeB64(parts[1])
	sig, err3 := decodeB64(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, false
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if json.Unmarshal(hb, &h) != nil || h.Alg != "RS256" {
		return nil, false
	}
	pub := s.keys.verifyKey(h.Kid, s.cfg.Now())
	if pub == nil {
		return nil, false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader(pb))
	d.UseNumber()
	var claims map[string]any
	if d.Decode(&claims) != nil {
		return nil, false
	}
	return claims, true
}
