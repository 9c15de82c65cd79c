package lab

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded"
)

// A weakened world never runs beside a world open to the LAN.
func TestStartRefusesNonLoopbackWorld(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", "192.168.1.20:8080"} {
		w := &embedded.World{Addr: addr, APIAddr: "127.0.0.1:5000"}
		if lw, err := Start(context.Background(), w, AlgNone); err == nil || !strings.Contains(err.Error(), "127.0.0.1 only") {
			if lw != nil {
				lw.Close()
			}
			t.Errorf("%s: got %v, want a refusal", addr, err)
		}
	}
}

func TestStartRefusesUnknownWeakness(t *testing.T) {
	w := &embedded.World{Addr: "127.0.0.1:1", APIAddr: "127.0.0.1:2"}
	if _, err := Start(context.Background(), w, "sql-injection"); err == nil {
		t.Fatal("got no error, want one for an unknown weakness")
	}
}

// A lab whose weakness is the authorization server's names no API as
// weakened: its second world's FakeBook is an ordinary one, and the banner
// of every face reads these fields.
func TestAuthServerLabsNameNoWeakenedAPI(t *testing.T) {
	for name := range asWeaknesses {
		t.Run(name, func(t *testing.T) {
			w, lw := startLab(t, name)
			if lw.WeakAPI != "" || lw.ProtectedAPI != "" {
				t.Errorf("got weakened API %q, protected API %q, want none", lw.WeakAPI, lw.ProtectedAPI)
			}
			if lw.WeakIssuer == "" || lw.WeakIssuer == w.Issuer || lw.ProtectedIssuer == "" || lw.ProtectedIssuer == lw.WeakIssuer {
				t.Errorf("got weakened issuer %q, protected %q (world %q), want two issuers, the weakened one of the lab's own", lw.WeakIssuer, lw.ProtectedIssuer, w.Issuer)
			}
		})
	}
}
