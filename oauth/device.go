package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/oauthlab/oauthlab/internal/safe"
)

// GrantDeviceCode is the grant_type of the device access token request
// (RFC 8628 §3.4).
const GrantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"

// Bounds on what a device authorization server may ask of the client: a
// hostile or broken server must not make it wait for ever or print a page.
const (
	// DefaultDeviceInterval is the poll interval when the server names
	// none (RFC 8628 §3.2: "If no value is provided, clients MUST use 5").
	DefaultDeviceInterval = 5 * time.Second
	// MaxDeviceInterval caps one wait between polls.
	MaxDeviceInterval = 5 * time.Minute
	// MaxDeviceExpiry caps how long a device code is polled.
	MaxDeviceExpiry = time.Hour
	// maxUserCode bounds the user code shown: RFC 8628 §6.1 advises short
	// codes a person can type; anything long is not a user code.
	maxUserCode = 64
)

// DeviceAuthorization is the device authorization response (RFC 8628
// §3.2): what the device shows the user and what it polls with.
type DeviceAuthorization struct {
	// DeviceCode is what the device polls with; it is a bearer credential
	// until redeemed, so it prints redacted.
	DeviceCode Secret `json:"device_code"`
	// UserCode is what the user types at VerificationURI.
	UserCode string `json:"user_code"`
	// VerificationURI is where the user goes, on another device.
	VerificationURI string `json:"verification_uri"`
	// VerificationURIComplete carries the user code too (§3.3.1): for a
	// QR code, or a link, so the user need not type it.
	VerificationURIComplete string `json:"verification_uri_complete,omitempty"`
	// ExpiresIn and Interval are in seconds, as the server sent them;
	// Interval is DefaultDeviceInterval's when the server named none.
	ExpiresIn int64 `json:"expires_in"`
	Interval  int64 `json:"interval"`
	// Expiry is the local time the codes expire, from expires_in.
	Expiry time.Time `json:"expiry"`
	// Raw holds every member as the server sent it, except the device
	// code, which is a Secret there too.
	Raw map[string]any `json:"-"`
}

// PollInterval is the time to wait between polls, bounded.
func (d *DeviceAuthorization) PollInterval() time.Duration {
	return clampDuration(time.Duration(d.Interval)*time.Second, time.Second, MaxDeviceInterval)
}

// DeviceAuthorize asks the device authorization endpoint (RFC 8628 §3.1)
// for a device code and a user code, with cfg's client authentication and
// scope, and checks the answer (§3.2): the required members present, the
// verification URIs http(s) — they are shown to a person and drawn as a
// QR code — and the user code short and printable (safe.Harmless: no
// control character, no bidi override).
func DeviceAuthorize(ctx context.Context, hc *http.Client, endpoint string, cfg ClientConfig) (*DeviceAuthorization, []Exchange, error) {
	const op = "device"
	if endpoint == "" {
		return nil, nil, &Error{Op: op, What: "no device authorization endpoint is set",
			Cause: "the server's metadata lists no device_authorization_endpoint: it may not support the device flow (RFC 8628 §4)",
			Try:   "check the server's discovery document, or enable the device grant on the server"}
	}
	if cfg.ClientID == "" {
		return nil, nil, &Error{Op: op, What: "no client id is set",
			Cause: "the device authorization request names its client (RFC 8628 §3.1)", Try: "give --client-id"}
	}
	form := url.Values{}
	cfg.addTargets(form, true)
	status, h, body, exs, err := postForm(ctx, hc, op, endpoint, cfg, form)
	if err != nil {
		return nil, exs, err
	}
	if status < 200 || status > 299 {
		return nil, exs, explainResponse(op, status, h, body)
	}
	d, err := parseDeviceAuthorization(op, status, h, body, answered(exs))
	return d, exs, err
}

func parseDeviceAuthorization(op string, status int, h http.Header, body []byte, received time.Time) (*DeviceAuthorization, error) {
	raw, err := decodeObject(body)
	if err != nil {
		// Whatever answered, HTML page included, is not the device
		// authorization endpoint: say so in this endpoint's terms.
		e := explainResponse(op, status, h, body)
		e.What = fmt.Sprintf("the device authorization answer (HTTP %d) is not a JSON object", status)
		e.Cause = "RFC 8628 §3.2 answers application/json; a proxy or another endpoint answered"
		e.Try = "check device_authorization_endpoint in the server's discovery document"
		e.Err = err
		return nil, e
	}
	if code, _ := raw["error"].(string); code != "" {
		return nil, explainResponse(op, status, h, body)
	}
	da := &DeviceAuthorization{Raw: raw}
	da.DeviceCode = secretMember(raw, "device_code")
	da.UserCode, _ = raw["user_code"].(string)
	da.VerificationURI, _ = raw["verification_uri"].(string)
	if da.VerificationURI == "" {
		// draft-ietf-oauth-device-flow before -07 and Google say verification_url.
		da.VerificationURI, _ = raw["verification_url"].(string)
	}
	da.VerificationURIComplete, _ = raw["verification_uri_complete"].(string)
	da.ExpiresIn = jsonInt(raw["expires_in"])
	da.Interval = jsonInt(raw["interval"])
	if da.Interval <= 0 {
		da.Interval = int64(DefaultDeviceInterval / time.Second)
	}
	bad := func(what, cause string) error {
		return &Error{Op: op, Status: status, What: what, Cause: cause + " (RFC 8628 §3.2)",
			Try: "look at the response body; check device_authorization_endpoint against discovery"}
	}
	switch {
	case da.DeviceCode.IsZero():
		return nil, bad("the device authorization answer has no device_code", "device_code is REQUIRED")
	case da.UserCode == "":
		return nil, bad("the device authorization answer has no user_code", "user_code is REQUIRED")
	case len(da.UserCode) > maxUserCode || !safe.Harmless(da.UserCode):
		return nil, bad("the user_code is not a short printable code", "a user code is typed by a person (§6.1)")
	case !IsHTTPURL(da.VerificationURI):
		return nil, bad("verification_uri "+quote(da.VerificationURI)+" is not an http(s) URL", "the user opens it in a browser")
	case da.VerificationURIComplete != "" && !IsHTTPURL(da.VerificationURIComplete):
		return nil, bad("verification_uri_complete "+quote(da.VerificationURIComplete)+" is not an http(s) URL", "the user opens it in a browser")
	case da.ExpiresIn <= 0:
		return nil, bad("the device authorization answer has no positive expires_in", "expires_in is REQUIRED")
	}
	life := clampDuration(time.Duration(da.ExpiresIn)*time.Second, time.Second, MaxDeviceExpiry)
	da.Expiry = received.Add(life)
	return da, nil
}

// DeviceToken makes one device access token request (RFC 8628 §3.4)
// through RequestToken. While the user has not answered, the error is an
// *Error with errors.Is(err, ErrAuthorizationPending) or ErrSlowDown; the
// user's refusal is ErrAccessDenied, a code past its life ErrExpiredToken.
func DeviceToken(ctx context.Context, hc *http.Client, cfg ClientConfig, deviceCode Secret) (*TokenResponse, []Exchange, error) {
	form := url.Values{}
	form.Set("grant_type", GrantDeviceCode)
	form.Set("device_code", deviceCode.Reveal())
	return RequestToken(ctx, hc, cfg, form)
}

// DevicePoll is one poll as it happened, for a face to show the waiting.
type DevicePoll struct {
	// N counts the polls from 1.
	N int
	// At is when the answer came.
	At time.Time
	// Code is the server's error code, "" for the tokens.
	Code string
	// Interval is the wait before the next poll, after this answer
	// (slow_down adds 5 s, RFC 8628 §3.5).
	Interval time.Duration
}

// Again reports whether another poll follows this one: only
// authorization_pending and slow_down are polled again (RFC 8628 §3.5);
// the tokens or any other answer end the polling.
func (p DevicePoll) Again() bool {
	return p.Code == string(ErrAuthorizationPending) || p.Code == string(ErrSlowDown)
}

// PollOptions are PollDeviceToken's clock and its reports.
type PollOptions struct {
	// Wait waits d or until ctx ends (default: a timer). Tests give one
	// that returns at once and moves their clock.
	Wait func(ctx context.Context, d time.Duration) error
	// Now is the clock compared with the code's expiry (default time.Now).
	Now func() time.Time
	// OnPoll, when set, sees each poll's answer as it arrives.
	OnPoll func(DevicePoll)
}

// PollDeviceToken polls the token endpoint until the user answers, the
// code expires or ctx ends (RFC 8628 §3.4–3.5): it waits the server's
// interval before each poll, adds 5 s for every slow_down, and stops on any
// answer but authorization_pending and slow_down. It returns every
// exchange it made.
func PollDeviceToken(ctx context.Context, hc *http.Client, cfg ClientConfig, da *DeviceAuthorization, o PollOptions) (*TokenResponse, []Exchange, error) {
	if o.Wait == nil {
		o.Wait = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	interval := da.PollInterval()
	var all []Exchange
	for n := 1; ; n++ {
		if err := o.Wait(ctx, interval); err != nil {
			return nil, all, &Error{Op: "device", What: "stopped waiting for the user after " + fmt.Sprint(n-1) + " polls",
				Cause: "the wait was cancelled or timed out before the user approved", Try: "start the device flow again", Err: err}
		}
		if !o.Now().Before(da.Expiry) {
			// Decided here, not answered by the server: the code is
			// expired_token all the same (RFC 8628 §3.5), and the text
			// says who decided.
			return nil, all, &Error{Op: "device", Code: string(ErrExpiredToken),
				What:  "the device code expired before the user approved: its expires_in ran out at " + da.Expiry.Local().Format("15:04:05") + ", so oauthlab stopped polling without asking the server again",
				Cause: fmt.Sprintf("a device code lives expires_in = %d s (RFC 8628 §3.2); nobody entered the user code in time", da.ExpiresIn),
				Try:   "start the device flow again and enter the new user code sooner"}
		}
		tok, exs, err := DeviceToken(ctx, hc, cfg, da.DeviceCode)
		all = append(all, exs...)
		p := DevicePoll{N: n, At: o.Now(), Interval: interval}
		switch {
		case err == nil:
		case errors.Is(err, ErrSlowDown):
			interval = min(interval+5*time.Second, MaxDeviceInterval) // RFC 8628 §3.5
			p.Code, p.Interval = string(ErrSlowDown), interval
		case errors.Is(err, ErrAuthorizationPending):
			p.Code = string(ErrAuthorizationPending)
		default:
			if e, ok := err.(*Error); ok {
				p.Code = e.Code
			}
			if p.Code == "" {
				p.Code = "error"
			}
		}
		if o.OnPoll != nil {
			o.OnPoll(p)
		}
		if !p.Again() {
			return tok, all, err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func clampDuration(d, lo, hi time.Duration) time.Duration {
	return max(lo, min(d, hi))
}
