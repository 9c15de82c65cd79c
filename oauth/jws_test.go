package oauth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth"
)

// SignJWT signs with the key it is given, whatever the header claims: jwx,
// which nobody here wrote, verifies each signature with the key's
// algorithm, and DecodeJWT reads back the header and claims as given.
func TestSignJWT(t *testing.T) {
	rsaKey := testkey.RSA()
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("-----BEGIN PUBLIC KEY-----")
	tests := []struct {
		name, alg string // the test's and the header's
		key       any
		verifyAlg jwa.SignatureAlgorithm
		verifyKey any // nil: no signature to verify
	}{
		{"RS256", "RS256", rsaKey, jwa.RS256(), &rsaKey.PublicKey},
		{"PS256", "PS256", rsaKey, jwa.PS256(), &rsaKey.PublicKey},
		{"RSA key, lying header", "HS256", rsaKey, jwa.RS256(), &rsaKey.PublicKey},
		{"ES256", "ES256", ecKey, jwa.ES256(), &ecKey.PublicKey},
		{"HS256", "HS256", secret, jwa.HS256(), secret},
		{"none", "none", nil, jwa.NoSignature(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := oauth.SignJWT(map[string]any{"alg": tt.alg, "kid": "k1"}, map[string]any{"sub": "attacker", "exp": 2000000000}, tt.key)
			if err != nil {
				t.Fatal(err)
			}
			jwt, err := oauth.DecodeJWT(raw)
			if err != nil {
				t.Fatalf("DecodeJWT(%q): %v", raw, err)
			}
			if got, want := string(jwt.HeaderJSON), `{"alg":"`+tt.alg+`","kid":"k1"}`; got != want {
				t.Errorf("header: got %s, want %s", got, want)
			}
			if got, want := string(jwt.ClaimsJSON), `{"exp":2000000000,"sub":"attacker"}`; got != want {
				t.Errorf("claims: got %s, want %s", got, want)
			}
			if tt.verifyKey == nil {
				if !strings.HasSuffix(raw, ".") {
					t.Errorf("got %s, want an empty signature", raw)
				}
				return
			}
			if _, err := jws.Verify([]byte(raw), jws.WithKey(tt.verifyAlg, tt.verifyKey)); err != nil {
				t.Errorf("jws.Verify(%s) with the key it was signed with: %v", raw, err)
			}
		})
	}
}

// A key SignJWT cannot sign with is an error, not a token without a
// signature.
func TestSignJWTRefusesOtherKeys(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []any{"a string secret", p384, &rsa.PublicKey{}} {
		if raw, err := oauth.SignJWT(map[string]any{"alg": "HS256"}, nil, key); err == nil {
			t.Errorf("SignJWT with a %T: got %s, want an error", key, raw)
		}
	}
}
