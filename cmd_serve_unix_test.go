//go:build unix

package main

import (
	"context"
	"net/http"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// SIGHUP to serve rotates the signing key: the event log says which kid
// signs now, and the JWKS lists both keys (old tokens still verify).
func TestServeRotatesKeysOnSIGHUP(t *testing.T) {
	isolateCache(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg"}, &out, &errb)
	}()
	issuer := waitFor(t, &out, regexp.MustCompile(`issuer\s+(\S+)`))[1]
	waitFor(t, &out, regexp.MustCompile(`kill -HUP \d+`))
	sigKids := func() []string {
		resp, err := http.Get(issuer + "/protocol/openid-connect/certs")
		if err != nil {
			t.Fatal(err)
		}
		var set struct {
			Keys []struct{ Kid, Use string }
		}
		decodeJSON(t, resp, &set)
		var kids []string
		for _, k := range set.Keys {
			if k.Use == "sig" {
				kids = append(kids, k.Kid)
			}
		}
		return kids
	}
	before := sigKids()
	if len(before) != 1 {
		t.Fatalf("before rotation: signing keys %v, want 1", before)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	m := waitFor(t, &out, regexp.MustCompile(`rotated the signing key: (\S+) signs from now on; (\S+) stays`))
	if m[2] != before[0] || m[1] == before[0] {
		t.Fatalf("rotation said new %s, old %s; the key before was %s", m[1], m[2], before[0])
	}
	after := sigKids()
	if len(after) != 2 {
		t.Fatalf("after rotation: signing keys %v, want the new and the old", after)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop")
	}
}
