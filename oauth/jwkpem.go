package oauth

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// RSAPublicKeyPEM returns the RSA key kid of a JWK Set (RFC 7517 §5; the
// first RSA key when kid is "") as PKIX PEM: the bytes a naive verifier
// holds as "the key" — and which the alg-confusion attack uses as an HMAC
// secret (RFC 8725 §2.1).
func RSAPublicKeyPEM(jwks []byte, kid string) ([]byte, error) {
	set, err := jwk.Parse(jwks)
	if err != nil {
		return nil, fmt.Errorf("the key set does not parse: %w", err)
	}
	for i := range set.Len() {
		k, _ := set.Key(i)
		if id, _ := k.KeyID(); kid != "" && id != kid {
			continue
		}
		var pub rsa.PublicKey
		if jwk.Export(k, &pub) != nil {
			continue
		}
		der, err := x509.MarshalPKIXPublicKey(&pub)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
	}
	return nil, fmt.Errorf("the key set has no RSA key with kid %q", kid)
}
