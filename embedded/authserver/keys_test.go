package authserver

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

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
