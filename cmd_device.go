package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/qr"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/internal/setup"
)

func newDeviceCmd(g *globalOptions) *cobra.Command {
	o := &clientOptions{}
	var noQR bool
	cmd := &cobra.Command{
		Use:   "device",
		Short: "The device authorization grant: sign in on another device (RFC 8628)",
		Long: `Ask for a device code and a user code, show the user code and where to type
it (and a QR code of verification_uri_complete), then poll the token endpoint
at the server's interval — 5 s longer after each slow_down — until the user
approves, denies, or the code expires. The code, the URL and each poll go to
stderr as they happen; the result goes to stdout (--json for scripts).

With --embedded the device client is oauthlab-device: approve from another
terminal or a browser at the URL shown, as alice/alice or bob/bob.`,
		Example: `  oauthlab device --embedded
  oauthlab device --embedded --style okta --json
  oauthlab device --issuer https://dev-1.okta.com/oauth2/default --client-id 0oa... --scope openid,profile,offline_access`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.timeout <= 0 {
				return usageErrorf("--timeout must be positive, e.g. 10m")
			}
			env := &flows.Env{Progress: deviceReporter(cmd.ErrOrStderr(), !noQR)}
			// Waiting for a person has an end: --timeout, the code's own
			// expiry, or Ctrl-C.
			defer waitForAPerson(cmd, o.timeout)()
			return o.runFlow(cmd, g, (*setup.Resolved).DeviceSignIn, true, flows.Device(), flows.Vars{}, env)
		},
	}
	addClientFlags(cmd, o)
	cmd.Flags().BoolVar(&noQR, "no-qr", false, "do not draw the QR code of verification_uri_complete")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 15*time.Minute, "how long to wait for the user at most (the code's expires_in ends it sooner)")
	return cmd
}

// deviceReporter prints the device flow's progress on w: the user code and
// the URL (and the QR code) as soon as they are known, then one line per
// poll. What the server sent goes through safe.Line, each value kept on
// its line as in the TUI's waiting screen; a progress text, through
// safe.Visible.
func deviceReporter(w io.Writer, withQR bool) func(flows.Progress) {
	shown := ""
	return func(p flows.Progress) {
		d := p.Device
		if d == nil {
			fmt.Fprintln(w, safe.Visible(p.Text))
			return
		}
		if n := len(d.Polls); n > 0 {
			last := d.Polls[n-1]
			ans := last.Code
			if ans == "" {
				ans = "tokens"
			}
			if !last.Again() { // the last poll: no next one to announce
				fmt.Fprintf(w, "poll #%d: %s\n", last.N, safe.Line(ans))
				return
			}
			fmt.Fprintf(w, "poll #%d: %s (next in %s, code expires in %s)\n", last.N, safe.Line(ans), d.Interval, time.Until(d.Expiry).Round(time.Second))
			return
		}
		if shown == d.UserCode {
			return
		}
		shown = d.UserCode
		fmt.Fprintf(w, "\nOn another device open  %s\nand enter the code       %s\n", safe.Line(d.VerificationURI), safe.Line(d.UserCode))
		if d.VerificationURIComplete != "" {
			fmt.Fprintf(w, "or open                  %s\n", safe.Line(d.VerificationURIComplete))
			if withQR {
				if art, err := qr.HalfBlocks(d.VerificationURIComplete, false); err == nil {
					fmt.Fprint(w, "\n"+art)
				}
			}
		}
		fmt.Fprintf(w, "The code expires at %s; polling every %s.\n\n", d.Expiry.Local().Format("15:04:05"), d.Interval)
	}
}
