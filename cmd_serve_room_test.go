package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded"
)

// serve for a room: --public-url makes the issuer and every endpoint, in
// both shapes, and the RFC 8414 location the banner prints answers with it.
func TestServePublicURL(t *testing.T) {
	isolateCache(t)
	for _, style := range []string{"keycloak", "okta"} {
		t.Run(style, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var out, errb syncBuffer
			addr := freeAddr(t)
			_, port, _ := net.SplitHostPort(addr)
			public := "http://localhost:" + port
			done := make(chan error, 1)
			go func() {
				done <- runServe(ctx, &serveOptions{addr: addr, apiAddr: freeAddr(t), style: style, realm: "myorg", publicURL: public}, &out, &errb)
			}()
			defer func() {
				cancel()
				select {
				case <-done:
				case <-time.After(5 * time.Second):
					t.Error("serve did not stop")
				}
			}()
			issuer := waitFor(t, &out, regexp.MustCompile(`issuer\s+(\S+)`))[1]
			if !strings.HasPrefix(issuer, public+"/") {
				t.Fatalf("issuer %q, want it on --public-url %s", issuer, public)
			}
			meta := waitFor(t, &out, regexp.MustCompile(`RFC 8414\s+(\S+)`))[1]
			if !strings.HasPrefix(meta, public+"/.well-known/oauth-authorization-server/") {
				t.Fatalf("RFC 8414 location %q, want it at the root of %s", meta, public)
			}
			resp, err := http.Get(meta)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			err = json.NewDecoder(resp.Body).Decode(&doc)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || doc["issuer"] != issuer {
				t.Fatalf("GET %s: %d %v, issuer %v; want 200 and issuer %s", meta, resp.StatusCode, err, doc["issuer"], issuer)
			}
			for _, k := range []string{"token_endpoint", "authorization_endpoint", "jwks_uri", "introspection_endpoint", "revocation_endpoint"} {
				if s, _ := doc[k].(string); !strings.HasPrefix(s, issuer+"/") {
					t.Errorf("%s = %q, want it under %s", k, s, issuer)
				}
			}
			if strings.Contains(out.String(), "listening ") {
				t.Errorf("a loopback listener is described as listening on every interface:\n%s", out.String())
			}
		})
	}
	code, _, errOut := runCLI(t, "serve", "--public-url", "http://0.0.0.0:8080")
	if code != exitUsage || !strings.Contains(errOut, "--public-url") || !strings.Contains(errOut, "no one can connect") {
		t.Errorf("serve --public-url http://0.0.0.0:8080: exit %d %q, want 2 saying why", code, errOut)
	}
}

func TestLanURLs(t *testing.T) {
	ipnet := func(s string) net.Addr {
		ip, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		n.IP = ip
		return n
	}
	addrs := []net.Addr{ipnet("127.0.0.1/8"), ipnet("::1/128"), ipnet("2001:db8::5/64"), ipnet("192.168.1.20/24"),
		ipnet("fe80::1/64"), ipnet("169.254.3.4/16"), ipnet("10.0.0.5/8")}
	for _, tc := range []struct {
		listen   string
		want     string
		wildcard bool
	}{
		{"[::]:8080", "http://192.168.1.20:8080 http://10.0.0.5:8080 http://[2001:db8::5]:8080", true},
		{"0.0.0.0:5000", "http://192.168.1.20:5000 http://10.0.0.5:5000 http://[2001:db8::5]:5000", true},
		{":8080", "http://192.168.1.20:8080 http://10.0.0.5:8080 http://[2001:db8::5]:8080", true},
		{"127.0.0.1:8080", "", false},
		{"192.168.1.20:8080", "", false},
	} {
		got, wildcard := lanURLs(tc.listen, addrs)
		if strings.Join(got, " ") != tc.want || wildcard != tc.wildcard {
			t.Errorf("lanURLs(%s) = %v, %v; want %s, %v", tc.listen, got, wildcard, tc.want, tc.wildcard)
		}
	}
	// Bound to every interface without --public-url: the banner lists the
	// URLs and says the issuer is no address to use.
	w := &embedded.World{Issuer: "http://[::]:8080/realms/myorg", Addr: "[::]:8080", APIAddr: "[::]:5000"}
	got := describeListeners(w, false, addrs)
	for _, want := range []string{
		"authorization server on [::]:8080, every interface: http://192.168.1.20:8080, http://10.0.0.5:8080",
		"FakeBook on [::]:5000, every interface: http://192.168.1.20:5000",
		"the issuer names [::]:8080, which no attendee can use; restart with --public-url http://192.168.1.20:8080",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("banner lacks %q:\n%s", want, got)
		}
	}
	if got := describeListeners(w, true, addrs); strings.Contains(got, "restart with") || !strings.Contains(got, "http://10.0.0.5:8080") {
		t.Errorf("with --public-url: want the URLs and no advice to restart, got:\n%s", got)
	}
	if got := describeListeners(w, false, nil); !strings.Contains(got, "no address beyond loopback") {
		t.Errorf("no LAN address: got:\n%s", got)
	}
	if got := describeListeners(&embedded.World{Addr: "127.0.0.1:8080", APIAddr: "127.0.0.1:5000"}, false, addrs); got != "" {
		t.Errorf("loopback listeners: got %q, want nothing", got)
	}
	// A room with one server left on loopback: attendees reach the other
	// only, and the banner says which flag moves it.
	for _, tc := range []struct {
		name      string
		w         embedded.World
		want, not string
	}{
		{"FakeBook left on loopback", embedded.World{Issuer: "http://192.168.1.20:8080/realms/myorg", APIBase: "http://127.0.0.1:5000", Addr: "[::]:8080", APIAddr: "127.0.0.1:5000"},
			"! FakeBook is at http://127.0.0.1:5000, on loopback: no attendee can reach it; restart with --api-addr 0.0.0.0:5000", "the authorization server is"},
		{"the issuer left on loopback", embedded.World{Issuer: "http://localhost:8080/realms/myorg", APIBase: "http://[::]:5000", Addr: "127.0.0.1:8080", APIAddr: "[::]:5000"},
			"! the authorization server is at http://localhost:8080/realms/myorg, on loopback: no attendee can reach it; restart with --addr 0.0.0.0:8080", "FakeBook is at"},
		{"both on the LAN", embedded.World{Issuer: "http://192.168.1.20:8080/realms/myorg", APIBase: "http://192.168.1.20:5000", Addr: "[::]:8080", APIAddr: "[::]:5000"},
			"", "on loopback"},
		{"both behind a proxy on this machine", embedded.World{Issuer: "https://idp.example/realms/myorg", APIBase: "https://api.example", Addr: "127.0.0.1:8080", APIAddr: "127.0.0.1:5000"},
			"", "!"},
		{"plain serve", embedded.World{Issuer: "http://127.0.0.1:8080/realms/myorg", APIBase: "http://127.0.0.1:5000", Addr: "127.0.0.1:8080", APIAddr: "127.0.0.1:5000"},
			"", "!"},
		{"--public-url without --allow-lan", embedded.World{Issuer: "http://192.168.1.20:8080/realms/myorg", APIBase: "http://127.0.0.1:5000", Addr: "127.0.0.1:8080", APIAddr: "127.0.0.1:5000"},
			"! the authorization server is announced at http://192.168.1.20:8080/realms/myorg but listens on 127.0.0.1:8080 only: no attendee can connect; restart with --allow-lan --addr 0.0.0.0:8080", "restart with --api-addr"},
	} {
		got := describeListeners(&tc.w, true, addrs)
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%s: got\n%s\nwant %q and no %q", tc.name, got, tc.want, tc.not)
		}
	}
}

func TestServeHelpSaysWhatSurvivesARestart(t *testing.T) {
	code, out, _ := runCLI(t, "serve", "--help")
	for _, want := range []string{"--public-url", "--api-public-url", "What survives a restart: the signing key", "books go back to the five"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("serve --help (exit %d) lacks %q", code, want)
		}
	}
}

// A port already taken says what likely holds it, on that system: on a
// Mac, FakeBook's default port 5000 is the AirPlay Receiver's.
func TestExplainListen(t *testing.T) {
	bindErr := func(errno syscall.Errno) error {
		return &net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", errno)}
	}
	for _, tc := range []struct {
		name, addr, goos string
		api              bool
		errno            syscall.Errno
		want, not        []string
	}{
		{"FakeBook's default on a Mac", "127.0.0.1:5000", "darwin", true, syscall.EADDRINUSE,
			[]string{"for the FakeBook API", "AirPlay Receiver", "--api-addr 127.0.0.1:5001", "turn AirPlay Receiver off", "lsof -nP -iTCP:5000"},
			[]string{"Keycloak", "--addr "}},
		{"port 5000 elsewhere", "127.0.0.1:5000", "linux", true, syscall.EADDRINUSE,
			[]string{"another program already listens on port 5000", "--api-addr 127.0.0.1:5001"},
			[]string{"AirPlay", "Keycloak"}},
		{"the room's FakeBook on a Mac", "0.0.0.0:5000", "darwin", true, syscall.EADDRINUSE,
			[]string{"AirPlay Receiver", "--api-addr 0.0.0.0:5001"}, nil},
		{"Keycloak's port", "127.0.0.1:8080", "darwin", false, syscall.EADDRINUSE,
			[]string{"for the authorization server", "a Keycloak", "--addr 127.0.0.1:8081"},
			[]string{"AirPlay", "--api-addr"}},
		{"another port", "127.0.0.1:9000", "darwin", false, syscall.EADDRINUSE,
			[]string{"another oauthlab serve?", "--addr 127.0.0.1:9001"},
			[]string{"AirPlay", "Keycloak"}},
		{"not this machine's address", "192.168.1.20:8080", "linux", false, syscall.EADDRNOTAVAIL,
			[]string{"192.168.1.20 is not an address of this machine", "--addr 0.0.0.0:8080"},
			[]string{"already listens", "Keycloak"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := explainListen(&embedded.ListenError{Addr: tc.addr, API: tc.api, Err: bindErr(tc.errno)}, tc.goos)
			var le *embedded.ListenError
			if !errors.As(err, &le) {
				t.Errorf("got %T, want it to wrap the *embedded.ListenError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(err.Error(), n) {
					t.Errorf("got %q, want no %q (not true of this case)", err, n)
				}
			}
		})
	}
	other := errors.New("boom")
	if got := explainListen(other, "darwin"); got != other {
		t.Errorf("got %v, want another error unchanged", got)
	}
}

// --allow-lan only allows: the warning that anyone on the network can get
// tokens is for a server that does listen beyond loopback, and --allow-lan
// with loopback addresses says no other machine can reach them.
func TestLanWarning(t *testing.T) {
	for _, tc := range []struct {
		allow     bool
		addrs     []string
		want, not string
	}{
		{true, []string{"[::]:8080", "[::]:5000"}, "WARNING: listening beyond loopback", "note:"},
		{true, []string{"192.168.1.20:8080", "127.0.0.1:5000"}, "WARNING: listening beyond loopback", "note:"},
		{true, []string{"127.0.0.1:8080", "127.0.0.1:5000"}, "note: --allow-lan, but both servers listen on loopback only (127.0.0.1:8080, 127.0.0.1:5000): no other machine can reach them. For a room, pass --addr 0.0.0.0:8080 --api-addr 0.0.0.0:5000 --public-url http://<this machine's address>:8080", "WARNING"},
		{false, []string{"127.0.0.1:8080", "[::1]:5000"}, "", "e"},
	} {
		got := lanWarning(tc.allow, tc.addrs[0], tc.addrs[1])
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("lanWarning(%v, %v) = %q, want %q and no %q", tc.allow, tc.addrs, got, tc.want, tc.not)
		}
	}
	// serve itself, on loopback with --allow-lan.
	isolateCache(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg", allowLAN: true}, &out, &errb)
	}()
	waitFor(t, &out, regexp.MustCompile(`Press Ctrl-C`))
	cancel()
	<-done
	if got := errb.String(); strings.Contains(got, "WARNING") || !strings.Contains(got, "no other machine can reach them") {
		t.Errorf("serve --allow-lan on loopback: stderr %q, want no warning and the note", got)
	}
}
