// Command oauthlab is a terminal workbench for OAuth 2.0 and OpenID Connect:
// a TUI that walks a flow step by step (the default), an embedded
// authorization server and FakeBook API (serve), and headless commands that
// run the very same flows for scripts (discover, token, login, inspect,
// introspect, revoke, call).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/oauthlab/oauthlab/internal/safe"
)

// Set at release time through -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Exit codes are a contract with scripts.
const (
	exitOK     = 0
	exitFailed = 1 // the flow failed: a refused token, a 4xx from a server
	exitUsage  = 2 // bad usage: unknown flag, missing argument
)

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports bad usage (exit 2).
func usageErrorf(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// flowFailed reports a flow that ran and failed (exit 1). The error has
// already been explained to the user when quiet is true.
func flowFailed(err error) error { return &exitError{code: exitFailed, err: err} }

// globalOptions are where the commands that run against a server read
// their settings from: --config and --profile (addProfileFlags).
type globalOptions struct {
	configPath string
	profile    string
}

// addProfileFlags adds --config and --profile, where a command reads its
// server and client from (internal/setup).
func addProfileFlags(cmd *cobra.Command, g *globalOptions) {
	cmd.Flags().StringVar(&g.configPath, "config", "", "config file with profiles (default: $XDG_CONFIG_HOME/oauthlab/config.json)")
	cmd.Flags().StringVar(&g.profile, "profile", "", "named profile from the config file")
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "oauthlab",
		Short: "A terminal workbench for OAuth 2.0 and OpenID Connect",
		Long: `oauthlab walks OAuth 2.0 and OpenID Connect flows step by step: every HTTP
exchange shown, every token decoded and validated, every check explained.

With no command it opens the workbench (TUI) on an embedded, in-process
authorization server and the FakeBook API, so it works with no network.
Point it at a real Keycloak realm or Okta authorization server with
--issuer or a profile.`,
		Example: `  oauthlab                          # the TUI on the embedded Keycloak-shaped world
  oauthlab --style okta             # the same, Okta-shaped
  oauthlab serve                    # the embedded servers alone, until Ctrl-C
  oauthlab token --embedded --json  # a client-credentials token, for scripts`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: fmt.Errorf("%w\nRun '%s --help' for usage", err, c.CommandPath())}
	})
	addTUI(root, g)
	// The commands that run against a server read profiles; serve, lab,
	// jwk and version never do, so they have no --profile to ignore.
	targets := []*cobra.Command{root, newDiscoverCmd(g), newTokenCmd(g), newLoginCmd(g), newDeviceCmd(g),
		newInspectCmd(g), newIntrospectCmd(g), newRevokeCmd(g), newCallCmd(g)}
	for _, c := range targets {
		addProfileFlags(c, g)
	}
	root.AddCommand(targets[1:]...)
	root.AddCommand(newServeCmd(), newLabCmd(), newJWKCmd(), newVersionCmd())
	return root
}

// noArgs is cobra.NoArgs with the usage exit code.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usageErrorf("unknown command %q for %q\nRun '%s --help' for the commands.", args[0], cmd.CommandPath(), cmd.CommandPath())
		}
		return usageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// maxArgs allows at most n positional arguments, with the usage exit code.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usageErrorf("%s takes at most %d argument(s), got %d\nRun '%s --help' for usage.", cmd.CommandPath(), n, len(args), cmd.CommandPath())
		}
		return nil
	}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "oauthlab %s (commit %s, built %s)\n", version, commit, date)
			return nil
		},
	}
}

// run executes the CLI and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "oauthlab:", safe.Visible(ee.err.Error()))
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "oauthlab:", safe.Visible(err.Error()))
	return exitFailed
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
