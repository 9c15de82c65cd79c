package authserver

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth"
)

// The signing key cached under KeyCacheDir is private (0600) and a restart
// signs with the same key (same kid), so the first frame never waits for RSA
// generation twice.
func TestKeyCacheIsPrivateAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	kidOfNew := func() string {
		s, err := New(Config{BaseURL: "http://127.0.0.1:1", KeyCacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		c := s.clients[DemoClientID]
		tr, e := s.issue(c, nil, []string{"fakebookapi.read"}, issueOpts{grant: "client_credentials"})
		if e != nil {
			t.Fatal(e)
		}
		j, err := oauth.DecodeJWT(tr.get("access_token").(string))
		if err != nil {
			t.Fatal(err)
		}
		return j.Header["kid"].(string)
	}
	first := kidOfNew()
	fi, err := os.Stat(filepath.Join(dir, keyFile))
	if err != nil {
		t.Fatalf("no cached key: %v", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("cached key mode: got %v, want 0600", fi.Mode().Perm())
	}
	if second := kidOfNew(); second != first {
		t.Fatalf("kid after restart: got %q, want the cached key's %q", second, first)
	}
	// After a rotation the cache holds the new key: a restart keeps signing
	// with it rather than going back to the retired one.
	s, err := New(Config{BaseURL: "http://127.0.0.1:1", KeyCacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	newKid, oldKid, err := s.RotateKeys()
	if err != nil || oldKid != first || newKid == first {
		t.Fatalf("rotate: new %q old %q err %v; the key before was %q", newKid, oldKid, err, first)
	}
	if again := kidOfNew(); again != newKid {
		t.Fatalf("kid after rotation and restart: got %q, want the rotated-in %q", again, newKid)
	}
}

// A broken cache file is replaced, not fatal.
func TestKeyCacheIgnoresGarbage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, keyFile), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := loadOrGenerate(dir)
	if err != nil || k == nil || k.N.BitLen() != 2048 {
		t.Fatalf("got err %v, want a fresh 2048-bit key", err)
	}
}

// A withdrawn key leaves the JWKS at once, and the server stops vouching
// for what it signed (introspection says inactive), while a routine
// rotation keeps it (TestRotateKeysKeepsOldTokensValid). The key that
// signs, or one never published, cannot be withdrawn. A given SigningKey
// is the one that signs first.
func TestWithdrawKey(t *testing.T) {
	priv := testkey.RSA()
	f := start(t, StyleKeycloak, func(c *Config) { c.SigningKey = priv })
	a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}}, DemoClientID, DemoClientSecret)
	old, _ := a.body["access_token"].(string)
	j, err := oauth.DecodeJWT(old)
	if err != nil {
		t.Fatalf("no access token: %d %s", a.status, a.raw)
	}
	digest := sha256.Sum256([]byte(j.SigningInput))
	if err := rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, digest[:], j.Signature); err != nil {
		t.Fatalf("the first token is not signed by the given SigningKey: %v", err)
	}
	newKid, oldKid, err := f.s.RotateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.WithdrawKey(newKid); err == nil || !strings.Contains(err.Error(), "rotate the keys first") {
		t.Errorf("withdrawing the key that signs: got %v, want a refusal", err)
	}
	if err := f.s.WithdrawKey("no-such-kid"); err == nil {
		t.Error("withdrawing an unknown kid: got no error, want one")
	}
	if !f.active(t, old) {
		t.Fatal("before the withdrawal, a token of the rotated-out key: inactive, want active")
	}
	evs, stop := f.bus.Subscribe(4)
	defer stop()
	if err := f.s.WithdrawKey(oldKid); err != nil {
		t.Fatal(err)
	}
	if e := <-evs; !strings.Contains(e.Decision, "withdrew the signing key "+oldKid) {
		t.Errorf("event %q, want it to say %s was withdrawn", e.Decision, oldKid)
	}
	jwks := f.get(t, f.s.Issuer()+f.s.paths().certs).body
	if strings.Contains(jwks, oldKid) || !strings.Contains(jwks, newKid) {
		t.Errorf("JWKS after the withdrawal: %s; want %s gone and %s listed", jwks, oldKid, newKid)
	}
	if f.active(t, old) {
		t.Error("after the withdrawal, a token of the withdrawn key: active, want inactive")
	}
	if _, err := New(Config{BaseURL: "http://127.0.0.1:1", SigningKey: &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: big.NewInt(3), E: 3}}}); err == nil {
		t.Error("a SigningKey of 2 bits: got no error, want one")
	}
}
