package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// Vars the device flow keeps between its steps.
const (
	// VarDeviceAuthorizationEndpoint is RFC 8628 §4's metadata member.
	VarDeviceAuthorizationEndpoint = "device_authorization_endpoint"
	varDeviceCode                  = "device_code"
	varUserCode                    = "user_code"
	varVerificationURI             = "verification_uri"
	varVerificationURIComplete     = "verification_uri_complete"
	varDeviceExpiry                = "device_code_expiry" // RFC 3339
	varDeviceInterval              = "device_interval"    // seconds
	varDeviceExpiresIn             = "device_expires_in"  // seconds
)

// DeviceProgress is what a device flow shows while the user signs in on
// another device: the code to type, where, until when, and each poll.
type DeviceProgress struct {
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string
	Expiry                  time.Time
	// Interval is the wait between polls now (slow_down adds 5 s).
	Interval time.Duration
	// Polls are the polls so far, the last one last.
	Polls []oauth.DevicePoll
}

// Device is the device authorization grant (RFC 8628): the app asks for a
// device code and a user code, shows the code and where to type it, and
// polls the token endpoint while the user approves on another device.
func Device() Flow {
	return Flow{ID: "device", Title: "Device authorization (TV / CLI)", Client: DeviceClient,
		Summary: "A device without a browser shows a code; the user types it on a phone or laptop and approves; the device polls until the tokens come.",
		Steps:   []Step{discoveryStep(), deviceAuthorizeStep(), devicePollStep()}}
}

func deviceAuthorizeStep() Step {
	return Step{
		ID:    "device-authorize",
		Title: "Ask for a device code",
		Why: "The device posts its client_id and scope to the device authorization endpoint (RFC 8628 §3.1). The " +
			"answer (§3.2) holds a device_code the device keeps to itself, a short user_code a person can type, the " +
			"verification_uri to type it at — and often verification_uri_complete with the code in it, for a QR code " +
			"— how long the codes live (expires_in) and how often the device may poll (interval, 5 s by default).",
		RFC:    "RFC 8628 §3.1, §3.2",
		From:   Client,
		To:     AuthServer,
		Inputs: []string{"client_id", "scopes"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if !ensureDiscovered(ctx, env, vars, &r) {
				return r
			}
			da, ex, err := oauth.DeviceAuthorize(ctx, env.HTTP, vars[VarDeviceAuthorizationEndpoint], clientConfig(env, vars))
			r.Exchanges = append(r.Exchanges, ex...)
			if err != nil {
				return failed(env, r, err)
			}
			r.set(Vars{varDeviceCode: da.DeviceCode.Reveal(), varUserCode: da.UserCode, varVerificationURI: da.VerificationURI,
				varVerificationURIComplete: da.VerificationURIComplete, varDeviceExpiry: da.Expiry.Format(time.RFC3339Nano),
				varDeviceInterval: strconv.FormatInt(da.Interval, 10), varDeviceExpiresIn: strconv.FormatInt(da.ExpiresIn, 10)})
			r.Outputs = []Output{{Name: "user_code", Value: da.UserCode}, {Name: "verification_uri", Value: da.VerificationURI}}
			if da.VerificationURIComplete != "" {
				r.Outputs = append(r.Outputs, Output{Name: "verification_uri_complete", Value: da.VerificationURIComplete})
			}
			r.Outputs = append(r.Outputs, TimeOutput("expires", da.Expiry, env.Clock()),
				Output{Name: "interval", Value: fmt.Sprintf("%d s", da.Interval)}, Output{Name: "device_code", Value: da.DeviceCode.Reveal(), Secret: true})
			env.report(deviceProgress(da, da.PollInterval(), nil))
			return r
		},
	}
}

func devicePollStep() Step {
	return Step{
		ID:    "device-poll",
		Title: "Poll until the user approves",
		Why: "While the user types the code at the verification URI, signs in and approves (RFC 8628 §3.3), the " +
			"device polls the token endpoint with grant_type=urn:ietf:params:oauth:grant-type:device_code (§3.4), " +
			"waiting interval seconds before each try. authorization_pending means keep waiting; slow_down means " +
			"wait 5 s longer from now on; access_denied and expired_token end the flow (§3.5).",
		RFC:    "RFC 8628 §3.4, §3.5",
		From:   Client,
		To:     AuthServer,
		Inputs: []string{"device_code", "interval"},
		Again:  againFromStart,
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if !needs(ctx, env, vars, &r, varDeviceCode, &oauth.Error{Op: "device", What: "no device code yet", Try: "run the previous step (ask for a device code) first"}) {
				return r
			}
			da := deviceFromVars(vars)
			var polls []oauth.DevicePoll
			report := func(interval time.Duration) { env.report(deviceProgress(da, interval, polls)) }
			report(da.PollInterval())
			opts := oauth.PollOptions{Now: env.Clock, Wait: env.Wait, OnPoll: func(p oauth.DevicePoll) {
				polls = append(polls, p)
				report(p.Interval)
			}}
			tok, ex, err := oauth.PollDeviceToken(ctx, env.HTTP, clientConfig(env, vars), da, opts)
			r.Exchanges = append(r.Exchanges, ex...)
			r.Outputs = append(r.Outputs, Output{Name: "polls", Value: strconv.Itoa(len(polls))})
			if err != nil {
				var oe *oauth.Error
				if errors.As(err, &oe) && oe.Code != "" {
					// The server's answer (access_denied, expired_token, …)
					// ends this device code; a cancelled wait does not, and
					// running the step again resumes the polling.
					r.set(Vars{varDeviceCode: ""})
				} else if ctx.Err() != nil && env.Rerun && env.Clock().Before(da.Expiry) {
					err = resumable(oe, err, da, env.Clock())
				}
				return failed(env, r, err)
			}
			r.set(Vars{varDeviceCode: ""}) // single use: spent by the tokens
			// The device authorization request sends no nonce: an earlier
			// login's, kept in the session, is not this ID token's to match.
			r = tokenResult(ctx, env, vars, r, tok, "")
			r.Checks = append(r.Checks, GrantedScope(env.Settings.Scopes, tok)...)
			return r
		},
	}
}

// resumable is a wait that ended before the user answered, in a face that
// can run the poll step again: the device code is kept, so polling again
// goes on with the user code the user may already be typing, until it
// expires; a new device flow would show another. err is the wait's error
// (oe, when it is an *oauth.Error).
func resumable(oe *oauth.Error, err error, da *oauth.DeviceAuthorization, now time.Time) error {
	e := oauth.Error{Op: "device", What: "stopped waiting for the user", Err: err}
	if oe != nil {
		e = *oe
	}
	e.Retry = true
	e.Try = "run this step again to go on polling with the user code " + da.UserCode + ", which works until " + When(da.Expiry, now) +
		"; after that, start the device flow again"
	return &e
}

// deviceFromVars rebuilds the device authorization the first step kept.
func deviceFromVars(vars Vars) *oauth.DeviceAuthorization {
	da := &oauth.DeviceAuthorization{DeviceCode: oauth.Secret(vars[varDeviceCode]), UserCode: vars[varUserCode],
		VerificationURI: vars[varVerificationURI], VerificationURIComplete: vars[varVerificationURIComplete]}
	da.Interval, _ = strconv.ParseInt(vars[varDeviceInterval], 10, 64)
	da.ExpiresIn, _ = strconv.ParseInt(vars[varDeviceExpiresIn], 10, 64)
	da.Expiry, _ = time.Parse(time.RFC3339Nano, vars[varDeviceExpiry])
	return da
}

// deviceProgress is the structured progress of the device flow, with a
// line of text for faces that print it.
func deviceProgress(da *oauth.DeviceAuthorization, interval time.Duration, polls []oauth.DevicePoll) Progress {
	d := &DeviceProgress{UserCode: da.UserCode, VerificationURI: da.VerificationURI, VerificationURIComplete: da.VerificationURIComplete,
		Expiry: da.Expiry, Interval: interval, Polls: append([]oauth.DevicePoll(nil), polls...)}
	text := "On another device, open " + da.VerificationURI + " and enter the code " + da.UserCode
	if n := len(polls); n > 0 {
		p := polls[n-1]
		ans := p.Code
		if ans == "" {
			ans = "tokens"
		}
		text = fmt.Sprintf("poll #%d: %s; next in %s", p.N, ans, p.Interval)
	}
	url := da.VerificationURIComplete
	if url == "" {
		url = da.VerificationURI
	}
	return Progress{Text: text, URL: url, Device: d}
}
