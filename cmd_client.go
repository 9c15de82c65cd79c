package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/plain"
)

// targetOptions are the flags that say what a flow runs against, the same
// for the TUI and the headless commands: a real issuer and client, or the
// embedded world's shape; and how long each HTTP request may take.
type targetOptions struct {
	issuer, clientID string
	scopes           []string
	style            string
	httpTimeout      time.Duration
}

// addTargetFlags defines targetOptions' flags on cmd: one definition, so
// that every face names, describes and parses them alike.
func addTargetFlags(cmd *cobra.Command, o *targetOptions) {
	f := cmd.Flags()
	f.StringVar(&o.issuer, "issuer", "", "issuer URL, e.g. https://sso.example.com/realms/myorg or https://dev-1.okta.com/oauth2/default")
	f.StringVar(&o.clientID, "client-id", "", "client id (its secret by default from $"+setup.SecretEnvVar+")")
	f.StringSliceVar(&o.scopes, "scope", nil, "scopes to request (repeat or comma-separate)")
	addStyleFlag(cmd, &o.style)
	addHTTPTimeoutFlag(cmd, &o.httpTimeout)
}

// addStyleFlag adds --style, the shape of the embedded world a command
// starts (setup.ParseStyle reads it).
func addStyleFlag(cmd *cobra.Command, style *string) {
	cmd.Flags().StringVar(style, "style", "keycloak", "which server the embedded world imitates: keycloak or okta")
}

// clientOptions are the flags of the headless commands. There is no plain
// --client-secret: it would land in shell history and ps output.
type clientOptions struct {
	targetOptions
	secretEnv, secretFile             string
	clientKey, assertionAud           string
	auth, resource, audience, apiBase string
	port                              int
	callbackPath                      string
	noBrowser, embedded               bool
	timeout                           time.Duration
	reveal, curl, json, verbose       bool
	// field is --field NAME: that field of the result alone on stdout.
	field string
	// noIssuerOK lets a command run with no issuer at all (inspect: the
	// token is then checked against the issuer it names, and says so).
	noIssuerOK bool
	// noCredentials is for a command that never authenticates as the
	// client (discover, inspect): a profile's secret is not read, and the
	// command has no credential flags or --resource.
	noCredentials bool
}

// addClientFlags adds the flags of a headless command: where it runs, how
// the client authenticates and what it asks for (unless noCredentials),
// and the output.
func addClientFlags(cmd *cobra.Command, o *clientOptions) {
	addTargetFlags(cmd, &o.targetOptions)
	f := cmd.Flags()
	if !o.noCredentials {
		addCredentialFlags(cmd, o)
		f.StringVar(&o.resource, "resource", "", "RFC 8707 resource indicator")
	}
	f.StringVar(&o.audience, "audience", "", "audience parameter, and the aud the token checks expect")
	f.BoolVar(&o.embedded, "embedded", false, "run against a fresh in-process embedded world instead of --issuer")
	f.BoolVar(&o.reveal, "reveal", false, "show secrets (client secret, refresh tokens, PKCE verifier, device code) in clear")
	f.BoolVar(&o.curl, "curl", false, "print a bash script of one curl per HTTP exchange (secrets as $OAUTHLAB_* variables), e.g. --curl > repro.sh; the summary goes to stderr")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "print the headers and bodies of every exchange")
	f.BoolVar(&o.json, "json", false, "print a JSON document (docs/json.md) instead of the summary")
	f.StringVar(&o.field, "field", "", "print only this field of the result, bare, e.g. T=$(oauthlab token ... --field access_token)")
}

// addCredentialFlags adds how the client authenticates: its secret's
// source, or its key, and the method. A command that never authenticates
// (noCredentials) has none of them, rather than flags that do nothing.
func addCredentialFlags(cmd *cobra.Command, o *clientOptions) {
	f := cmd.Flags()
	f.StringVar(&o.secretEnv, "client-secret-env", "", "read the client secret from this environment variable (default OAUTHLAB_CLIENT_SECRET)")
	f.StringVar(&o.secretFile, "client-secret-file", "", "read the client secret from this file")
	f.StringVar(&o.auth, "auth", "", "client authentication: basic, post, private_key_jwt or client_secret_jwt (default: private_key_jwt with --client-key, else from the server's metadata)")
	f.StringVar(&o.clientKey, "client-key", "", "private_key_jwt: the client's private key file, PEM or JWK (never printed; oauthlab jwk prints its public half)")
	f.StringVar(&o.assertionAud, "assertion-aud", "", "aud of JWT client assertions: empty for the token endpoint, endpoint for the URL called (Okta requires it), or a URL")
}

// addHTTPTimeoutFlag adds --http-timeout, the bound on each HTTP request.
// It is not login's --timeout, the wait for a person to sign in.
func addHTTPTimeoutFlag(cmd *cobra.Command, d *time.Duration) {
	cmd.Flags().DurationVar(d, "http-timeout", oauth.DefaultHTTPTimeout, "how long each HTTP request to a server may take, answer included, before it fails (e.g. 5s, 1m)")
}

// checkHTTPTimeout refuses a --http-timeout that would never let a request
// through.
func checkHTTPTimeout(cmd *cobra.Command, d time.Duration) error {
	if cmd.Flags().Changed("http-timeout") && d <= 0 {
		return usageErrorf("--http-timeout must be positive, e.g. 20s, got %v", d)
	}
	return nil
}

// settings resolves where the command runs: --embedded, a --profile, or
// the flags; flags override the profile (internal/setup). Close the
// answer when done: it stops the embedded world it started.
func (o *clientOptions) settings(cmd *cobra.Command, g *globalOptions) (*setup.Resolved, error) {
	if err := checkHTTPTimeout(cmd, o.httpTimeout); err != nil {
		return nil, err
	}
	if err := o.checkOutput(); err != nil {
		return nil, err
	}
	r, err := setup.Resolve(cmd.Context(), setup.Request{
		Embedded: o.embedded, Style: o.style,
		Profile: g.profile, ConfigPath: g.configPath,
		Flags: setup.Flags{Issuer: o.issuer, ClientID: o.clientID, Scopes: o.scopes, Auth: o.auth,
			ClientKey: o.clientKey, AssertionAudience: o.assertionAud,
			Resource: o.resource, Audience: o.audience, Port: o.port, PortSet: cmd.Flags().Changed("port"),
			CallbackPath: o.callbackPath, APIBase: o.apiBase,
			SecretFile: o.secretFile, SecretEnv: o.secretEnv, DefaultSecretEnv: setup.SecretEnvVar},
		Sources:       secretSources(cmd),
		Warn:          warnOn(cmd),
		NoIssuerOK:    o.noIssuerOK,
		NoCredentials: o.noCredentials,
	})
	return r, setupError(err)
}

// secretSources are the process's environment, files (a secret or a key
// file is read no further than oauth.MaxSmallFile) and a hidden prompt on
// the terminal.
func secretSources(cmd *cobra.Command) flows.SecretSources {
	return flows.SecretSources{Getenv: os.Getenv, ReadFile: readSmallFile, Prompt: promptSecret(cmd.ErrOrStderr())}
}

func readSmallFile(path string) ([]byte, error) {
	return oauth.ReadFileAtMost(path, oauth.MaxSmallFile)
}

// warnOn prints a warning on the command's stderr.
func warnOn(cmd *cobra.Command) func(string) {
	return func(w string) { fmt.Fprintln(cmd.ErrOrStderr(), "warning:", safe.Visible(w)) }
}

// setupError maps internal/setup's errors to exit codes: bad usage 2, a
// world that would not start 1.
func setupError(err error) error {
	switch {
	case err == nil:
		return nil
	case setup.IsUsage(err):
		return &exitError{code: exitUsage, err: err}
	}
	return flowFailed(err)
}

func promptSecret(w io.Writer) func(string) (string, error) {
	return func(label string) (string, error) {
		fd := int(os.Stdin.Fd())
		if !term.IsTerminal(fd) {
			return "", errors.New("no terminal to ask for the secret on (use secret_env or secret_file)")
		}
		fmt.Fprintf(w, "%s (hidden): ", safe.Line(label)) // it names the client id, from a profile or a flag
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(w)
		return string(b), err
	}
}

// browserOpener opens URLs: $OAUTHLAB_BROWSER if set (tests and headless
// setups give a script), else the platform's opener. Only http and https
// URLs are opened: the URL is built from the server's metadata.
func browserOpener() func(string) error {
	return func(u string) error {
		if err := oauth.CheckBrowserURL(u); err != nil {
			return err
		}
		if b := os.Getenv("OAUTHLAB_BROWSER"); b != "" {
			return exec.Command(b, u).Start()
		}
		var cmd *exec.Cmd
		switch runtime.GOOS {
		case "darwin":
			cmd = exec.Command("open", u)
		case "windows":
			cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
		default:
			cmd = exec.Command("xdg-open", u)
		}
		return cmd.Start()
	}
}

// runSteps runs steps as one flow, prints its results in the form asked
// (output.go), and maps the outcome to the exit code.
func runSteps(cmd *cobra.Command, o *clientOptions, s flows.Settings, f flows.Flow, vars flows.Vars, env *flows.Env) error {
	if env == nil {
		env = &flows.Env{}
	}
	env.HTTP = oauth.NewHTTPClient(o.httpTimeout)
	env.Settings = s
	if env.Progress == nil {
		env.Progress = func(p flows.Progress) { fmt.Fprintln(cmd.ErrOrStderr(), safe.Visible(p.Text)) }
	}
	var summary bytes.Buffer
	popts := plain.Options{Reveal: o.reveal, Verbose: o.verbose}
	results := flows.RunAll(cmd.Context(), env, f, vars, func(_ int, st flows.Step, r flows.Result) {
		plain.Text(&summary, st, r, popts)
	})
	ok := flows.Passed(f, results)
	if err := o.print(cmd, s, f, results, ok, &summary); err != nil {
		return err
	}
	switch {
	case ok:
		return nil
	case len(results) < len(f.Steps) && (len(results) == 0 || !results[len(results)-1].Failed()):
		return flowFailed(context.Canceled)
	}
	return &exitError{code: exitFailed, err: errors.New("")}
}

func newDiscoverCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "discover",
		Short: "Fetch and check an issuer's OpenID Connect / RFC 8414 metadata",
		Example: `  oauthlab discover --issuer https://sso.example.com/realms/myorg
  oauthlab discover --issuer https://dev-1.okta.com/oauth2/default --json
  oauthlab discover --embedded --style okta`,
	}
	return flowCmd(g, cmd, &clientOptions{noCredentials: true}, false, flows.Discovery)
}

func newTokenCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Get a token with the client credentials grant (RFC 6749 §4.4)",
		Long: `Get an access token for the client itself with the client credentials grant,
decode it and validate it against the issuer's keys. The secret comes from
--client-secret-env, --client-secret-file, $OAUTHLAB_CLIENT_SECRET or a profile.`,
		Example: `  OAUTHLAB_CLIENT_SECRET=... oauthlab token --issuer https://sso.example.com/realms/myorg --client-id test_api_client --scope test_api_access
  oauthlab token --embedded --scope fakebookapi.read --json
  oauthlab token --profile okta --auth post --curl`,
	}
	return flowCmd(g, cmd, &clientOptions{}, true, flows.ClientCredentials)
}

func newLoginCmd(g *globalOptions) *cobra.Command {
	o := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Authorization code + PKCE with a loopback callback (RFC 7636, RFC 8252)",
		Long: `Sign a user in with the authorization code flow and PKCE: the browser opens the
authorization endpoint, the answer comes back to a listener on 127.0.0.1, and
the code is exchanged for tokens. The URL is always printed too (SSH sessions,
no browser: --no-browser). Okta needs the redirect URI registered exactly,
port included: pass --port.

The browser is the platform's opener (xdg-open, open, rundll32), or the
program named by $OAUTHLAB_BROWSER: it is run with the URL as its one
argument (a path or a name on $PATH, not a shell line), e.g.
OAUTHLAB_BROWSER=firefox, or a script that signs in for a test.`,
		Example: `  oauthlab login --embedded
  oauthlab login --issuer https://dev-1.okta.com/oauth2/default --client-id 0oa... --port 8765 --scope openid,profile,offline_access
  oauthlab login --profile kc --no-browser`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.timeout <= 0 {
				return usageErrorf("--timeout must be positive, e.g. 2m")
			}
			env := &flows.Env{}
			if !o.noBrowser {
				env.OpenBrowser = browserOpener()
			}
			defer waitForAPerson(cmd, o.timeout)()
			return o.runFlow(cmd, g, (*setup.Resolved).SignIn, true, flows.AuthorizationCode(), flows.Vars{}, env)
		},
	}
	addClientFlags(cmd, o)
	cmd.Flags().IntVar(&o.port, "port", 0, "loopback callback port (0: any free port)")
	cmd.Flags().StringVar(&o.callbackPath, "callback-path", "/callback", "loopback callback path")
	cmd.Flags().BoolVar(&o.noBrowser, "no-browser", false, "do not open a browser; print the URL only")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long to wait for the sign-in in the browser to come back (each HTTP request is bounded by --http-timeout)")
	return cmd
}

// tokenArg reads a token from the argument, or stdin when it is "-".
func tokenArg(cmd *cobra.Command, args []string) (string, error) {
	if len(args) != 1 {
		return "", usageErrorf("%s needs the token as its argument (or - to read it from stdin)", cmd.CommandPath())
	}
	if args[0] != "-" {
		return strings.TrimSpace(args[0]), nil
	}
	b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), oauth.MaxTokenSize+1))
	if err != nil {
		return "", usageErrorf("reading the token from stdin: %v", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func newInspectCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inspect TOKEN|-",
		Short: "Decode a token and validate it, check by check",
		Long: `Decode a JWT (header, payload, signature) and validate it against the issuer's
published keys: signature, alg, kid, exp, nbf, iat, iss, aud, scope and typ,
each with the reason it passed or failed, then a one-line verdict.

Only an issuer you pin (--issuer, --profile or --embedded) can vouch for a
token. Without one the token is still decoded and checked against the issuer
it names itself, but that issuer is self-asserted — anyone can mint a token
naming their own server, and every check then passes — so the token is not
trusted and the exit code is 1.

Exit codes: 0 the signature verified with a key of the pinned issuer and
every check passed; 1 any check failed, the input is not a JWT, or no issuer
was pinned; 2 bad usage. A token pasted as "Bearer eyJ…" is refused (the
scheme is not part of the token); what follows it is still checked.`,
		Example: `  oauthlab inspect --issuer https://sso.example.com/realms/myorg eyJhbGciOi...
  pbpaste | oauthlab inspect - --issuer https://dev-1.okta.com/oauth2/default --audience api://default
  oauthlab inspect eyJhbGciOi...      # decode only: the issuer is the token's own say-so, exit 1`,
	}
	return tokenCmd(g, cmd, &clientOptions{noIssuerOK: true, noCredentials: true}, func(raw string) (flows.Flow, flows.Vars, error) {
		return flows.Flow{ID: "inspect", Title: "Inspect", Steps: []flows.Step{flows.InspectToken("token", raw)}}, flows.Vars{}, nil
	})
}

func newIntrospectCmd(g *globalOptions) *cobra.Command {
	var hint string
	cmd := &cobra.Command{
		Use:   "introspect TOKEN|-",
		Short: "Ask the authorization server about a token (RFC 7662)",
		Long: `Ask the authorization server whether a token is active and what it grants
(RFC 7662), as a client that may ask (the resource server's).

The token_type_hint sent is --hint when given; otherwise it follows the
token's shape: a JWT whose typ claim is Refresh or Offline (Keycloak's refresh
tokens) is a refresh_token, any other JWT an access_token, and an opaque token
(Okta's and most servers' refresh tokens) gets no hint, so the server looks
among all its tokens (RFC 7662 §2.1). Name an opaque refresh token with
--hint refresh_token.`,
		Example: `  oauthlab introspect --issuer https://sso.example.com/realms/myorg --client-id my-api --client-secret-env API_SECRET "$TOKEN"
  oauthlab introspect --profile kc --hint refresh_token "$REFRESH" --field active`,
	}
	tokenCmd(g, cmd, &clientOptions{}, func(raw string) (flows.Flow, flows.Vars, error) {
		switch hint {
		case "", "access_token", "refresh_token":
		default:
			return flows.Flow{}, nil, usageErrorf("--hint must be access_token or refresh_token, got %q", hint)
		}
		return flows.Introspect(), flows.Vars{flows.VarAccessToken: raw, flows.VarTokenTypeHint: hint}, nil
	})
	cmd.Flags().StringVar(&hint, "hint", "", "token_type_hint: access_token or refresh_token (default: from the token's shape, see above)")
	return cmd
}

func newRevokeCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "revoke TOKEN|-",
		Short:   "Revoke an access or refresh token (RFC 7009)",
		Example: `  oauthlab revoke --profile kc "$TOKEN"`,
	}
	return tokenCmd(g, cmd, &clientOptions{}, func(raw string) (flows.Flow, flows.Vars, error) {
		return flows.RevokeAlone(), flows.Vars{flows.VarAccessToken: raw}, nil
	})
}

func newCallCmd(g *globalOptions) *cobra.Command {
	o := &clientOptions{}
	var token, tokenEnv, data string
	cmd := &cobra.Command{
		Use:   "call [METHOD] URL|PATH",
		Short: "Call an API with a bearer token (RFC 6750)",
		Long: `Call an API with a bearer token and explain the answer (RFC 6750): 401
invalid_token, 403 insufficient_scope and which scope to ask for. The token
comes from --token-env or --token; without one, a client-credentials token is
fetched first. With --embedded, a PATH like /books goes to FakeBook.`,
		Example: `  oauthlab call --embedded /books
  oauthlab call --embedded --scope fakebookapi.admin POST /books --data '{"id":9,"title":"Dune","author":"Frank Herbert","cost":9.99,"num_pages":412}'
  oauthlab call --token-env TOKEN https://api.example.com/orders`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageErrorf("%s needs [METHOD] URL", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			method, target := http.MethodGet, args[0]
			if len(args) == 2 {
				method, target = strings.ToUpper(args[0]), args[1]
			}
			if tokenEnv != "" {
				token = os.Getenv(tokenEnv)
				if token == "" {
					return usageErrorf("--token-env %s: the variable is not set", tokenEnv)
				}
			}
			if token == "" && !o.embedded && g.profile == "" && o.issuer == "" {
				return usageErrorf("no token: pass --token-env VAR, or --issuer/--profile/--embedded to get one with client credentials")
			}
			// A token given and no issuer: the call needs none.
			o.noIssuerOK = o.issuer == "" && !o.embedded && g.profile == ""
			r, err := o.settings(cmd, g)
			if err != nil {
				return err
			}
			defer r.Close()
			s := r.Machine
			f := flows.Flow{ID: "call", Title: "Call an API"}
			if token == "" {
				f.Steps = append(f.Steps, flows.ClientCredentials().Steps...)
			}
			f.Steps = append(f.Steps, flows.CallAPI(flows.APIRequest{Method: method, Path: target, Body: []byte(data)}))
			return runSteps(cmd, o, s, f, flows.Vars{flows.VarAccessToken: token}, nil)
		},
	}
	addClientFlags(cmd, o)
	cmd.Flags().StringVar(&token, "token", "", "the access token (prefer --token-env: a token on the command line lands in shell history)")
	cmd.Flags().StringVar(&tokenEnv, "token-env", "", "read the access token from this environment variable")
	cmd.Flags().StringVar(&data, "data", "", "request body (JSON)")
	cmd.Flags().StringVar(&o.apiBase, "api-base", "", "base URL for a PATH argument (default with --embedded: FakeBook)")
	return cmd
}

// flowCmd completes c as a headless command that takes no argument and
// runs flow as the machine client; needID as runFlow's.
func flowCmd(g *globalOptions, c *cobra.Command, o *clientOptions, needID bool, flow func() flows.Flow) *cobra.Command {
	c.Args = noArgs
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		return o.runFlow(cmd, g, machine, needID, flow(), flows.Vars{}, nil)
	}
	addClientFlags(c, o)
	return c
}

// tokenCmd completes c as a headless command that takes a token (or - to
// read it from stdin) and runs, as the machine client, the flow that flow
// makes of it.
func tokenCmd(g *globalOptions, c *cobra.Command, o *clientOptions, flow func(raw string) (flows.Flow, flows.Vars, error)) *cobra.Command {
	c.Args = maxArgs(1)
	c.RunE = func(cmd *cobra.Command, args []string) error {
		raw, err := tokenArg(cmd, args)
		if err != nil {
			return err
		}
		f, vars, err := flow(raw)
		if err != nil {
			return err
		}
		return o.runFlow(cmd, g, machine, false, f, vars, nil)
	}
	addClientFlags(c, o)
	return c
}

// machine is the client most commands act as: the one with credentials of
// its own (client credentials, introspection, revocation).
func machine(r *setup.Resolved) flows.Settings { return r.Machine }

// runFlow resolves where the command runs, takes the client pick chooses
// and runs f as it; a one-shot --embedded world ends when f has run.
// needID refuses, before anything is sent, a client without an id.
func (o *clientOptions) runFlow(cmd *cobra.Command, g *globalOptions, pick func(*setup.Resolved) flows.Settings, needID bool,
	f flows.Flow, vars flows.Vars, env *flows.Env) error {
	r, err := o.settings(cmd, g)
	if err != nil {
		return err
	}
	defer r.Close()
	s := pick(r)
	if needID && s.ClientID == "" {
		return usageErrorf("no client id: pass --client-id or use a profile")
	}
	return runSteps(cmd, o, s, f, vars, env)
}

// waitForAPerson bounds a command that waits for someone to sign in or
// approve: by timeout, or by Ctrl-C, which ends the wait with an
// explanation instead of dying mid-flow. Call the returned func when done.
func waitForAPerson(cmd *cobra.Command, timeout time.Duration) func() {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	cmd.SetContext(ctx)
	return func() { cancel(); stop() }
}
