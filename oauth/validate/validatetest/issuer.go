// Package validatetest is a minimal token issuer for tests of resource
// servers: an httptest server publishing OpenID discovery and a JWKS, and
// helpers that sign tokens — including hostile ones no real issuer would
// produce.
package validatetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth"
)

// Key ids the Issuer publishes.
const (
	KID    = "test-rsa-1" // RSA signing key (RS256)
	ECKID  = "test-ec-1"  // EC P-256 signing key (ES256)
	EncKID = "test-enc-1" // RSA key marked use: enc
	// Audience is the aud Claims puts in tokens.
	Audience = "api://fakebook"
)

// Issuer is a running test issuer.
type Issuer struct {
	URL    string // the issuer identifier and base URL
	Server *httptest.Server
	RSA    *rsa.PrivateKey
	EC     *ecdsa.PrivateKey
	Enc    *rsa.PrivateKey
	// Other is an RSA key the issuer does not publish: "someone else".
	Other *rsa.PrivateKey
	// JWKSFetches counts GETs of the JWKS.
	JWKSFetches atomic.Int64
	// extra keys published after Rotate.
	extra atomic.Pointer[[]jwk.Key]
}

var keys struct {
	rsa, enc, other *rsa.PrivateKey
	ec              *ecdsa.PrivateKey
}

func init() {
	// Once per test binary, from testkey: 2048-bit RSA generation is slow.
	keys.rsa, keys.enc, keys.other = testkey.RSA(), testkey.RSA(), testkey.RSA()
	var err error
	if keys.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
}

// NewIssuer starts an issuer on 127.0.0.1 and stops it at the end of t.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	is := &Issuer{RSA: keys.rsa, EC: keys.ec, Enc: keys.enc, Other: keys.other}
	mux := http.NewServeMux()
	is.Server = httptest.NewServer(mux)
	t.Cleanup(is.Server.Close)
	is.URL = is.Server.URL + "/realms/test"
	mux.HandleFunc("GET /realms/test/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": is.URL, "jwks_uri": is.URL + "/protocol/openid-connect/certs",
			"token_endpoint": is.URL + "/protocol/openid-connect/token",
		})
	})
	mux.HandleFunc("GET /realms/test/protocol/openid-connect/certs", func(w http.ResponseWriter, r *http.Request) {
		is.JWKSFetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(is.jwks(t))
	})
	return is
}

func (is *Issuer) jwks(t testing.TB) jwk.Set {
	set := jwk.NewSet()
	add := func(raw any, kid, use string, alg jwa.KeyAlgorithm) {
		k, err := jwk.Import(raw)
		if err != nil {
			t.Errorf("jwk.Import: %v", err)
			return
		}
		_ = k.Set(jwk.KeyIDKey, kid)
		_ = k.Set(jwk.KeyUsageKey, use)
		if alg != nil {
			_ = k.Set(jwk.AlgorithmKey, alg)
		}
		_ = set.AddKey(k)
	}
	add(&is.RSA.PublicKey, KID, "sig", jwa.RS256())
	add(&is.EC.PublicKey, ECKID, "sig", jwa.ES256())
	add(&is.Enc.PublicKey, EncKID, "enc", nil)
	if p := is.extra.Load(); p != nil {
		for _, k := range *p {
			_ = set.AddKey(k)
		}
	}
	return set
}

// Publish adds the public half of key under kid to the JWKS, as an issuer
// rotating keys would.
func (is *Issuer) Publish(t testing.TB, key *rsa.PrivateKey, kid string) {
	t.Helper()
	k, err := jwk.Import(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	_ = k.Set(jwk.KeyIDKey, kid)
	_ = k.Set(jwk.KeyUsageKey, "sig")
	list := []jwk.Key{k}
	if p := is.extra.Load(); p != nil {
		list = append(list, *p...)
	}
	is.extra.Store(&list)
}

// Claims returns the claims of a good access token for scope, valid for
// five minutes from now.
func (is *Issuer) Claims(now time.Time, scope string) map[string]any {
	return map[string]any{
		"iss": is.URL, "sub": "alice", "aud": Audience, "client_id": "test_api_client",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"jti": "jti-" + rand.Text(), "scope": scope,
	}
}

// Header returns the header of a good access token: RS256, the issuer's
// kid, typ at+jwt.
func Header() map[string]any { return map[string]any{"alg": "RS256", "kid": KID, "typ": "at+jwt"} }

// Token signs claims with the issuer's RSA key and the default header.
func (is *Issuer) Token(t testing.TB, claims map[string]any) string {
	return Sign(t, Header(), claims, is.RSA)
}

// Sign builds a compact JWS from header and claims as given, signed with
// key as oauth.SignJWT does: *rsa.PrivateKey (RS256, or PS256 when
// header["alg"] says so), *ecdsa.PrivateKey (ES256), []byte (HS256), or
// nil for an empty signature. No validation is done: hostile tokens are
// the point.
func Sign(t testing.TB, header, claims map[string]any, key any) string {
	t.Helper()
	raw, err := oauth.SignJWT(header, claims, key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// PublicKeyPEM is the RSA public key as PKIX PEM, the bytes
// oauth.RSAPublicKeyPEM reads from the JWKS — what an attacker would use
// as an HMAC secret in the alg-confusion attack.
func (is *Issuer) PublicKeyPEM() []byte {
	der, _ := x509.MarshalPKIXPublicKey(&is.RSA.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
