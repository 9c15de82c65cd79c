package oauth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// AssertionType is the client_assertion_type of a JWT client assertion
// (RFC 7523 §2.2).
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionLifetime is how long a client assertion this package signs
// lives: one request's worth. Keycloak refuses an assertion older than 60 s
// (its "Max expiration" default) and Okta one that lives over an hour.
const AssertionLifetime = 60 * time.Second

// AudienceEndpoint, as ClientConfig.AssertionAudience, makes each
// assertion's aud the URL of the endpoint it is sent to, which Okta
// requires ("The audience claim for client_assertion must be the endpoint
// invoked for the request").
const AudienceEndpoint = "endpoint"

// ClientKey is a client's private key for private_key_jwt (RFC 7523 §2.2,
// OpenID Connect Core §9): it signs the client's assertions, RS256 for an
// RSA key, ES256 for a P-256 key. Like Secret it never prints: String,
// GoString and its JSON form name the algorithm and key id only. Load one
// with LoadClientKey or ParseClientKey; PublicJWK gives the half to
// register with the server.
type ClientKey struct {
	key jwk.Key
	alg jwa.SignatureAlgorithm
	kid string
}

// LoadClientKey reads a private key from a PEM file (PKCS #1, PKCS #8 or
// SEC 1) or a JWK file (one key, or a set holding one private key).
func LoadClientKey(path string) (*ClientKey, error) {
	b, err := ReadFileAtMost(path, MaxSmallFile)
	if err != nil {
		return nil, fmt.Errorf("reading the client key: %w", err)
	}
	k, err := ParseClientKey(b)
	if err != nil {
		return nil, fmt.Errorf("the client key %s: %w", path, err)
	}
	return k, nil
}

// ParseClientKey reads a private key in PEM or JWK form. Its errors say what
// the data is instead when it is not a usable private key (a public key, a
// certificate, an encrypted PEM, a key of another kind).
func ParseClientKey(data []byte) (*ClientKey, error) {
	data = bytes.TrimSpace(data)
	var key jwk.Key
	switch {
	case bytes.HasPrefix(data, []byte("-----BEGIN ")):
		kind, _, _ := strings.Cut(strings.TrimPrefix(string(data), "-----BEGIN "), "-----")
		switch kind {
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
			return nil, fmt.Errorf("it holds a %s, the half the server keeps: signing an assertion needs the private key", strings.ToLower(kind))
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("the private key is encrypted with a passphrase; write a decrypted copy only you can read (openssl pkcs8 -in key.pem -out plain.pem, then chmod 600 plain.pem)")
		default:
			return nil, fmt.Errorf("it holds a PEM %q block, not a private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)", kind)
		}
		k, err := jwk.ParseKey(data, jwk.WithPEM(true))
		if err != nil {
			return nil, fmt.Errorf("the PEM private key does not parse: %w", err)
		}
		key = k
	case bytes.HasPrefix(data, []byte("{")):
		set, err := jwk.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("it is not a JWK or a JWK set: %w", err)
		}
		var private []jwk.Key
		for i := 0; i < set.Len(); i++ {
			k, _ := set.Key(i)
			if isPrivate(k) {
				private = append(private, k)
			}
		}
		switch len(private) {
		case 0:
			return nil, errors.New("it holds only public keys (no \"d\" member): signing an assertion needs the private key")
		case 1:
			key = private[0]
		default:
			return nil, fmt.Errorf("it holds %d private keys; keep the one this client signs with in its own file", len(private))
		}
	default:
		return nil, errors.New("it is neither PEM (-----BEGIN PRIVATE KEY-----) nor a JWK (a JSON object)")
	}
	return newClientKey(key)
}

func isPrivate(k jwk.Key) bool {
	switch k.(type) {
	case jwk.RSAPrivateKey, jwk.ECDSAPrivateKey:
		return true
	}
	return k.Get("d", new(any)) == nil
}

// newClientKey picks the algorithm a key signs with and its key id.
func newClientKey(key jwk.Key) (*ClientKey, error) {
	var raw any
	if err := jwk.Export(key, &raw); err != nil {
		return nil, fmt.Errorf("the key cannot be used: %w", err)
	}
	k := &ClientKey{key: key}
	switch p := raw.(type) {
	case *rsa.PrivateKey:
		if p.N.BitLen() < 2048 {
			return nil, fmt.Errorf("the RSA key has %d bits; RS256 needs at least 2048 (RFC 7518 §3.3)", p.N.BitLen())
		}
		k.alg = jwa.RS256()
	case *ecdsa.PrivateKey:
		if p.Curve != elliptic.P256() {
			return nil, fmt.Errorf("the EC key is on %s; ES256 needs P-256 (RFC 7518 §3.4)", p.Curve.Params().Name)
		}
		k.alg = jwa.ES256()
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return nil, errors.New("it is a public key: signing an assertion needs the private key")
	default:
		return nil, fmt.Errorf("it is a %T key; oauthlab signs client assertions with RSA (RS256) or P-256 (ES256) keys", raw)
	}
	if a, ok := key.Algorithm(); ok && a.String() != "" && a.String() != k.alg.String() {
		return nil, fmt.Errorf("the JWK says alg %s, but oauthlab signs with %s for this key; remove \"alg\" or use a key for %s", a, k.alg, k.alg)
	}
	if kid, ok := key.KeyID(); ok && kid != "" {
		k.kid = kid
	} else {
		// RFC 7638 thumbprint: the same kid PublicJWK prints, so the key
		// registered from it is found by the kid of the assertions.
		pub, err := key.PublicKey()
		if err != nil {
			return nil, err
		}
		tp, err := pub.Thumbprint(crypto.SHA256)
		if err != nil {
			return nil, err
		}
		k.kid = base64.RawURLEncoding.EncodeToString(tp)
	}
	return k, nil
}

// Alg is the JWS algorithm the key signs with: RS256 or ES256.
func (k *ClientKey) Alg() string { return k.alg.String() }

// KeyID is the kid of the assertions: the key's own, or its RFC 7638
// thumbprint when it has none.
func (k *ClientKey) KeyID() string { return k.kid }

// PublicJWK returns the public half as a JWK (kty, kid, use "sig", alg and
// the public parameters), the form Keycloak ("JWKS"), Okta ("Public keys")
// and oauthlab serve --clients register. It holds nothing secret.
func (k *ClientKey) PublicJWK() ([]byte, error) {
	pub, err := k.key.PublicKey()
	if err != nil {
		return nil, err
	}
	for name, v := range map[string]any{"kid": k.kid, "use": "sig", "alg": k.alg.String()} {
		if err := pub.Set(name, v); err != nil {
			return nil, err
		}
	}
	return json.Marshal(pub)
}

// String names the key without its material: "RS256 private key (kid …)".
func (k ClientKey) String() string {
	if k.key == nil {
		return ""
	}
	return k.alg.String() + " private key (kid " + k.kid + ")"
}

// GoString keeps %#v free of key material too.
func (k ClientKey) GoString() string { return "oauth.ClientKey(" + k.String() + ")" }

// MarshalJSON writes the String form, never the key.
func (k ClientKey) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// assertionClaims are the claims of RFC 7523 §3, in the order shown.
type assertionClaims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Aud string `json:"aud"`
	Jti string `json:"jti"`
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
}

// assertion signs a fresh client assertion for a request to endpoint:
// iss = sub = the client id, aud from AssertionAudience (the token
// endpoint by default, RFC 7523 §3), a random jti and a 60 s life, so no
// two requests carry the same one and a server that remembers jti values
// refuses a replay.
func (c ClientConfig) assertion(endpoint string, now time.Time) (string, error) {
	jti := make([]byte, 18)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	claims := assertionClaims{Iss: c.ClientID, Sub: c.ClientID, Aud: c.assertionAudience(endpoint),
		Jti: base64.RawURLEncoding.EncodeToString(jti), Iat: now.Unix(), Exp: now.Add(AssertionLifetime).Unix()}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	h := jws.NewHeaders()
	if err := h.Set("typ", "JWT"); err != nil {
		return "", err
	}
	var opt jws.SignOption
	switch c.Method() {
	case AuthPrivateKeyJWT:
		if err := h.Set("kid", c.Key.kid); err != nil {
			return "", err
		}
		opt = jws.WithKey(c.Key.alg, c.Key.key, jws.WithProtectedHeaders(h))
	case AuthSecretJWT:
		opt = jws.WithKey(jwa.HS256(), []byte(c.ClientSecret.Reveal()), jws.WithProtectedHeaders(h))
	default:
		return "", fmt.Errorf("no assertion for %s", c.Method())
	}
	out, err := jws.Sign(payload, opt)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// assertionAudience is the aud for a request to endpoint.
func (c ClientConfig) assertionAudience(endpoint string) string {
	switch c.AssertionAudience {
	case "":
		if c.TokenURL != "" {
			return c.TokenURL
		}
		return endpoint
	case AudienceEndpoint:
		return endpoint
	}
	return c.AssertionAudience
}

// ClientAssertion returns the client assertion a recorded request carried
// (its client_assertion form parameter), decoded, or nil when it carried
// none. The exchange must be the raw one: Redacted hides the assertion.
func ClientAssertion(ex Exchange) *JWT {
	if !isForm(ex.RequestHeader.Get("Content-Type")) {
		return nil
	}
	form, err := url.ParseQuery(string(ex.RequestBody))
	if err != nil || form.Get("client_assertion") == "" {
		return nil
	}
	j, err := DecodeJWT(form.Get("client_assertion"))
	if err != nil {
		return nil
	}
	return j
}

// explainRefusal says a refusal in terms of the method used: with a JWT
// client assertion, the generic "wrong client id or secret" and
// Keycloak's "Invalid client or Invalid client credentials" mean
// something else — Keycloak answers so when the client is not set up for
// the method, or when the assertion's iss is not its sub.
func (c ClientConfig) explainRefusal(e *Error) *Error {
	m := c.Method()
	if e == nil || (m != AuthPrivateKeyJWT && m != AuthSecretJWT) || e.Code != "invalid_client" {
		return e
	}
	d := strings.ToLower(e.Description)
	switch {
	case strings.Contains(d, "invalid client or invalid client credentials"):
		e.What = "the server did not authenticate " + quote(c.ClientID) + " by its client assertion"
		e.Cause = "the client id is unknown in this realm, or the client is not set up for " + m +
			" (Keycloak: Clients > the client > Credentials > Client Authenticator \"Signed JWT\" or \"Signed JWT with Client Secret\"; it also answers so when an assertion's iss is not its sub)"
		e.Try = "check the client id and its Client Authenticator; oauthlab sends iss = sub = the client id"
	case strings.HasPrefix(e.What, genericInvalidClient):
		// The server gave no reason (oidc-provider only logs it).
		e.What = "the server did not accept the client assertion of " + quote(c.ClientID)
		e.Cause = "the key or secret that signed it is not the one registered for the client, its aud is not one the server takes, or the client is not set up for " + m + " (RFC 7523 §3)"
		e.Try = "register the public key oauthlab jwk --client-key FILE prints"
		if m == AuthSecretJWT {
			e.Try = "check the client secret, which signs the assertion"
		}
		e.Try += "; try --assertion-aud endpoint or the issuer URL; check the client's token_endpoint_auth_method"
	}
	return e
}
