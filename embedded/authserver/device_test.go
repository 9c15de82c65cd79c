package authserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

// clock is a server clock a test moves by hand: no test waits real seconds.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startDevice starts a server of style on a hand-moved clock.
func startDevice(t *testing.T, style Style, configure ...func(*Config)) (*fixture, *clock) {
	clk := newClock()
	f := start(t, style, append([]func(*Config){func(c *Config) { c.Now = clk.Now }}, configure...)...)
	return f, clk
}

// authorizeDevice asks for a device code as client.
func authorizeDevice(t *testing.T, f *fixture, client, scope string) answer {
	t.Helper()
	a, _ := f.s.devicePaths()
	return f.post(t, a, url.Values{"client_id": {client}, "scope": {scope}}, "", "")
}

// poll makes one device access token request.
func poll(t *testing.T, f *fixture, client, deviceCode string) answer {
	t.Helper()
	return f.post(t, f.s.paths().token, url.Values{"grant_type": {GrantDeviceCode}, "client_id": {client}, "device_code": {deviceCode}}, "", "")
}

// compact is a fixture as it goes over the wire.
func compact(t *testing.T, name string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, oauthtest.Fixture(t, name)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wantFixture checks a refusal byte for byte against its fixture and status.
func wantFixture(t *testing.T, a answer, fixture string) {
	t.Helper()
	if got, want := strings.TrimSpace(a.raw), compact(t, fixture); got != want {
		t.Errorf("body:\n got %s\nwant %s (%s)", got, want, fixture)
	}
	if ws := manifestStatus(t, fixture); a.status != ws {
		t.Errorf("status: got %d, want %d (%s)", a.status, ws, fixture)
	}
}

// The device authorization answer has the fixture's members in order,
// the shape's user code and verification URI, and its cache headers.
func TestDeviceAuthorizationMatchesFixtures(t *testing.T) {
	for _, tt := range []struct {
		style            Style
		userCode, verify *regexp.Regexp
		cache, pragma    string
	}{
		{StyleKeycloak, regexp.MustCompile(`^[A-Z]{4}-[A-Z]{4}$`), regexp.MustCompile(`^http://127\.0\.0\.1:\d+/realms/myorg/device$`), "no-store, must-revalidate, max-age=0", ""},
		{StyleOkta, regexp.MustCompile(`^[A-Z]{8}$`), regexp.MustCompile(`^http://127\.0\.0\.1:\d+/activate$`), "no-store", "no-cache"},
	} {
		t.Run(string(tt.style), func(t *testing.T) {
			f, _ := startDevice(t, tt.style)
			a := authorizeDevice(t, f, DeviceClientID, "openid profile")
			if a.status != 200 {
				t.Fatalf("status: got %d, want 200: %s", a.status, a.raw)
			}
			want := keysInOrder(t, oauthtest.Fixture(t, string(tt.style)+"/device-authorization-response.json"))
			if got := keysInOrder(t, []byte(a.raw)); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("members:\n got %v\nwant %v", got, want)
			}
			uc, _ := a.body["user_code"].(string)
			vu, _ := a.body["verification_uri"].(string)
			if !tt.userCode.MatchString(uc) {
				t.Errorf("user_code: got %q, want %v", uc, tt.userCode)
			}
			if !tt.verify.MatchString(vu) {
				t.Errorf("verification_uri: got %q, want %v", vu, tt.verify)
			}
			if got := a.body["verification_uri_complete"]; got != vu+"?user_code="+uc {
				t.Errorf("verification_uri_complete: got %v, want %s?user_code=%s", got, vu, uc)
			}
			if a.body["expires_in"] != 600.0 || a.body["interval"] != 5.0 {
				t.Errorf("expires_in, interval: got %v, %v, want 600, 5", a.body["expires_in"], a.body["interval"])
			}
			if got := a.header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control: got %q, want %q", got, tt.cache)
			}
			if got := a.header.Get("Pragma"); got != tt.pragma {
				t.Errorf("Pragma: got %q, want %q", got, tt.pragma)
			}
		})
	}
}

// Pending, slow_down, access_denied and expired_token are each shape's
// answers byte for byte, on a clock moved by hand; an approved code gives
// tokens once, then is spent.
func TestDevicePollingBothShapes(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style)+"/approve", func(t *testing.T) {
			f, clk := startDevice(t, style)
			d := authorizeDevice(t, f, DeviceClientID, "openid profile offline_access")
			dc, uc := d.body["device_code"].(string), d.body["user_code"].(string)
			wantFixture(t, poll(t, f, DeviceClientID, dc), string(style)+"/error-device-authorization-pending.json")
			wantFixture(t, poll(t, f, DeviceClientID, dc), string(style)+"/error-device-slow-down.json")
			if !f.s.ApproveDevice(uc, "alice") {
				t.Fatal("ApproveDevice: got false, want true")
			}
			clk.add(10 * time.Second) // the interval after one slow_down
			a := poll(t, f, DeviceClientID, dc)
			if a.status != 200 || a.body["access_token"] == nil || a.body["id_token"] == nil || a.body["refresh_token"] == nil {
				t.Fatalf("approved poll: got %d %s, want 200 with access, ID and refresh tokens", a.status, a.raw)
			}
			clk.add(10 * time.Second)
			again := poll(t, f, DeviceClientID, dc)
			if again.status != 400 || again.body["error"] != "invalid_grant" {
				t.Errorf("poll after success: got %d %s, want 400 invalid_grant (a device code is single use)", again.status, again.raw)
			}
			if style == StyleKeycloak {
				wantFixture(t, again, "keycloak/error-device-code-not-valid.json")
			}
		})
		t.Run(string(style)+"/deny", func(t *testing.T) {
			f, clk := startDevice(t, style)
			d := authorizeDevice(t, f, DeviceClientID, "openid")
			dc, uc := d.body["device_code"].(string), d.body["user_code"].(string)
			if _, _, ok := f.s.decideDevice(uc, nil, false); !ok {
				t.Fatal("deny: got false, want true")
			}
			for i := 0; i < 2; i++ { // a denied code is not consumed
				wantFixture(t, poll(t, f, DeviceClientID, dc), string(style)+"/error-device-access-denied.json")
				clk.add(5 * time.Second)
			}
		})
		t.Run(string(style)+"/expiry", func(t *testing.T) {
			f, clk := startDevice(t, style)
			d := authorizeDevice(t, f, DeviceClientID, "openid")
			dc, uc := d.body["device_code"].(string), d.body["user_code"].(string)
			clk.add(600 * time.Second)
			wantFixture(t, poll(t, f, DeviceClientID, dc), string(style)+"/error-device-expired-token.json")
			// expiry comes before the interval: a second poll at once is still expired_token
			wantFixture(t, poll(t, f, DeviceClientID, dc), string(style)+"/error-device-expired-token.json")
			if f.s.ApproveDevice(uc, "alice") {
				t.Error("approving an expired user code: got true, want false")
			}
			if style == StyleKeycloak {
				clk.add(deviceExpiredGrace + time.Second)
				wantFixture(t, poll(t, f, DeviceClientID, dc), "keycloak/error-device-code-not-valid.json")
			}
		})
	}
}

// RFC 8628 §3.5: after slow_down a client adds 5 s for this and every later
// poll. One that does is answered; one that keeps its old pace is not.
func TestSlowDownAddsFiveSeconds(t *testing.T) {
	f, clk := startDevice(t, StyleKeycloak)
	dc := authorizeDevice(t, f, DeviceClientID, "openid").body["device_code"].(string)
	steps := []struct {
		after time.Duration
		want  string
	}{
		{0, "authorization_pending"},
		{3 * time.Second, "slow_down"},             // inside 5 s: the interval becomes 10 s
		{5 * time.Second, "slow_down"},             // 8 s after the last counted poll < 10 s: now 15 s
		{7 * time.Second, "authorization_pending"}, // 15 s after it
		{10 * time.Second, "slow_down"},            // 10 s < 15 s: now 20 s
		{10 * time.Second, "authorization_pending"},
	}
	for i, s := range steps {
		clk.add(s.after)
		a := poll(t, f, DeviceClientID, dc)
		if a.body["error"] != s.want {
			t.Fatalf("poll %d (+%s): got %v, want %s", i+1, s.after, a.body["error"], s.want)
		}
	}
}

// The device grant is refused to a client not registered for it, at the
// device endpoint (Keycloak: unauthorized_client, no Cache-Control) and at
// the token endpoint (invalid_grant); a device code polled by another
// client is invalid_grant, and does not stamp the owner's poll clock.
func TestDeviceRefusals(t *testing.T) {
	other := Client{ID: "tv-app", Grants: []string{GrantDeviceCode}, Scopes: []string{"openid"}}
	f, _ := startDevice(t, StyleKeycloak, func(c *Config) { c.Clients = []Client{other} })
	a := authorizeDevice(t, f, NativeClientID, "openid")
	wantFixture(t, a, "keycloak/error-device-grant-disabled.json")
	if cc := a.header.Get("Cache-Control"); cc != "" {
		t.Errorf("refusal Cache-Control: got %q, want none (measured)", cc)
	}
	tok := poll(t, f, NativeClientID, "whatever")
	if tok.status != 400 || tok.body["error"] != "invalid_grant" || tok.body["error_description"] != "Client not allowed OAuth 2.0 Device Authorization Grant" {
		t.Errorf("token endpoint, client without the grant: got %d %s", tok.status, tok.raw)
	}
	dc := authorizeDevice(t, f, DeviceClientID, "openid").body["device_code"].(string)
	for i := 0; i < 2; i++ {
		if a := poll(t, f, "tv-app", dc); a.body["error"] != "invalid_grant" || a.body["error_description"] != "unauthorized client" {
			t.Errorf("another client's code: got %d %s, want invalid_grant unauthorized client", a.status, a.raw)
		}
	}
	if a := poll(t, f, DeviceClientID, dc); a.body["error"] != "authorization_pending" {
		t.Errorf("owner after another client's polls: got %v, want authorization_pending (they do not stamp the clock)", a.body["error"])
	}
	if a := f.post(t, f.s.paths().token, url.Values{"grant_type": {GrantDeviceCode}, "client_id": {DeviceClientID}}, "", ""); a.body["error_description"] != "Missing parameter: device_code" {
		t.Errorf("no device_code: got %s", a.raw)
	}
	if a := authorizeDevice(t, f, "", "openid"); a.status != 401 || a.body["error"] != "invalid_client" {
		t.Errorf("no client_id at the device endpoint: got %d %s, want 401 invalid_client", a.status, a.raw)
	}
}

// The verification page: a wrong code and a wrong password are said on the
// page and approve nothing; the right ones approve, and Keycloak sends the
// browser to its status page; a denial shows Keycloak's denial text.
func TestDeviceVerificationPage(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			f, clk := startDevice(t, style)
			d := authorizeDevice(t, f, DeviceClientID, "openid profile")
			dc, uc, complete := d.body["device_code"].(string), d.body["user_code"].(string), d.body["verification_uri_complete"].(string)
			title, invalid, _, okTitle, _, _, _ := f.s.deviceTexts()
			page := get(t, complete)
			if !strings.Contains(page, title) || !strings.Contains(page, `value="`+uc+`"`) || !strings.Contains(page, DeviceClientID) {
				t.Fatalf("verification_uri_complete page: want the title, the code prefilled and the client, got\n%s", page)
			}
			verify := d.body["verification_uri"].(string)
			body, _ := submit(t, verify, url.Values{"device_user_code": {"ZZZZ-ZZZZ"}, "username": {"alice"}, "password": {"alice"}, "consent": {"allow"}})
			if !strings.Contains(body, invalid) {
				t.Errorf("wrong code: want %q on the page", invalid)
			}
			body, _ = submit(t, verify, url.Values{"device_user_code": {strings.ToLower(uc)}, "username": {"alice"}, "password": {"nope"}, "consent": {"allow"}})
			if !strings.Contains(body, "Invalid username or password.") {
				t.Errorf("wrong password: want the login error on the page")
			}
			if a := poll(t, f, DeviceClientID, dc); a.body["error"] != "authorization_pending" {
				t.Fatalf("after a wrong password: got %v, want authorization_pending", a.body["error"])
			}
			// typed in lower case without the dash: still the code (RFC 8628 §6.1)
			body, final := submit(t, verify, url.Values{"device_user_code": {strings.ToLower(strings.ReplaceAll(uc, "-", ""))}, "username": {"bob"}, "password": {"bob"}, "consent": {"allow"}})
			if !strings.Contains(body, okTitle) {
				t.Errorf("approval: want %q on the page, got\n%s", okTitle, body)
			}
			if style == StyleKeycloak && !strings.HasSuffix(final, "/realms/myorg/device/status") {
				t.Errorf("approval landed on %s, want {issuer}/device/status", final)
			}
			clk.add(5 * time.Second)
			a := poll(t, f, DeviceClientID, dc)
			if a.status != 200 {
				t.Fatalf("poll after approval: got %d %s", a.status, a.raw)
			}
		})
	}
	t.Run("deny", func(t *testing.T) {
		f, _ := startDevice(t, StyleKeycloak)
		d := authorizeDevice(t, f, DeviceClientID, "openid")
		body, final := submit(t, d.body["verification_uri"].(string), url.Values{"device_user_code": {d.body["user_code"].(string)}, "consent": {"deny"}})
		if !strings.Contains(body, "Consent denied for connecting the device.") || !strings.HasSuffix(final, "/device/status?error=access_denied") {
			t.Errorf("deny: landed on %s with\n%s", final, body)
		}
		wantFixture(t, poll(t, f, DeviceClientID, d.body["device_code"].(string)), "keycloak/error-device-access-denied.json")
	})
}

// A post the device page did not ask for approves nothing: one from
// another site (the browser says so), one with no anti-forgery value (a
// page elsewhere, or a script, that never showed the form), one with a
// value made for another browser's cookie.
func TestDevicePageRefusesCrossSitePosts(t *testing.T) {
	f, clk := startDevice(t, StyleKeycloak)
	d := authorizeDevice(t, f, DeviceClientID, "openid")
	verify := d.body["verification_uri"].(string)
	// The attacker's own visit to the page: a genuine value, for the
	// attacker's cookie.
	attacker := authservertest.WithJar(nil)
	shown, err := authservertest.Open(attacker, verify)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		headers map[string]string
		token   string
	}{
		{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, shown.Fields.Get("csrf_token")},
		{"no anti-forgery value", nil, ""},
		{"another browser's value", map[string]string{"Cookie": "oauthlab_login=" + strings.Repeat("x", 43)}, shown.Fields.Get("csrf_token")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"device_user_code": {d.body["user_code"].(string)}, "username": {"alice"}, "password": {"alice"},
				"consent": {"allow"}, "csrf_token": {tc.token}}
			req, _ := http.NewRequest("POST", verify, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("got %d, want 403", resp.StatusCode)
			}
			clk.add(5 * time.Second) // the interval: no slow_down
			if a := poll(t, f, DeviceClientID, d.body["device_code"].(string)); a.body["error"] != "authorization_pending" {
				t.Errorf("after the post: got %v, want authorization_pending", a.body["error"])
			}
		})
	}
	// The same form from the browser that was shown the page is taken.
	resp, err := authservertest.Device(nil, verify, d.body["user_code"].(string), "alice", "alice", "allow")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	clk.add(5 * time.Second)
	if a := poll(t, f, DeviceClientID, d.body["device_code"].(string)); a.status != 200 {
		t.Errorf("after the page's own post: got %d %v, want 200 with tokens", a.status, a.body)
	}
}

// Discovery lists the device endpoint and the grant type, in both shapes.
func TestDiscoveryListsTheDeviceEndpoint(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		f, _ := startDevice(t, style)
		var doc struct {
			Device string   `json:"device_authorization_endpoint"`
			Grants []string `json:"grant_types_supported"`
		}
		if err := json.Unmarshal([]byte(get(t, f.s.Issuer()+"/.well-known/openid-configuration")), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Device != f.s.DeviceAuthorizationEndpoint() || !contains(doc.Grants, GrantDeviceCode) {
			t.Errorf("%s: device_authorization_endpoint %q, grants %v", style, doc.Device, doc.Grants)
		}
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// submit opens the device page at u and posts it as a browser does, with
// form's user code, user name, password and consent, following the
// redirect, and returns the final page and URL.
func submit(t *testing.T, u string, form url.Values) (string, string) {
	t.Helper()
	resp, err := authservertest.Device(nil, u, form.Get("device_user_code"), form.Get("username"), form.Get("password"), form.Get("consent"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.Request.URL.String()
}

// Keycloak's approval redirects the browser to the status page, and the
// device may get its tokens before the browser follows: Settle holds the
// server until the page was fetched, so a world closed when the device is
// done (oauthlab device --embedded) still shows the person the outcome.
func TestSettleWaitsForTheStatusPage(t *testing.T) {
	f, _ := startDevice(t, StyleKeycloak)
	d := authorizeDevice(t, f, DeviceClientID, "openid")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := authservertest.Device(noFollow, d.body["verification_uri"].(string), d.body["user_code"].(string), "alice", "alice", "allow")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("approval: got %s without a redirect, want one to the status page", resp.Status)
	}
	if n := f.s.statusDue.Load(); n != 1 {
		t.Fatalf("after the redirect: %d browsers due at the status page, want 1", n)
	}
	done := make(chan struct{})
	go func() { f.s.Settle(time.Minute); close(done) }()
	select {
	case <-done:
		t.Fatal("Settle returned before the browser fetched the status page")
	default:
	}
	if page := get(t, loc.String()); !strings.Contains(page, "Device Login Successful") {
		t.Fatalf("status page: got\n%s", page)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Settle still waits after the status page was fetched")
	}
}

// The person's last page says "successful" only for an approval: Keycloak's
// status page with any error, and Okta's page after a denial, say the
// device was not let in.
func TestDeviceOutcomePagesSayFailure(t *testing.T) {
	t.Run("keycloak status page", func(t *testing.T) {
		f, _ := startDevice(t, StyleKeycloak)
		_, _, _, okTitle, _, deniedTitle, _ := f.s.deviceTexts()
		status := f.s.VerificationURI() + "/status"
		if page := get(t, status); !strings.Contains(page, okTitle) {
			t.Fatalf("status page without an error: want %q, got\n%s", okTitle, page)
		}
		for _, e := range []string{"access_denied", "expired_token", "server_error"} {
			page := get(t, status+"?error="+e)
			if strings.Contains(page, okTitle) || !strings.Contains(page, deniedTitle) || !strings.Contains(page, `class="err"`) {
				t.Errorf("status page with error=%s: got\n%s\nwant %q as a failure, not %q", e, page, deniedTitle, okTitle)
			}
		}
	})
	t.Run("okta denial", func(t *testing.T) {
		f, _ := startDevice(t, StyleOkta)
		_, _, _, okTitle, _, deniedTitle, deniedMsg := f.s.deviceTexts()
		d := authorizeDevice(t, f, DeviceClientID, "openid")
		body, _ := submit(t, d.body["verification_uri"].(string), url.Values{"device_user_code": {d.body["user_code"].(string)}, "consent": {"deny"}})
		if strings.Contains(body, okTitle) || !strings.Contains(body, deniedTitle) || !strings.Contains(body, deniedMsg) {
			t.Errorf("denial: got\n%s\nwant %q, not %q", body, deniedTitle, okTitle)
		}
		if a := poll(t, f, DeviceClientID, d.body["device_code"].(string)); a.body["error"] != "access_denied" {
			t.Errorf("poll after the denial: got %d %s, want access_denied", a.status, a.raw)
		}
	})
}
