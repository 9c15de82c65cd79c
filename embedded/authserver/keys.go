package authserver

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"

	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/oauthlab/oauthlab/internal/keygen"
)

// keyLifetime is how long a rotated-out key stays published: longer than
// any token it signed lives (Okta-shaped access tokens live 3600 s).
const keyLifetime = time.Hour + 5*time.Minute

type signingKey struct {
	kid     string
	priv    *rsa.PrivateKey
	retired time.Time // zero while it signs
}

// keyring holds the signing keys. The first key is generated in the
// background so New returns at once (a 2048-bit key takes ~100 ms, more on a
// slow laptop) and the TUI's first frame never waits for it.
type keyring struct {
	style Style
	ready chan struct{}
	err   error

	mu      sync.Mutex
	current *signingKey
	old     []*signingKey
	enc     *signingKey // Keycloak's RSA-OAEP key: published, never used to sign
	// cacheDir keeps the current signing key across restarts ("" = none).
	cacheDir string
}

func newKeyring(style Style, cacheDir string, first *rsa.PrivateKey) *keyring {
	k := &keyring{style: style, ready: make(chan struct{}), cacheDir: cacheDir}
	go func() {
		defer close(k.ready)
		priv := first
		if priv == nil {
			var err error
			if priv, err = loadOrGenerate(cacheDir); err != nil {
				k.err = err
				return
			}
		}
		k.current = &signingKey{kid: kidOf(&priv.PublicKey), priv: priv}
		if style == StyleKeycloak {
			// Keycloak publishes an encryption key beside the signing key
			// (fixture keycloak/jwks.json); verifiers must skip it.
			encPriv, err := keygen.RSA()
			if err != nil {
				k.err = err
				return
			}
			k.enc = &signingKey{kid: kidOf(&encPriv.PublicKey), priv: encPriv}
		}
	}()
	return k
}

// signer waits for the first key and returns the current one.
func (k *keyring) signer() (*signingKey, error) {
	<-k.ready
	if k.err != nil {
		return nil, k.err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.current, nil
}

func (k *keyring) rotate(now time.Time) (newKid, oldKid string, err error) {
	<-k.ready
	if k.err != nil {
		return "", "", k.err
	}
	priv, err := keygen.RSA()
	if err != nil {
		return "", "", err
	}
	// The cache follows the signing key, so a restart signs with the new one.
	saveKey(k.cacheDir, priv)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.current.retired = now
	k.old = append(k.old, k.current)
	k.current = &signingKey{kid: kidOf(&priv.PublicKey), priv: priv}
	return k.current.kid, k.old[len(k.old)-1].kid, nil
}

// withdraw takes the rotated-out key kid out of the key set at once; the
// key that signs cannot be withdrawn.
func (k *keyring) withdraw(kid string) error {
	<-k.ready
	if k.err != nil {
		return k.err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.current.kid == kid {
		return fmt.Errorf("key %s signs the server's tokens: rotate the keys first, then withdraw it", kid)
	}
	for i, o := range k.old {
		if o.kid == kid {
			k.old = append(k.old[:i], k.old[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("no rotated-out signing key has kid %s", kid)
}

// verifyKey finds a published signing key by kid (for introspection and
// userinfo, which check the server's own tokens).
func (k *keyring) verifyKey(kid string, now time.Time) *rsa.PublicKey {
	<-k.ready
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.current != nil && k.current.kid == kid {
		return &k.current.priv.PublicKey
	}
	for _, o := range k.old {
		if o.kid == kid && now.Sub(o.retired) < keyLifetime {
			return &o.priv.PublicKey
		}
	}
	return nil
}

// jwks returns the published keys as JSON objects with each server's member
// order (Keycloak: kid kty alg use n e; Okta: kty alg kid use e n). Keycloak
// does not keep the order of keys[] stable across restarts (SOURCES.md), so
// neither do we: clients must pick a key by kid, not by position.
func (k *keyring) jwks(now time.Time) ([]orderedJSON, error) {
	<-k.ready
	if k.err != nil {
		return nil, k.err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []orderedJSON
	add := func(sk *signingKey, alg, use string) {
		n := b64(sk.priv.PublicKey.N.Bytes())
		e := b64(big.NewInt(int64(sk.priv.PublicKey.E)).Bytes())
		if k.style == StyleOkta {
			out = append(out, orderedJSON{{"kty", "RSA"}, {"alg", alg}, {"kid", sk.kid}, {"use", use}, {"e", e}, {"n", n}})
			return
		}
		out = append(out, orderedJSON{{"kid", sk.kid}, {"kty", "RSA"}, {"alg", alg}, {"use", use}, {"n", n}, {"e", e}})
	}
	add(k.current, "RS256", "sig")
	for _, o := range k.old {
		if now.Sub(o.retired) < keyLifetime {
			add(o, "RS256", "sig")
		}
	}
	if k.enc != nil {
		add(k.enc, "RSA-OAEP", "enc")
	}
	mrand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

// kidOf is base64url(SHA-256(SPKI)), 43 characters, as Keycloak's kids look.
func kidOf(pub *rsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	sum := sha256.Sum256(der)
	return b64(sum[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

const keyFile = "authserver-rs256.pem"

// loadOrGenerate reads the cached key from dir, or generates one and caches
// it with 0600 permissions. dir "" means no cache.
func loadOrGenerate(dir string) (*rsa.PrivateKey, error) {
	if dir != "" {
		if b, err := os.ReadFile(filepath.Join(dir, keyFile)); err == nil {
			if blk, _ := pem.Decode(b); blk != nil {
				if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil && k.N.BitLen() >= 2048 {
					return k, nil
				}
			}
		}
	}
	priv, err := keygen.RSA()
	if err != nil {
		return nil, fmt.Errorf("generate RSA key: %w", err)
	}
	saveKey(dir, priv)
	return priv, nil
}

// saveKey writes priv to the cache in dir (0600, atomically); "" does
// nothing. A cache that cannot be written only costs a new key next start.
func saveKey(dir string, priv *rsa.PrivateKey) {
	if dir == "" || os.MkdirAll(dir, 0o700) != nil {
		return
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)})
	tmp := filepath.Join(dir, keyFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err == nil {
		_ = os.Rename(tmp, filepath.Join(dir, keyFile))
	}
}
