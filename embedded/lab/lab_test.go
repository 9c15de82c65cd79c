package lab

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
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

// Every authorization server of a lab's world names itself apart in the
// event log, so serve --lab's log and the TUI's pane say which one decided:
// the wrapped world's "authserver", the weakened one, the one with the
// protection on, and the lab's own.
func TestLabAuthServersNameThemselvesApart(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			w, lw := startLab(t, name)
			evs, stop := w.Events.Subscribe(64)
			defer stop()
			want := map[string]string{w.Issuer: "authserver"}
			if lw.WeakIssuer != "" {
				want[lw.WeakIssuer] = authserver.WeakServer
			}
			if lw.ProtectedIssuer != "" && lw.ProtectedIssuer != w.Issuer {
				want[lw.ProtectedIssuer] = ProtectedAuthServer
			}
			if lw.Issuer != "" {
				want[lw.Issuer] = LabAuthServer
			}
			if name == LoginCSRF { // the web apps' server, known by where /login sends the browser
				resp, err := newBrowser().Get(lw.ProtectedClient + "/login")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				want[strings.TrimSuffix(strings.SplitN(resp.Header.Get("Location"), "?", 2)[0], "/protocol/openid-connect/auth")] = LabAuthServer
			}
			for issuer, server := range want {
				if got := discoveryEventServer(t, evs, issuer); got != server {
					t.Errorf("%s's events name %q, want %q", issuer, got, server)
				}
			}
		})
	}
}

// discoveryEventServer fetches issuer's discovery document and returns the
// server its event names.
func discoveryEventServer(t *testing.T, evs <-chan events.Event, issuer string) string {
	t.Helper()
	for len(evs) > 0 { // what came before this request
		<-evs
	}
	u := issuer + "/.well-known/openid-configuration"
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-evs:
			if e.Path == parsed.Path {
				return e.Server
			}
		case <-timeout:
			t.Fatalf("no event for GET %s", u)
			return ""
		}
	}
}
