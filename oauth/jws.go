package oauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// SignJWT makes a compact JWS (RFC 7515 §7.1) of header and claims as
// given, signed with key by its type: an *rsa.PrivateKey signs RS256, or
// PS256 when header's alg says so; an *ecdsa.PrivateKey on P-256 signs
// ES256; a []byte is an HS256 secret; nil leaves the signature empty (alg
// none). Nothing is checked, not even that header's alg names the
// signature made: it makes the tokens no honest issuer does, a lab
// attacker's forgeries and a test issuer's hostile tokens. It is the
// counterpart of DecodeJWT, and as little to be trusted.
func SignJWT(header, claims map[string]any, key any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sig, err := signature(input, header["alg"] == "PS256", key)
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// signature is input's signature with key, RSASSA-PSS instead of
// PKCS #1 v1.5 when pss, as SignJWT says.
func signature(input string, pss bool, key any) ([]byte, error) {
	sum := sha256.Sum256([]byte(input))
	switch k := key.(type) {
	case nil:
		return nil, nil
	case *rsa.PrivateKey:
		if pss {
			// RFC 7518 §3.5: a salt as long as the hash.
			return rsa.SignPSS(rand.Reader, k, crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		}
		return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("SignJWT: ES256 needs a P-256 key, not %s", k.Curve.Params().Name)
		}
		r, s, err := ecdsa.Sign(rand.Reader, k, sum[:])
		if err != nil {
			return nil, err
		}
		// R and S, 32 bytes each, not ASN.1 (RFC 7518 §3.4).
		return append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...), nil
	case []byte:
		m := hmac.New(sha256.New, k)
		m.Write([]byte(input))
		return m.Sum(nil), nil
	}
	return nil, fmt.Errorf("SignJWT: no signature with a key of type %T", key)
}
