package lab

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/events"
)

// appGet opens u with browser and reads the web app's JSON answer.
func appGet(t *testing.T, browser *http.Client, u string) (int, map[string]string) {
	t.Helper()
	resp, err := browser.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if resp.StatusCode != http.StatusFound {
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("GET %s: %d, not the app's JSON: %v", u, resp.StatusCode, err)
		}
	}
	return resp.StatusCode, body
}

func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// The login-csrf world: the protected app refuses a callback when the
// browser started no login there, and one whose state is not its
// session's, before any code is exchanged; the weakened app takes any
// callback and exchanges its code (here a bogus one, so the exchange
// fails at the server: what matters is that it was tried). A real login
// through the protected app signs the browser in.
func TestLoginCSRFWebApps(t *testing.T) {
	w, lw := startLab(t, LoginCSRF)
	evs, stop := w.Events.Subscribe(256)
	defer stop()

	status, body := appGet(t, newBrowser(), lw.ProtectedClient+"/callback?code=x&state=y")
	if status != http.StatusForbidden || body["error"] != "state_mismatch" || !strings.Contains(body["error_description"], "started no login") {
		t.Errorf("protected app, no login started: got %d %v, want 403 state_mismatch", status, body)
	}

	b := newBrowser()
	if status, _ := appGet(t, b, lw.ProtectedClient+"/login"); status != http.StatusFound {
		t.Fatalf("protected /login: got %d, want 302", status)
	}
	status, body = appGet(t, b, lw.ProtectedClient+"/callback?code=x&state=not-this-browsers")
	if status != http.StatusForbidden || body["error"] != "state_mismatch" || !strings.Contains(body["error_description"], "does not match") {
		t.Errorf("protected app, another state: got %d %v, want 403 state_mismatch", status, body)
	}

	status, body = appGet(t, newBrowser(), lw.WeakClient+"/callback?code=bogus")
	if status != http.StatusBadGateway || body["error"] != "exchange_failed" {
		t.Errorf("weakened app, a bogus code: got %d %v, want 502 exchange_failed (the code was exchanged, not refused)", status, body)
	}

	// A genuine login through the protected app.
	b = newBrowser()
	resp, err := b.Get(lw.ProtectedClient + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, err := lw.SignIn(context.Background(), resp.Header.Get("Location"), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if status, body := appGet(t, b, cb.String()); status != http.StatusOK || body["signed_in_as"] != "alice" {
		t.Fatalf("protected app, its own login: got %d %v, want 200 alice", status, body)
	}
	if status, body := appGet(t, b, lw.ProtectedClient+"/me"); status != http.StatusOK || body["signed_in_as"] != "alice" {
		t.Fatalf("/me after the login: got %d %v, want 200 alice", status, body)
	}
	// The state is spent: the same callback again is refused.
	if status, body := appGet(t, b, cb.String()); status != http.StatusForbidden || body["error"] != "state_mismatch" {
		t.Errorf("the same callback again: got %d %v, want 403 state_mismatch", status, body)
	}
	if !sawEvent(evs, WeakWebApp, "WEAKENED: the callback's state was not checked") {
		t.Errorf("no event from %s saying it did not check state", WeakWebApp)
	}
}

// The redirect-uri world: two servers know the web app with the same one
// redirect URI; only the weakened one accepts another loopback port.
func TestRedirectURIWorld(t *testing.T) {
	w, lw := startLab(t, RedirectURI)
	if lw.WeakIssuer == lw.ProtectedIssuer || lw.ProtectedIssuer == w.Issuer {
		t.Fatalf("weak %s, protected %s, world %s: want two servers of the lab's own", lw.WeakIssuer, lw.ProtectedIssuer, w.Issuer)
	}
	resp, err := newBrowser().Get(lw.ProtectedClient + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	link, _ := url.Parse(resp.Header.Get("Location"))
	q := link.Query()
	q.Set("redirect_uri", "http://127.0.0.1:1/callback")
	for _, tt := range []struct {
		issuer string
		want   int
	}{{lw.WeakIssuer, http.StatusOK}, {lw.ProtectedIssuer, http.StatusBadRequest}} {
		u := strings.Replace(link.String(), lw.ProtectedIssuer, tt.issuer, 1)
		u = u[:strings.IndexByte(u, '?')+1] + q.Encode()
		resp, err := newBrowser().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s with another port: got %d, want %d", tt.issuer, resp.StatusCode, tt.want)
		}
	}
}

func sawEvent(evs <-chan events.Event, server, decision string) bool {
	for {
		select {
		case e := <-evs:
			if e.Server == server && strings.Contains(e.Decision+"\n"+strings.Join(e.Details, "\n"), decision) {
				return true
			}
		default:
			return false
		}
	}
}
