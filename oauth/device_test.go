package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// deviceServer answers the device endpoint with authz and the token
// endpoint with the answers in order (the last repeats), recording forms.
type deviceServer struct {
	*httptest.Server
	mu      sync.Mutex
	answers []string
	forms   []url.Values
}

func newDeviceServer(t *testing.T, authz string, answers ...string) *deviceServer {
	ds := &deviceServer{answers: answers}
	ds.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		ds.mu.Lock()
		defer ds.mu.Unlock()
		ds.forms = append(ds.forms, r.PostForm)
		if r.URL.Path == "/device" {
			io.WriteString(w, strings.ReplaceAll(authz, "BASE", ds.URL))
			return
		}
		a := ds.answers[0]
		if len(ds.answers) > 1 {
			ds.answers = ds.answers[1:]
		}
		if strings.Contains(a, `"error"`) {
			w.WriteHeader(400)
		}
		io.WriteString(w, a)
	}))
	t.Cleanup(ds.Close)
	return ds
}

const goodAuthz = `{"device_code":"dc-123","user_code":"ABCD-EFGH","verification_uri":"BASE/verify","verification_uri_complete":"BASE/verify?user_code=ABCD-EFGH","expires_in":600,"interval":5}`

func pending(code string) string {
	return fmt.Sprintf(`{"error":%q,"error_description":"x"}`, code)
}

func TestDeviceAuthorizeReadsTheAnswer(t *testing.T) {
	ds := newDeviceServer(t, goodAuthz)
	da, exs, err := DeviceAuthorize(context.Background(), nil, ds.URL+"/device", ClientConfig{ClientID: "tv", Scopes: []string{"openid", "profile"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 1 {
		t.Errorf("exchanges: got %d, want 1", len(exs))
	}
	if da.UserCode != "ABCD-EFGH" || da.VerificationURI != ds.URL+"/verify" || da.Interval != 5 || da.ExpiresIn != 600 || da.DeviceCode.Reveal() != "dc-123" {
		t.Errorf("got %+v", da)
	}
	if s := fmt.Sprint(da.DeviceCode); strings.Contains(s, "dc-123") {
		t.Errorf("the device code prints in clear: %s", s)
	}
	if f := ds.forms[0]; f.Get("client_id") != "tv" || f.Get("scope") != "openid profile" {
		t.Errorf("request form: got %v, want client_id=tv scope=openid profile", f)
	}
}

// A hostile or broken answer is refused, saying what is wrong, before
// anything is shown to a person or drawn as a QR code.
func TestDeviceAuthorizeRefusesBadAnswers(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"javascript verification_uri", `{"device_code":"d","user_code":"U","verification_uri":"javascript:alert(1)","expires_in":600}`, "not an http(s) URL"},
		{"file complete uri", `{"device_code":"d","user_code":"U","verification_uri":"http://x.test/","verification_uri_complete":"file:///etc/passwd","expires_in":600}`, "verification_uri_complete"},
		{"no device_code", `{"user_code":"U","verification_uri":"http://x.test/","expires_in":600}`, "no device_code"},
		{"no user_code", `{"device_code":"d","verification_uri":"http://x.test/","expires_in":600}`, "no user_code"},
		{"escape in user_code", `{"device_code":"d","user_code":"AB\u001b[2J","verification_uri":"http://x.test/","expires_in":600}`, "printable"},
		{"bidi override in user_code", `{"device_code":"d","user_code":"AB\u202eCD","verification_uri":"http://x.test/","expires_in":600}`, "printable"},
		{"no expires_in", `{"device_code":"d","user_code":"U","verification_uri":"http://x.test/"}`, "expires_in"},
		{"not JSON", `<html>`, "not a JSON object"},
		{"trailing data", `{"device_code":"d","user_code":"U","verification_uri":"http://x.test/","expires_in":600} {}`, "not a JSON object"},
		{"error", `{"error":"unauthorized_client","error_description":"no"}`, "unauthorized_client"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ds := newDeviceServer(t, tt.body)
			_, _, err := DeviceAuthorize(context.Background(), nil, ds.URL+"/device", ClientConfig{ClientID: "tv"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// A server's interval and expiry are bounded: none means 5 s (RFC 8628
// §3.2), a huge one is capped.
func TestDeviceIntervalBounds(t *testing.T) {
	for _, tt := range []struct {
		body string
		want time.Duration
	}{
		{`{"device_code":"d","user_code":"U","verification_uri":"http://x.test/","expires_in":600}`, 5 * time.Second},
		{`{"device_code":"d","user_code":"U","verification_uri":"http://x.test/","expires_in":600,"interval":99999999}`, MaxDeviceInterval},
	} {
		da, err := parseDeviceAuthorization("device", 200, http.Header{}, []byte(tt.body), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if got := da.PollInterval(); got != tt.want {
			t.Errorf("interval: got %s, want %s", got, tt.want)
		}
	}
}

// fakeWait records the waits and moves a clock instead of sleeping.
type fakeWait struct {
	now   time.Time
	waits []time.Duration
}

func (f *fakeWait) wait(_ context.Context, d time.Duration) error {
	f.waits = append(f.waits, d)
	f.now = f.now.Add(d)
	return nil
}

// Polling waits the interval before each poll, adds 5 s for every
// slow_down, reports each poll, and stops at the tokens.
func TestPollDeviceTokenHonoursIntervalAndSlowDown(t *testing.T) {
	ds := newDeviceServer(t, goodAuthz, pending("authorization_pending"), pending("slow_down"), pending("authorization_pending"), pending("slow_down"),
		`{"access_token":"at","token_type":"Bearer","expires_in":300}`)
	cfg := ClientConfig{ClientID: "tv", TokenURL: ds.URL + "/token"}
	da, _, err := DeviceAuthorize(context.Background(), nil, ds.URL+"/device", cfg)
	if err != nil {
		t.Fatal(err)
	}
	fw := &fakeWait{now: time.Now()}
	var polls []DevicePoll
	tok, exs, err := PollDeviceToken(context.Background(), nil, cfg, da, PollOptions{Wait: fw.wait, Now: func() time.Time { return fw.now }, OnPoll: func(p DevicePoll) { polls = append(polls, p) }})
	if err != nil || tok.AccessToken != "at" {
		t.Fatalf("got %v, %v", tok, err)
	}
	want := []time.Duration{5 * time.Second, 5 * time.Second, 10 * time.Second, 10 * time.Second, 15 * time.Second}
	if fmt.Sprint(fw.waits) != fmt.Sprint(want) {
		t.Errorf("waits: got %v, want %v", fw.waits, want)
	}
	if len(polls) != 5 || len(exs) != 5 || polls[1].Code != "slow_down" || polls[4].Code != "" {
		t.Errorf("polls: got %+v (%d exchanges)", polls, len(exs))
	}
	for _, f := range ds.forms[1:] {
		if f.Get("grant_type") != GrantDeviceCode || f.Get("device_code") != "dc-123" || f.Get("client_id") != "tv" {
			t.Errorf("poll form: got %v", f)
		}
	}
}

// access_denied and expired_token end the polling with that error; a code
// past its expiry is not polled again.
func TestPollDeviceTokenStops(t *testing.T) {
	for _, code := range []ErrorCode{ErrAccessDenied, ErrExpiredToken, ErrInvalidGrant} {
		t.Run(string(code), func(t *testing.T) {
			ds := newDeviceServer(t, goodAuthz, pending("authorization_pending"), pending(string(code)))
			cfg := ClientConfig{ClientID: "tv", TokenURL: ds.URL + "/token"}
			da, _, _ := DeviceAuthorize(context.Background(), nil, ds.URL+"/device", cfg)
			fw := &fakeWait{now: time.Now()}
			_, exs, err := PollDeviceToken(context.Background(), nil, cfg, da, PollOptions{Wait: fw.wait, Now: func() time.Time { return fw.now }})
			if !errors.Is(err, code) {
				t.Errorf("got %v, want %s", err, code)
			}
			if len(exs) != 2 {
				t.Errorf("exchanges: got %d, want 2", len(exs))
			}
		})
	}
	t.Run("local expiry", func(t *testing.T) {
		ds := newDeviceServer(t, strings.Replace(goodAuthz, `"expires_in":600`, `"expires_in":12`, 1), pending("authorization_pending"))
		cfg := ClientConfig{ClientID: "tv", TokenURL: ds.URL + "/token"}
		da, _, _ := DeviceAuthorize(context.Background(), nil, ds.URL+"/device", cfg)
		fw := &fakeWait{now: time.Now()}
		_, exs, err := PollDeviceToken(context.Background(), nil, cfg, da, PollOptions{Wait: fw.wait, Now: func() time.Time { return fw.now }})
		if !errors.Is(err, ErrExpiredToken) || len(exs) != 2 {
			t.Errorf("got %v after %d polls, want expired_token after 2 (at 5 s and 10 s of 12)", err, len(exs))
		}
		// The server answered authorization_pending: the text says the
		// expiry was oauthlab's reckoning, not the server's answer.
		if e, ok := err.(*Error); !ok || e.Status != 0 || !strings.Contains(e.What, "oauthlab stopped polling without asking the server again") {
			t.Errorf("got %+v, want the expiry said to be decided locally", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ds := newDeviceServer(t, goodAuthz, pending("authorization_pending"))
		cfg := ClientConfig{ClientID: "tv", TokenURL: ds.URL + "/token"}
		da, _, _ := DeviceAuthorize(context.Background(), nil, ds.URL+"/device", cfg)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := PollDeviceToken(ctx, nil, cfg, da, PollOptions{}); err == nil || !strings.Contains(err.Error(), "stopped waiting") {
			t.Errorf("got %v, want stopped waiting", err)
		}
	})
}
