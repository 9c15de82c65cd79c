package flows

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
)

// testClock is one clock for the server and the client: polls wait on it,
// not on real seconds.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) wait(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return nil
}

// deviceWorld starts an embedded world on a hand-moved clock, with the
// device client's settings.
func deviceWorld(t *testing.T, style authserver.Style) (*embedded.World, *Env, *testClock) {
	t.Helper()
	clk := &testClock{t: time.Now()}
	w, err := embedded.Start(context.Background(), embedded.Options{Style: style, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, &Env{HTTP: &http.Client{}, Settings: EmbeddedDeviceSettings(w), Now: clk.Now, Wait: clk.wait}, clk
}

// The device flow end to end in both shapes: the user code and the URL
// reported before any poll, each poll reported, the user approving after
// two, then tokens that pass every check.
func TestDeviceFlowApprove(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			w, env, _ := deviceWorld(t, style)
			var seen []DeviceProgress
			env.Progress = func(p Progress) {
				if p.Device == nil {
					return
				}
				seen = append(seen, *p.Device)
				if len(p.Device.Polls) == 2 && !w.AuthServer.ApproveDevice(p.Device.UserCode, "alice") {
					t.Errorf("approve %q: got false", p.Device.UserCode)
				}
			}
			rs := RunAll(context.Background(), env, Device(), nil, nil)
			if len(rs) != 3 {
				t.Fatalf("steps run: got %d, want 3 (last err %v)", len(rs), rs[len(rs)-1].Err)
			}
			mustPass(t, "poll", rs[2])
			if len(seen) == 0 || seen[0].UserCode == "" || seen[0].VerificationURI != w.AuthServer.VerificationURI() || len(seen[0].Polls) != 0 {
				t.Fatalf("first progress: got %+v, want the user code and %s before any poll", seen, w.AuthServer.VerificationURI())
			}
			last := seen[len(seen)-1]
			if n := len(last.Polls); n != 3 || last.Polls[0].Code != "authorization_pending" || last.Polls[2].Code != "" {
				t.Errorf("polls: got %+v, want pending, pending, tokens", last.Polls)
			}
			names := map[string]Token{}
			for _, tk := range rs[2].Tokens {
				names[tk.Name] = tk
				if tk.Failed() {
					t.Errorf("%s failed its checks: %v", tk.Name, tk.Checks)
				}
			}
			if names[VarAccessToken].JWT == nil || names[VarIDToken].JWT == nil {
				t.Errorf("tokens: got %v, want an access and an ID token", names)
			}
			if rs[2].Vars[VarRefreshToken] == "" || rs[2].Vars[VarTokenClientID] != authserver.DeviceClientID || rs[2].Vars[VarRefreshClientID] != authserver.DeviceClientID {
				t.Fatalf("vars: refresh token %t, token client %q, refresh client %q", rs[2].Vars[VarRefreshToken] != "",
					rs[2].Vars[VarTokenClientID], rs[2].Vars[VarRefreshClientID])
			}
			// Refresh picks the client the way the workbench does, with its
			// three clients: the device's token is refreshed as the device
			// client, which the server requires (RFC 6749 §6).
			vars := Vars{}
			for _, r := range rs {
				for k, v := range r.Vars {
					vars[k] = v
				}
			}
			user := EmbeddedSignInSettings(w)
			clients := Clients{Machine: EmbeddedSettings(w), User: &user, Device: &env.Settings}
			renv := *env
			renv.Settings, _ = clients.For(Refresh(), vars)
			mustPass(t, "refresh of the device's token", RunAll(context.Background(), &renv, Refresh(), vars, nil)[0])
		})
	}
}

// A denial and an expiry end the flow with that error, explained.
func TestDeviceFlowDenyAndExpiry(t *testing.T) {
	for _, tt := range []struct {
		name string
		want oauth.ErrorCode
	}{{"deny", oauth.ErrAccessDenied}, {"expiry", oauth.ErrExpiredToken}} {
		for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
			t.Run(tt.name+"/"+string(style), func(t *testing.T) {
				w, env, clk := deviceWorld(t, style)
				env.Progress = func(p Progress) {
					if p.Device == nil || len(p.Device.Polls) != 1 {
						return
					}
					if tt.name == "deny" {
						w.AuthServer.DenyDevice(p.Device.UserCode)
					} else {
						_ = clk.wait(context.Background(), 10*time.Minute)
					}
				}
				rs := RunAll(context.Background(), env, Device(), nil, nil)
				last := rs[len(rs)-1]
				if len(rs) != 3 || !errors.Is(last.Err, tt.want) {
					t.Fatalf("got %d steps, err %v, want the poll to fail with %s", len(rs), last.Err, tt.want)
				}
				if last.Vars[varDeviceCode] != "" || last.Vars == nil {
					t.Errorf("the device code is kept after %s; it is over", tt.want)
				}
			})
		}
	}
}

// The workbench keeps one session's vars across flows: the nonce of an
// earlier authorization code login must not be asked of the device flow's
// ID token, whose request sent none (RFC 8628 has no nonce).
func TestDeviceFlowIgnoresAnEarlierLoginsNonce(t *testing.T) {
	w, env, _ := deviceWorld(t, authserver.StyleKeycloak)
	env.Progress = func(p Progress) {
		if p.Device != nil && len(p.Device.Polls) == 1 {
			w.AuthServer.ApproveDevice(p.Device.UserCode, "alice")
		}
	}
	rs := RunAll(context.Background(), env, Device(), Vars{varNonce: "nonce-of-an-earlier-login"}, nil)
	if len(rs) != 3 {
		t.Fatalf("steps run: got %d, want 3 (last err %v)", len(rs), rs[len(rs)-1].Err)
	}
	mustPass(t, "poll after an earlier login", rs[2])
}

// A wait cancelled before the user answered keeps the device code. Where
// the poll step can be run again (the TUI: Env.Rerun), that is the advice,
// with the user code and until when it works, and retrying may succeed;
// then the same code still gets the tokens. Headless, where the command
// ends, the advice is to start the device flow again.
func TestACancelledDevicePollSaysHowToGoOn(t *testing.T) {
	for _, rerun := range []bool{true, false} {
		t.Run(map[bool]string{true: "rerun", false: "headless"}[rerun], func(t *testing.T) {
			w, env, clk := deviceWorld(t, authserver.StyleKeycloak)
			env.Rerun = rerun
			vars := Vars{}
			for _, s := range Device().Steps[:2] {
				r := s.Run(context.Background(), env, vars)
				mustPass(t, s.ID, r)
				vars.Merge(r.Vars)
			}
			ctx, cancel := context.WithCancel(context.Background())
			env.Wait = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() } // esc
			r := devicePollStep().Run(ctx, env, vars)
			vars.Merge(r.Vars)
			e := oauth.Explain(r.Err)
			if e == nil || vars[varDeviceCode] == "" {
				t.Fatalf("got err %v, device code kept %v; want a failure that keeps the code", r.Err, vars[varDeviceCode] != "")
			}
			if !rerun {
				if e.Retry || e.Try != "start the device flow again" {
					t.Fatalf("headless: got retry %v, Try %q; want no retry and Try %q", e.Retry, e.Try, "start the device flow again")
				}
				return
			}
			want := "run this step again to go on polling with the user code " + vars[varUserCode] + ", which works until"
			if !e.Retry || !strings.HasPrefix(e.Try, want) {
				t.Fatalf("got retry %v, Try %q; want retry and Try starting %q", e.Retry, e.Try, want)
			}
			env.Wait = clk.wait
			env.Progress = func(p Progress) {
				if p.Device != nil && len(p.Device.Polls) == 1 {
					w.AuthServer.ApproveDevice(p.Device.UserCode, "alice")
				}
			}
			mustPass(t, "the poll run again", devicePollStep().Run(context.Background(), env, vars))
		})
	}
}
