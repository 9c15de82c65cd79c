package oauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth"
)

func rsaKey(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	if bits == 2048 {
		return testkey.RSA()
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pemOf(t *testing.T, typ string, der []byte) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func pkcs8(t *testing.T, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf(t, "PRIVATE KEY", der)
}

func TestParseClientKey(t *testing.T) {
	rk := rsaKey(t, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ek384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ecDER, _ := x509.MarshalECPrivateKey(ek)
	pubDER, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	jwkPriv, _ := jwk.Import(rk)
	_ = jwkPriv.Set("kid", "my-key-1")
	jwkJSON, _ := json.Marshal(jwkPriv)
	jwkPub, _ := jwkPriv.PublicKey()
	jwkPubJSON, _ := json.Marshal(jwkPub)
	ekJWK, _ := jwk.Import(ek)
	ekJWKJSON, _ := json.Marshal(ekJWK)
	setJSON := []byte(`{"keys":[` + string(jwkPubJSON) + `,` + string(jwkJSON) + `]}`)
	twoJSON := []byte(`{"keys":[` + string(ekJWKJSON) + `,` + string(jwkJSON) + `]}`)
	psJWK, _ := jwk.Import(rk)
	_ = psJWK.Set("alg", "PS256")
	psJSON, _ := json.Marshal(psJWK)

	for _, tc := range []struct {
		name    string
		data    []byte
		alg     string
		kid     string
		wantErr string
	}{
		{name: "PKCS #8 RSA PEM", data: pkcs8(t, rk), alg: "RS256"},
		{name: "PKCS #1 RSA PEM", data: pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)), alg: "RS256"},
		{name: "SEC 1 EC PEM", data: pemOf(t, "EC PRIVATE KEY", ecDER), alg: "ES256"},
		{name: "PKCS #8 EC PEM", data: pkcs8(t, ek), alg: "ES256"},
		{name: "RSA JWK with kid", data: jwkJSON, alg: "RS256", kid: "my-key-1"},
		{name: "JWK set with one private key", data: setJSON, alg: "RS256", kid: "my-key-1"},
		{name: "public key PEM", data: pemOf(t, "PUBLIC KEY", pubDER), wantErr: "public key"},
		{name: "certificate", data: pemOf(t, "CERTIFICATE", []byte{1}), wantErr: "certificate"},
		{name: "encrypted PEM", data: pemOf(t, "ENCRYPTED PRIVATE KEY", []byte{1}), wantErr: "encrypted"},
		{name: "public JWK", data: jwkPubJSON, wantErr: "only public keys"},
		{name: "two private keys", data: twoJSON, wantErr: "2 private keys"},
		{name: "RSA 1024", data: pkcs8(t, rsaKey(t, 1024)), wantErr: "1024 bits"},
		{name: "P-384", data: pkcs8(t, ek384), wantErr: "P-384"},
		{name: "JWK for PS256", data: psJSON, wantErr: "alg PS256"},
		{name: "garbage", data: []byte("hunter2"), wantErr: "neither PEM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := oauth.ParseClientKey(tc.data)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseClientKey: %v", err)
			}
			if k.Alg() != tc.alg {
				t.Errorf("alg: got %s, want %s", k.Alg(), tc.alg)
			}
			if tc.kid != "" && k.KeyID() != tc.kid {
				t.Errorf("kid: got %q, want %q", k.KeyID(), tc.kid)
			}
			if k.KeyID() == "" {
				t.Error("no kid: a key without one gets its RFC 7638 thumbprint")
			}
		})
	}
}

// TestClientKeyNeverPrints: the key is a credential; no face of it shows
// the private parts, and the public JWK holds none either.
func TestClientKeyNeverPrints(t *testing.T) {
	rk := rsaKey(t, 2048)
	k, err := oauth.ParseClientKey(pkcs8(t, rk))
	if err != nil {
		t.Fatal(err)
	}
	d := base64.RawURLEncoding.EncodeToString(rk.D.Bytes())
	p := base64.RawURLEncoding.EncodeToString(rk.Primes[0].Bytes())
	cfg := oauth.ClientConfig{ClientID: "c", Key: k}
	js, _ := json.Marshal(k)
	jsv, _ := json.Marshal(*k)
	faces := []string{fmt.Sprintf("%v|%+v|%#v|%s", k, k, k, k), fmt.Sprintf("%v|%+v|%#v", *k, *k, *k),
		fmt.Sprintf("%v|%+v|%#v", cfg, cfg, cfg), string(js), string(jsv)}
	pub, err := k.PublicJWK()
	if err != nil {
		t.Fatal(err)
	}
	faces = append(faces, string(pub))
	for _, f := range faces {
		for _, secret := range []string{d, p, d[:16], rk.D.String()[:16]} {
			if strings.Contains(f, secret) {
				t.Fatalf("key material printed in %q", f)
			}
		}
	}
	var pj map[string]any
	if err := json.Unmarshal(pub, &pj); err != nil {
		t.Fatal(err)
	}
	if pj["d"] != nil || pj["kty"] != "RSA" || pj["alg"] != "RS256" || pj["use"] != "sig" || pj["kid"] != k.KeyID() {
		t.Errorf("public JWK: got %v, want kty RSA, alg RS256, use sig, kid %s, no d", pj, k.KeyID())
	}
	if !strings.Contains(k.String(), "RS256 private key (kid "+k.KeyID()+")") {
		t.Errorf("String: got %q", k.String())
	}
}

// assertionServer records each request's form and answers a token.
type assertionServer struct {
	*httptest.Server
	mu    sync.Mutex
	forms []url.Values
	auth  []string
}

func newAssertionServer(t *testing.T) *assertionServer {
	s := &assertionServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f, _ := url.ParseQuery(string(b))
		s.mu.Lock()
		s.forms = append(s.forms, f)
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/introspect") {
			io.WriteString(w, `{"active":false}`)
			return
		}
		io.WriteString(w, `{"access_token":"at","token_type":"Bearer","expires_in":60}`)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestClientAssertionOnTheWire: each request carries a fresh assertion
// (RFC 7523 §2.2, §3) that verifies with the registered key: iss = sub =
// client id, aud the token endpoint, a jti never repeated, 60 s of life;
// no secret travels and no Basic header is sent.
func TestClientAssertionOnTheWire(t *testing.T) {
	rk := rsaKey(t, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	const secret = "a-shared-secret-of-at-least-32-bytes!!"
	for _, tc := range []struct {
		name, method string
		key          any // private key; nil for the secret
		alg          jwa.SignatureAlgorithm
	}{
		{"private_key_jwt RS256", "private_key_jwt", rk, jwa.RS256()},
		{"private_key_jwt ES256", "private_key_jwt", ek, jwa.ES256()},
		{"client_secret_jwt", "client_secret_jwt", nil, jwa.HS256()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAssertionServer(t)
			cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "my-client", AuthMethod: tc.method, Scopes: []string{"s"}}
			var verifyKey any = []byte(secret)
			if tc.key != nil {
				k, err := oauth.ParseClientKey(pkcs8(t, tc.key))
				if err != nil {
					t.Fatal(err)
				}
				cfg.Key = k
				pub, _ := k.PublicJWK()
				pk, err := jwk.ParseKey(pub)
				if err != nil {
					t.Fatal(err)
				}
				verifyKey = pk
			} else {
				cfg.ClientSecret = secret
			}
			for i := 0; i < 2; i++ {
				_, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg)
				if err != nil {
					t.Fatalf("ClientCredentials: %v", err)
				}
				if oauth.ClientAssertion(exs[0]) == nil {
					t.Error("ClientAssertion: found none in the recorded request")
				}
				if red := string(exs[0].Redacted().RequestBody); strings.Contains(red, srv.forms[i].Get("client_assertion")) {
					t.Errorf("the redacted exchange shows the assertion: %s", red)
				}
			}
			jtis := map[string]bool{}
			for i, f := range srv.forms {
				if srv.auth[i] != "" || f.Get("client_secret") != "" {
					t.Errorf("request %d: Authorization %q, client_secret %q: want neither", i, srv.auth[i], f.Get("client_secret"))
				}
				if got := f.Get("client_assertion_type"); got != oauth.AssertionType {
					t.Errorf("client_assertion_type: got %q, want %q", got, oauth.AssertionType)
				}
				a := f.Get("client_assertion")
				payload, err := jws.Verify([]byte(a), jws.WithKey(tc.alg, verifyKey))
				if err != nil {
					t.Fatalf("the assertion does not verify with %s and the registered key: %v", tc.alg, err)
				}
				var c struct {
					Iss, Sub, Aud, Jti string
					Iat, Exp           int64
				}
				if err := json.Unmarshal(payload, &c); err != nil {
					t.Fatal(err)
				}
				if c.Iss != "my-client" || c.Sub != "my-client" || c.Aud != cfg.TokenURL || c.Exp-c.Iat != 60 || c.Jti == "" {
					t.Errorf("claims: got %+v, want iss = sub = my-client, aud %s, exp = iat + 60, a jti", c, cfg.TokenURL)
				}
				if jtis[c.Jti] {
					t.Errorf("jti %s sent twice: a server that remembers them would refuse the second request", c.Jti)
				}
				jtis[c.Jti] = true
				j, _ := oauth.DecodeJWT(a)
				if tc.key != nil && j.Header["kid"] != cfg.Key.KeyID() {
					t.Errorf("kid: got %v, want %s", j.Header["kid"], cfg.Key.KeyID())
				}
			}
		})
	}
}

// TestAssertionAudience: by default the token endpoint even at
// introspection (Keycloak refuses the revocation URL); AudienceEndpoint
// makes it the URL called (Okta requires that); a URL is taken as is.
func TestAssertionAudience(t *testing.T) {
	srv := newAssertionServer(t)
	k, _ := oauth.ParseClientKey(pkcs8(t, rsaKey(t, 2048)))
	base := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "c", Key: k}
	for _, tc := range []struct{ aud, want string }{
		{"", srv.URL + "/token"},
		{oauth.AudienceEndpoint, srv.URL + "/introspect"},
		{"https://issuer.example", "https://issuer.example"},
	} {
		cfg := base
		cfg.AssertionAudience = tc.aud
		_, exs, err := oauth.Introspect(context.Background(), nil, srv.URL+"/introspect", cfg, "tok", "")
		if err != nil {
			t.Fatalf("Introspect: %v", err)
		}
		if got := oauth.ClientAssertion(exs[0]).Claims["aud"]; got != tc.want {
			t.Errorf("AssertionAudience %q: aud got %v, want %s", tc.aud, got, tc.want)
		}
	}
}

// TestAssertionNeedsItsCredential: a JWT method without its key or secret
// is refused before anything is sent, saying what to give.
func TestAssertionNeedsItsCredential(t *testing.T) {
	srv := newAssertionServer(t)
	for method, want := range map[string]string{"private_key_jwt": "--client-key", "client_secret_jwt": "OAUTHLAB_CLIENT_SECRET"} {
		cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "c", AuthMethod: method}
		_, exs, err := oauth.RequestToken(context.Background(), nil, cfg, url.Values{"grant_type": {"client_credentials"}})
		if e := oauth.Explain(err); e == nil || !strings.Contains(e.Try, want) {
			t.Errorf("%s without its credential: got %v, want an error whose Try names %s", method, err, want)
		}
		if len(exs) != 0 || len(srv.forms) != 0 {
			t.Errorf("%s: %d exchanges made, want none", method, len(exs))
		}
	}
}

func TestLoadClientKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(path, pkcs8(t, rsaKey(t, 2048)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := oauth.LoadClientKey(path); err != nil {
		t.Fatalf("LoadClientKey: %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 100<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := oauth.LoadClientKey(big); err == nil || !strings.Contains(err.Error(), "larger than 64 KiB") {
		t.Errorf("a 100 KB file: got %v, want refused as too big", err)
	}
}
