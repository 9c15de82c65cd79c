package main

import (
	"context"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/themes"
	"github.com/oauthlab/oauthlab/ui"
)

type tuiOptions struct {
	targetOptions
	theme, apiBase string
}

// addTUI makes the root command open the workbench.
func addTUI(root *cobra.Command, g *globalOptions) {
	o := &tuiOptions{}
	addTargetFlags(root, &o.targetOptions)
	f := root.Flags()
	f.StringVar(&o.apiBase, "api-base", "", "with --issuer or a profile: the base URL of the API the calls go to (e edits it; a adds calls)")
	f.StringVar(&o.theme, "theme", "auto", "colours: auto, dark, light or high-contrast (for projectors)")
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		opts, cleanup, err := tuiSettings(cmd, g, o)
		defer cleanup()
		if err != nil {
			return err
		}
		out := termenv.NewOutput(os.Stdout)
		opts.OpenBrowser = browserOpener()
		opts.StartLab = func(ctx context.Context, name string) (*ui.LabWorld, error) { return startTUILab(ctx, o.style, name) }
		opts.Copy = func(s string) error { out.Copy(s); return nil }
		p := tea.NewProgram(ui.New(opts), tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithContext(cmd.Context()))
		_, err = p.Run()
		return err
	}
}

func tuiSettings(cmd *cobra.Command, g *globalOptions, o *tuiOptions) (ui.Options, func(), error) {
	var opts ui.Options
	cleanup := func() {}
	th, ok := themes.ByName(o.theme)
	if !ok {
		return opts, cleanup, usageErrorf("--theme must be auto, dark, light or high-contrast, got %q", o.theme)
	}
	opts.Theme = th
	if err := checkHTTPTimeout(cmd, o.httpTimeout); err != nil {
		return opts, cleanup, err
	}
	opts.HTTP = oauth.NewHTTPClient(o.httpTimeout)
	// With no issuer and no profile, a fresh embedded world. --scope and
	// --client-id apply to it as they do to token --embedded. Unlike that
	// command, where $OAUTHLAB_CLIENT_SECRET overrides the demo secret (a
	// script may test a wrong one), the workbench reads it only for a
	// --client-id of the user's: a presenter's secret for a real tenant
	// must not break the demo.
	req := setup.Request{Embedded: o.issuer == "" && g.profile == "", Style: o.style, Profile: g.profile, ConfigPath: g.configPath,
		Sources: secretSources(cmd), Warn: warnOn(cmd),
		Flags: setup.Flags{Issuer: o.issuer, ClientID: o.clientID, Scopes: o.scopes, APIBase: o.apiBase, DefaultSecretEnv: setup.SecretEnvVar}}
	if req.Embedded && o.clientID == "" {
		req.Flags.DefaultSecretEnv = ""
	}
	// The world starts at once; its RSA key is made in the background,
	// so the first frame does not wait for it.
	r, err := setup.Resolve(cmd.Context(), req)
	if err != nil {
		return opts, cleanup, setupError(err)
	}
	cleanup = r.Close
	opts.Settings, opts.CodeSettings, opts.DeviceSettings, opts.World = r.Machine, r.User, r.Device, r.Label
	if w := r.World; w != nil {
		opts.Events = worldEvents{w.Events}
		opts.FakeBookIntrospects = func() bool { return w.Validation() == embedded.ValidateIntrospect }
		opts.SetFakeBookIntrospects = func(on bool) {
			if on {
				w.SetValidation(embedded.ValidateIntrospect)
			} else {
				w.SetValidation(embedded.ValidateLocal)
			}
		}
		return opts, cleanup, nil
	}
	// An issuer that is not an http(s) URL was refused by setup.Resolve,
	// as bad usage, for every face.
	return opts, cleanup, nil
}
