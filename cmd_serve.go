package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/fakebook"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

type serveOptions struct {
	addr, apiAddr, style, realm, clientSecret string
	allowLAN                                  bool
	issuer, audience                          string
	validation                                string
	introspectID, introspectSecretEnv         string
	clientsFile                               string
	publicURL, apiPublicURL                   string
	// lab names a lab whose weakened world runs beside the embedded one.
	lab string
}

// newServeCmd runs the embedded authorization server and FakeBook until Ctrl-C.
func newServeCmd() *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the embedded authorization server and FakeBook API until Ctrl-C",
		Long: `Run the embedded world standalone: an authorization server shaped like Keycloak
(or Okta with --style okta) and the FakeBook API that trusts it. Point any
OAuth client at the printed issuer.

With --issuer, run FakeBook alone and trust a real Keycloak realm or Okta
authorization server instead, to check that its tokens work against an API.

--clients FILE registers more clients beside the demo ones (the same id
replaces a demo client), for example:

  {"clients": [
    {"client_id": "workshop_app", "client_secret": "workshop", "grant_types": ["client_credentials"],
     "scopes": ["fakebookapi.read"]},
    {"client_id": "spa", "grant_types": ["authorization_code", "refresh_token"],
     "scopes": ["openid", "fakebookapi.read"], "redirect_uris": ["http://127.0.0.1/callback"]},
    {"client_id": "jwt_app", "token_endpoint_auth_method": "private_key_jwt",
     "jwks": {"keys": [ ...the output of oauthlab jwk --client-key KEY... ]},
     "grant_types": ["client_credentials"], "scopes": ["fakebookapi.read"]}]}

"token_endpoint_auth_method" is client_secret_basic or client_secret_post (the
default), private_key_jwt (with "jwks", the client's public keys) or
client_secret_jwt (with a "client_secret"); a client authenticates only the
way it is registered to. A client without a secret or key is public and must
use PKCE; its loopback redirect URIs match any port (RFC 8252 §7.3). A
confidential client's redirect URIs match exactly, port included.

For a room, listen on the LAN and say which address attendees use:

  oauthlab serve --allow-lan --addr 0.0.0.0:8080 --api-addr 0.0.0.0:5000 \
    --public-url http://192.168.1.20:8080

The issuer and every endpoint are built from --public-url (an issuer must be
the URL clients use: 0.0.0.0 is no address anyone can reach). FakeBook, when
it listens beyond loopback, is announced on the same host with its own port
(or at --api-public-url). Listening on every interface, serve prints the URL
of each of this machine's addresses.

On a Mac, FakeBook's default port 5000 is usually the AirPlay Receiver's
(macOS 12 and later): pass --api-addr 127.0.0.1:5001 (0.0.0.0:5001 in a
room), or turn AirPlay Receiver off in System Settings.

--lab NAME also runs that lab's deliberately weakened servers beside the
world (oauthlab lab lists the labs), to show an attack to a room from the
presenter's machine: their URLs come first, and every event line says the
world is weakened. They listen on 127.0.0.1 only: --lab with --allow-lan
is refused. Plain serve never weakens anything.

What survives a restart: the signing key, kept in the user cache directory
(oauthlab/authserver-rs256.pem), so a JWT issued before still verifies at an
API until it expires, as long as the issuer URL is the same. Nothing else does:
FakeBook's books go back to the five it starts with, and the tokens, codes and
sign-ins the server knew are forgotten (introspection says inactive, a refresh
token is refused).`,
		Example: `  oauthlab serve
  oauthlab serve --style okta --addr 127.0.0.1:9000
  oauthlab serve --clients workshop-clients.json --validate introspect
  oauthlab serve --allow-lan --addr 0.0.0.0:8080 --api-addr 0.0.0.0:5000 --public-url http://192.168.1.20:8080
  oauthlab serve --issuer https://keycloak.example.com/realms/myorg --audience account
  oauthlab serve --lab alg-none`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", setup.ServeAddr, "authorization server listen address")
	f.StringVar(&o.apiAddr, "api-addr", "127.0.0.1:5000", "FakeBook API listen address")
	addStyleFlag(cmd, &o.style)
	f.StringVar(&o.realm, "realm", "myorg", "Keycloak realm name (keycloak style)")
	f.StringVar(&o.clientSecret, "client-secret", "", "secret of the demo client "+authserver.DemoClientID+" (default "+authserver.DemoClientSecret+")")
	f.BoolVar(&o.allowLAN, "allow-lan", false, "allow listening on a non-loopback address (a workshop LAN)")
	f.StringVar(&o.publicURL, "public-url", "", "the authorization server's URL as attendees reach it, e.g. http://192.168.1.20:8080: the issuer and every endpoint are built from it")
	f.StringVar(&o.apiPublicURL, "api-public-url", "", "FakeBook's URL as attendees reach it (default: --public-url's host with FakeBook's port)")
	f.StringVar(&o.issuer, "issuer", "", "run FakeBook alone, trusting this real issuer (Keycloak realm or Okta authorization server)")
	f.StringVar(&o.audience, "audience", "", "with --issuer: the aud FakeBook requires (Keycloak: account, Okta: api://default)")
	f.StringVar(&o.clientsFile, "clients", "", "JSON file of extra clients to register (see oauthlab serve --help)")
	f.StringVar(&o.validation, "validate", "local", "how FakeBook checks tokens: local (JWT signature and claims) or introspect (RFC 7662, asks the server each time)")
	f.StringVar(&o.introspectID, "introspect-client-id", "", "with --issuer --validate introspect: FakeBook's own client id at the issuer")
	f.StringVar(&o.lab, "lab", "", "also run this lab's deliberately weakened servers beside the world, for a demonstration (oauthlab lab lists them; 127.0.0.1 only, never with --allow-lan)")
	f.StringVar(&o.introspectSecretEnv, "introspect-secret-env", "OAUTHLAB_INTROSPECT_SECRET", "with --issuer --validate introspect: the environment variable holding that client's secret")
	return cmd
}

func runServe(ctx context.Context, o *serveOptions, stdout, stderr io.Writer) error {
	style, err := setup.ParseStyle(o.style)
	if err != nil {
		return setupError(err)
	}
	mode, err := embedded.ParseValidation(o.validation)
	if err != nil {
		return usageErrorf("--validate: %v", err)
	}
	if err := authserver.CheckRealm(o.realm); err != nil {
		return usageErrorf("--realm: %v", err)
	}
	lb, err := serveLab(o)
	if err != nil {
		return err
	}
	if o.issuer != "" {
		return serveFakeBookAlone(ctx, o, mode, stdout, stderr)
	}
	clients, err := readClients(o.clientsFile)
	if err != nil {
		return err
	}
	for _, u := range []struct{ flag, v string }{{"--public-url", o.publicURL}, {"--api-public-url", o.apiPublicURL}} {
		if u.v == "" {
			continue
		}
		if _, err := embedded.ParsePublicURL(u.v); err != nil {
			return usageErrorf("%s: %v", u.flag, err)
		}
	}
	cache, _ := os.UserCacheDir()
	if cache != "" {
		cache = filepath.Join(cache, "oauthlab")
	}
	w, err := embedded.Start(ctx, embedded.Options{Style: style, Realm: o.realm, Addr: o.addr,
		APIAddr: o.apiAddr, ClientSecret: o.clientSecret, AllowNonLoopback: o.allowLAN, KeyCacheDir: cache, Validation: mode, Clients: clients,
		PublicURL: o.publicURL, APIPublicURL: o.apiPublicURL})
	if err != nil {
		return flowFailed(explainListen(err, runtime.GOOS))
	}
	defer w.Close()
	// Subscribe before the banner: a request made as soon as the issuer is
	// printed must reach the log.
	evs, stopLog := w.Events.Subscribe(64)
	defer stopLog()
	tag := ""
	if lb != nil {
		lw, err := lab.Start(ctx, w, lb.Name)
		if err != nil {
			return flowFailed(err)
		}
		defer lw.Close()
		writeServeLab(stdout, *lb, lw)
		tag = labEventTag
	}
	fmt.Fprint(stderr, lanWarning(o.allowLAN, w.Addr, w.APIAddr))
	// --realm, --public-url and --client-secret are the user's own text,
	// and the issuer is built from them: shown through safe.Line.
	issuer, secret := safe.Line(w.Issuer), safe.Line(o.clientSecret)
	if secret == "" {
		secret = authserver.DemoClientSecret
	}
	fmt.Fprintf(stdout, `oauthlab embedded world (%s-shaped)
  issuer      %s
  discovery   %s/.well-known/openid-configuration
  RFC 8414    %s
  FakeBook    %s  (GET /books needs fakebookapi.read, POST /books fakebookapi.admin)
  validation  %s
%s
%s
%sPress Ctrl-C to stop; send SIGHUP (kill -HUP %d) to rotate the signing key.
`, o.style, issuer, issuer, safe.Line(rfc8414Location(w.Issuer)), safe.Line(w.APIBase), describeValidation(mode), describeListeners(w, o.publicURL != "", interfaceAddrs()),
		describeDemo(issuer, secret, safe.Line(tokenEndpoint(w)), clients), describeClients(clients), os.Getpid())
	go printEvents(ctx, evs, stdout, tag)
	// SIGHUP rotates the signing key, to show a rotation to a room: the
	// JWKS then lists both keys, old tokens still verify, new ones carry
	// the new kid.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(stdout, "\nshutting down")
			return nil
		case <-hup:
			if _, _, err := w.AuthServer.RotateKeys(); err != nil {
				fmt.Fprintln(stderr, "key rotation failed:", err)
			}
		}
	}
}

// explainListen adds to a listener serve could not open the likely cause
// and the flag that picks another address; other errors pass unchanged.
// goos is runtime.GOOS: on a Mac, port 5000 — FakeBook's default — is
// usually the AirPlay Receiver's (macOS 12 and later).
func explainListen(err error, goos string) error {
	var le *embedded.ListenError
	if !errors.As(err, &le) {
		return err
	}
	flag := "--addr"
	if le.API {
		flag = "--api-addr"
	}
	host, port, splitErr := net.SplitHostPort(le.Addr)
	if splitErr != nil {
		return err
	}
	var cause, try string
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		cause = "another program already listens on port " + port
		switch {
		case port == "5000" && goos == "darwin":
			cause += ": on a Mac that is usually the AirPlay Receiver, which listens on 5000 since macOS 12 Monterey"
		case port == "8080":
			cause += ": another oauthlab serve, or a Keycloak (8080 is its default port)"
		default:
			cause += " (another oauthlab serve?)"
		}
		try = fmt.Sprintf("pick a free port, e.g. %s %s (the banner prints the URLs to use)", flag, net.JoinHostPort(host, nextPort(port)))
		if port == "5000" && goos == "darwin" {
			try += ", or turn AirPlay Receiver off in System Settings"
		}
		try += "; lsof -nP -iTCP:" + port + " -sTCP:LISTEN names the program"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		cause = host + " is not an address of this machine (a typo, or the network changed)"
		try = fmt.Sprintf("%s 0.0.0.0:%s listens on every interface, and serve prints this machine's addresses", flag, port)
	case errors.Is(err, syscall.EACCES):
		cause = "ports below 1024 need special rights"
		try = fmt.Sprintf("pick a port above 1024 with %s", flag)
	default:
		try = "pick another address with " + flag
	}
	if cause != "" {
		return fmt.Errorf("%w\nLikely cause: %s\nTry: %s", le, cause, try)
	}
	return fmt.Errorf("%w\nTry: %s", le, try)
}

// nextPort is port plus one, for an example of a free port.
func nextPort(port string) string {
	n, err := strconv.Atoi(port)
	if err != nil || n <= 0 || n >= 65535 {
		return "0"
	}
	return strconv.Itoa(n + 1)
}

// lanWarning is what serve says on stderr about --allow-lan: the warning
// when a server does listen beyond loopback, and when --allow-lan was
// given but both listen on loopback, that no one else can reach them.
func lanWarning(allowLAN bool, addr, apiAddr string) string {
	if beyondLoopback(addr) || beyondLoopback(apiAddr) {
		return "WARNING: listening beyond loopback. Anyone on this network can get tokens with the demo credentials below.\n"
	}
	if !allowLAN {
		return ""
	}
	_, port, _ := net.SplitHostPort(addr)
	_, apiPort, _ := net.SplitHostPort(apiAddr)
	return fmt.Sprintf("note: --allow-lan, but both servers listen on loopback only (%s, %s): no other machine can reach them. "+
		"For a room, pass --addr 0.0.0.0:%s --api-addr 0.0.0.0:%s --public-url http://<this machine's address>:%s\n", addr, apiAddr, port, apiPort, port)
}

func describeValidation(m embedded.Validation) string {
	if m == embedded.ValidateIntrospect {
		return "introspect: FakeBook asks the authorization server about every token (RFC 7662); revoked tokens fail at once"
	}
	return "local: FakeBook checks each JWT's signature and claims itself; a revoked token works until it expires (--validate introspect)"
}

// rfc8414Location is where RFC 8414 §3.1 puts the issuer's metadata: the
// well-known segment inserted between the host and the issuer's path.
func rfc8414Location(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return issuer + "/.well-known/oauth-authorization-server"
	}
	return u.Scheme + "://" + u.Host + "/.well-known/oauth-authorization-server" + u.Path
}

// interfaceAddrs are this machine's addresses; none when they cannot be read.
func interfaceAddrs() []net.Addr {
	addrs, _ := net.InterfaceAddrs()
	return addrs
}

// lanURLs are the http URLs of a listener bound to every interface
// (wildcard), one per address of this machine beyond loopback and
// link-local, IPv4 first.
func lanURLs(listen string, addrs []net.Addr) (urls []string, wildcard bool) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, false
	}
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		return nil, false
	}
	var v4, v6 []string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsUnspecified() || n.IP.IsMulticast() {
			continue
		}
		u := "http://" + net.JoinHostPort(n.IP.String(), port)
		if n.IP.To4() != nil {
			v4 = append(v4, u)
		} else {
			v6 = append(v6, u)
		}
	}
	return append(v4, v6...), true
}

// describeListeners tells, for servers bound to every interface, the URLs
// this machine answers on, and warns when the issuer names no address
// anyone can use.
func describeListeners(w *embedded.World, havePublic bool, addrs []net.Addr) string {
	var b strings.Builder
	var issuerEg string
	for _, l := range []struct{ name, addr string }{{"authorization server", w.Addr}, {"FakeBook", w.APIAddr}} {
		urls, wildcard := lanURLs(l.addr, addrs)
		switch {
		case !wildcard:
			continue
		case len(urls) == 0:
			fmt.Fprintf(&b, "  listening   %s on %s, every interface; this machine has no address beyond loopback\n", l.name, l.addr)
		default:
			fmt.Fprintf(&b, "  listening   %s on %s, every interface: %s\n", l.name, l.addr, strings.Join(urls, ", "))
		}
		if l.addr == w.Addr {
			issuerEg = "http://<this machine's address>:<port>"
			if len(urls) > 0 {
				issuerEg = urls[0]
			}
		}
	}
	if issuerEg != "" && !havePublic {
		fmt.Fprintf(&b, "  ! the issuer names %s, which no attendee can use; restart with --public-url %s\n", safe.Line(hostOf(w.Issuer)), issuerEg)
	}
	// A room needs both servers where attendees are: one announced on
	// loopback beside one that is not is out of their reach (127.0.0.1 is
	// their own machine), and so is one announced on this machine's LAN
	// address while it listens on loopback only (--public-url without
	// --allow-lan and --addr).
	mine := func(host string) bool { // one of this machine's addresses beyond loopback
		if loopbackHost(host) {
			return false
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(net.ParseIP(host)) {
				return true
			}
		}
		return false
	}
	lan := ""
	if !beyondLoopback(w.Addr) && !beyondLoopback(w.APIAddr) {
		lan = "--allow-lan " // neither listens beyond loopback yet
	}
	for _, s := range []struct{ name, at, other, listen, flag, publicFlag string }{
		{"FakeBook", w.APIBase, w.Issuer, w.APIAddr, "--api-addr", "--api-public-url"},
		{"the authorization server", w.Issuer, w.APIBase, w.Addr, "--addr", "--public-url"},
	} {
		host, port, err := net.SplitHostPort(s.listen)
		switch {
		case err != nil:
		case loopbackHost(hostname(s.at)) && s.other != "" && !loopbackHost(hostname(s.other)):
			fmt.Fprintf(&b, "  ! %s is at %s, on loopback: no attendee can reach it; restart with %s%s 0.0.0.0:%s (or give its URL with %s)\n",
				s.name, safe.Line(s.at), lan, s.flag, port, s.publicFlag)
		case loopbackHost(host) && mine(hostname(s.at)):
			fmt.Fprintf(&b, "  ! %s is announced at %s but listens on %s only: no attendee can connect; restart with %s%s 0.0.0.0:%s\n",
				s.name, safe.Line(s.at), s.listen, lan, s.flag, port)
		}
	}
	return b.String()
}

// loopbackHost reports whether host (an address without its port) is
// this machine's loopback: localhost, 127.0.0.0/8 or ::1, as the embedded
// world judges an address to listen on without --allow-lan.
func loopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// beyondLoopback reports whether a listen address (host:port) reaches
// further than this machine.
func beyondLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && !loopbackHost(host)
}

// hostname is the host of URL u without its port.
func hostname(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Hostname()
	}
	return u
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Host
	}
	return u
}

func tokenEndpoint(w *embedded.World) string {
	if w.Style == authserver.StyleOkta {
		return w.Issuer + "/v1/token"
	}
	return w.Issuer + "/protocol/openid-connect/token"
}

// printEvents prints the events of ch, one a line, each after tag, until
// ctx ends or ch closes. A request's path, client_id and scope are anyone's
// to write — a web page can send a cross-site GET to these fixed ports — so
// every field goes through safe.Line: an escape shows as \x1b and never
// reaches the terminal. Lines are written together while events keep
// coming (under load, one write a burst instead of one a request) and at
// once when none is waiting; a write holds whole lines only.
func printEvents(ctx context.Context, ch <-chan events.Event, out io.Writer, tag string) {
	var lines bytes.Buffer
	flush := func() {
		if lines.Len() > 0 {
			_, _ = out.Write(lines.Bytes())
			lines.Reset()
		}
	}
	defer flush()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-ch:
			if !ok {
				return
			}
			if e.Method == "" { // not a request: something the server did
				fmt.Fprintf(&lines, "%s%s %-10s %s\n", tag, e.Time.Format("15:04:05"), safe.Line(e.Server), safe.Line(e.Decision))
			} else {
				fmt.Fprintf(&lines, "%s%s %-10s %-6s %-55s %d %s\n", tag, e.Time.Format("15:04:05"), safe.Line(e.Server), safe.Line(e.Method), safe.Line(e.Path), e.Status, safe.Line(e.Decision))
			}
			if len(ch) == 0 || lines.Len() >= 32<<10 {
				flush()
			}
		}
	}
}

// serveFakeBookAlone runs FakeBook trusting a real issuer (issue 4).
func serveFakeBookAlone(ctx context.Context, o *serveOptions, mode embedded.Validation, stdout, stderr io.Writer) error {
	// The discovery document's URL given for the issuer: trust the issuer
	// it names (tokens carry that in iss), and say so, as discover does.
	if iss, hint := oauth.IssuerHint(o.issuer); hint != "" {
		o.issuer = iss
		fmt.Fprintf(stdout, "! %s\n", safe.Line(hint))
	}
	// vctx bounds finding the issuer and the first key fetch only: the
	// validator keeps following the issuer's keys until serve stops.
	vctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	// Listen before the validator is built, so the log shows its first
	// key fetch too.
	bus := events.NewBus()
	evs, stopLog := bus.Subscribe(64)
	defer stopLog()
	var auds []string
	if o.audience != "" {
		auds = []string{o.audience}
	}
	var tv validate.TokenValidator
	keys := ""
	if mode == embedded.ValidateIntrospect {
		in, endpoint, err := introspectorFor(vctx, o, auds)
		if err != nil {
			return err
		}
		tv, keys = in, "introspection at "+endpoint+" as "+o.introspectID
	} else {
		v, err := validate.New(vctx, validate.Options{Issuer: o.issuer, Audiences: auds, OnFetch: embedded.PublishFetch(bus)})
		if err != nil {
			return flowFailed(fmt.Errorf("cannot trust %s: %w", o.issuer, err))
		}
		defer v.Close()
		tv, keys = v, v.JWKSURI()+" (fetched again every "+validate.Span(validate.DefaultKeyRefresh)+", and on a kid it lacks)"
	}
	fb := fakebook.New(fakebook.Config{Validator: tv, Events: bus})
	l, err := net.Listen("tcp", o.apiAddr)
	if err != nil {
		return flowFailed(explainListen(&embedded.ListenError{Addr: o.apiAddr, API: true, Err: err}, runtime.GOOS))
	}
	srv := embedded.Serve(l, fb.Handler())
	aud := o.audience
	if aud == "" {
		aud = "(not enforced: pass --audience)"
	}
	fmt.Fprintf(stdout, "FakeBook on http://%s trusting %s\n  keys      %s\n  audience  %s\nPress Ctrl-C to stop.\n", l.Addr(), safe.Line(o.issuer), safe.Line(keys), safe.Line(aud))
	go printEvents(ctx, evs, stdout, "")
	<-ctx.Done()
	return embedded.Shutdown(3*time.Second, srv)
}

// introspectorFor builds the RFC 7662 validator for FakeBook alone: the
// endpoint from the issuer's metadata, FakeBook's own client credentials
// (the secret from an environment variable, never a flag).
func introspectorFor(ctx context.Context, o *serveOptions, auds []string) (*validate.Introspector, string, error) {
	if o.introspectID == "" {
		return nil, "", usageErrorf("--validate introspect needs --introspect-client-id: the client FakeBook authenticates as (RFC 7662 §2.1)")
	}
	secret := os.Getenv(o.introspectSecretEnv)
	if secret == "" {
		return nil, "", usageErrorf("--validate introspect needs the client's secret in $%s (or name another variable with --introspect-secret-env)", o.introspectSecretEnv)
	}
	md, _, err := oauth.Discover(ctx, nil, o.issuer)
	if err != nil {
		return nil, "", flowFailed(fmt.Errorf("cannot find %s's introspection endpoint: %w", o.issuer, err))
	}
	if md.Metadata.IntrospectionEndpoint == "" {
		return nil, "", flowFailed(fmt.Errorf("%s lists no introspection_endpoint in its metadata; use --validate local", o.issuer))
	}
	return validate.NewIntrospector(validate.IntrospectOptions{Endpoint: md.Metadata.IntrospectionEndpoint, ClientID: o.introspectID,
		ClientSecret: oauth.Secret(secret), Issuer: o.issuer, Audiences: auds}), md.Metadata.IntrospectionEndpoint, nil
}

// clientsFile is the --clients JSON: clients registered beside the demo
// ones (one with a demo client's id replaces it). A demo server's secrets
// are not secrets, so a client_secret may stand in the file.
//
//	{"clients": [{"client_id": "workshop_app", "client_secret": "s3", "grant_types": ["client_credentials"],
//	              "scopes": ["fakebookapi.read"]},
//	             {"client_id": "spa", "grant_types": ["authorization_code", "refresh_token"],
//	              "scopes": ["openid", "fakebookapi.read"], "redirect_uris": ["http://127.0.0.1/callback"]}]}
type clientsFile struct {
	Clients []struct {
		ID           string          `json:"client_id"`
		Secret       string          `json:"client_secret"`
		AuthMethod   string          `json:"token_endpoint_auth_method"`
		JWKS         json.RawMessage `json:"jwks"`
		Grants       []string        `json:"grant_types"`
		Scopes       []string        `json:"scopes"`
		RedirectURIs []string        `json:"redirect_uris"`
	} `json:"clients"`
}

func readClients(path string) ([]authserver.Client, error) {
	if path == "" {
		return nil, nil
	}
	b, err := oauth.ReadFileAtMost(path, oauth.MaxConfigFile)
	if err != nil {
		return nil, usageErrorf("--clients: %v", err)
	}
	var f clientsFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, usageErrorf("--clients %s is not the expected JSON: %v (see oauthlab serve --help for an example)", path, err)
	}
	if len(f.Clients) == 0 {
		return nil, usageErrorf("--clients %s lists no clients (it needs {\"clients\": [...]})", path)
	}
	out := make([]authserver.Client, 0, len(f.Clients))
	for _, c := range f.Clients {
		ac := authserver.Client{ID: c.ID, Secret: c.Secret, AuthMethod: c.AuthMethod, JWKS: c.JWKS, Grants: c.Grants, Scopes: c.Scopes, RedirectURIs: c.RedirectURIs}
		if err := authserver.CheckClient(&ac); err != nil {
			return nil, usageErrorf("--clients %s: %v", path, err)
		}
		out = append(out, ac)
	}
	return out, nil
}

// describeDemo is the banner's demo credentials and its curl to try. A
// demo client that --clients replaces is said to be, not shown with the
// demo's secret and scopes; the curl uses a client that can run it
// (client credentials with a secret, fakebookapi.read), the file's if
// need be, and is left out when none can. issuer, secret and token are
// already made safe to show.
func describeDemo(issuer, secret, token string, clients []authserver.Client) string {
	mine := map[string]authserver.Client{}
	for _, c := range clients {
		mine[c.ID] = c
	}
	var b strings.Builder
	b.WriteString("Demo credentials (a local demo server; not secrets):\n")
	for _, d := range []struct{ id, secret, what string }{
		{authserver.DemoClientID, secret, "client credentials; scopes test_api_access fakebookapi.read fakebookapi.admin"},
		{authserver.ReaderClientID, authserver.ReaderClientSecret, "client credentials; fakebookapi.read only"},
		{authserver.IntrospectClientID, authserver.IntrospectClientSecret, "FakeBook's own client: it may introspect tokens (RFC 7662)"},
		{authserver.NativeClientID, "(no secret)", "public, authorization code + PKCE, any http://127.0.0.1:<port>/callback"},
		{authserver.DeviceClientID, "(no secret)", "public, device flow (RFC 8628): oauthlab device --issuer " + issuer + " --client-id " + authserver.DeviceClientID},
	} {
		if _, ok := mine[d.id]; ok {
			d.secret, d.what = "", "replaced by --clients (below)"
		}
		fmt.Fprintf(&b, "  %-16s %-24s %s\n", d.id, d.secret, d.what)
	}
	b.WriteString("  users            alice / alice, bob / bob\n")
	candidates := []authserver.Client{
		{ID: authserver.DemoClientID, Secret: secret, Grants: []string{"client_credentials"}, Scopes: []string{authserver.ScopeRead}},
		{ID: authserver.ReaderClientID, Secret: authserver.ReaderClientSecret, Grants: []string{"client_credentials"}, Scopes: []string{authserver.ScopeRead}},
	}
	for i, c := range candidates {
		if r, ok := mine[c.ID]; ok {
			candidates[i] = r
		}
	}
	for _, c := range append(candidates, clients...) {
		if c.Secret != "" && c.AuthMethod == "" && slices.Contains(c.Grants, "client_credentials") && slices.Contains(c.Scopes, authserver.ScopeRead) {
			// A --clients secret may hold what a shell reads: one word.
			fmt.Fprintf(&b, "\nTry:\n  curl -s -u %s -d grant_type=client_credentials -d scope=%s %s\n", safe.Line(oauth.ShellWord(c.ID+":"+c.Secret)), authserver.ScopeRead, token)
			break
		}
	}
	return b.String()
}

// describeClients lists the --clients registrations for the banner.
func describeClients(cs []authserver.Client) string {
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Clients from --clients:\n")
	for _, c := range cs {
		secret := c.Secret
		switch {
		case c.AuthMethod == "private_key_jwt":
			secret = "(private_key_jwt)"
		case c.AuthMethod == "client_secret_jwt":
			secret += " (client_secret_jwt)"
		case secret == "":
			secret = "(public)"
		}
		fmt.Fprintf(&b, "  %-16s %-24s %s; scopes %s\n", safe.Line(c.ID), safe.Line(secret), safe.Line(strings.Join(c.Grants, ", ")), safe.Line(strings.Join(c.Scopes, " ")))
	}
	return b.String() + "\n"
}

// labEventTag opens every event line of serve --lab: the world is
// weakened, whichever server speaks.
const labEventTag = "[" + labHeader + "] "

// serveLab is the lab serve --lab names, nil without --lab. A weakened
// world listens on loopback only, so --allow-lan is refused with it, and
// it stands beside the embedded world, so --issuer is too.
func serveLab(o *serveOptions) (*flows.Lab, error) {
	if o.lab == "" {
		return nil, nil
	}
	if o.allowLAN {
		return nil, usageErrorf("--lab runs a deliberately weakened world, which listens on 127.0.0.1 only: drop --allow-lan " +
			"(in a room, show the lab on the projector; attendees work against a plain serve --allow-lan)")
	}
	if o.issuer != "" {
		return nil, usageErrorf("--lab runs beside the embedded world: drop --issuer")
	}
	l, err := labByName(o.lab)
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// writeServeLab opens serve's banner with the lab: that the world is
// weakened, and where each side listens.
func writeServeLab(w io.Writer, l flows.Lab, lw *lab.World) {
	fmt.Fprintf(w, "%s — %s: %s\n", labHeader, l.Name, l.Title)
	fmt.Fprintln(w, "  A protection is deliberately off in this world, for a demonstration on this machine (127.0.0.1 only).")
	apps := []struct{ name, url, what string }{
		{"weakened web app", lw.WeakClient, "the client with the protection off"},
		{"protected web app", lw.ProtectedClient, "the same client with it on"},
	}
	if lw.WeakClient == lw.ProtectedClient {
		apps = apps[:1]
		apps[0].name, apps[0].what = "web app", "the client, registered at both servers"
	}
	for _, s := range append([]struct{ name, url, what string }{
		{"weakened API", lw.WeakAPI, "the attack works here"},
		{"protected API", lw.ProtectedAPI, "the same attack is refused here"},
		{"weakened issuer", lw.WeakIssuer, "the authorization server with the protection off"},
		{"protected issuer", lw.ProtectedIssuer, "the same server with it on"},
		{"lab issuer", lw.Issuer, "the lab's own authorization server, whose signing key leaked"},
		{"admin URL", lw.AdminURL, "POST: it rotates the signing key and withdraws the leaked one"},
	}, apps...) {
		if s.url != "" {
			fmt.Fprintf(w, "  %-17s %s  (%s)\n", s.name, safe.Line(s.url), s.what)
		}
	}
	fmt.Fprintf(w, "  protection        %s (%s)\n  step by step      oauthlab lab %s (in a world of its own)\n\n", l.Protection, l.RFC, l.Name)
}
