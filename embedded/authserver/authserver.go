package authserver

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/internal/httpguard"
)

// Style is which real server the embedded one imitates.
type Style string

// The two shapes.
const (
	StyleKeycloak Style = "keycloak"
	StyleOkta     Style = "okta"
)

// Lifetimes: Keycloak's realm defaults (300 s access, 1800 s refresh); Okta's
// default 3600 s access token. Codes live 60 s (RFC 6749 §4.1.2 advises 10
// minutes at most; Keycloak uses 60 s).
const (
	codeTTL = 60 * time.Second
	// maxFormBody bounds a request body (token, introspection, login forms).
	maxFormBody = 64 << 10
)

// Config configures a Server. Zero values mean the demo defaults.
type Config struct {
	// BaseURL is where the server is reachable, e.g. http://127.0.0.1:8080.
	BaseURL string
	// Style is the server imitated: StyleKeycloak (the default) or StyleOkta.
	Style Style
	// Realm is the Keycloak realm (default myorg); ignored for Okta.
	Realm string
	// ClientSecret overrides the demo client's secret.
	ClientSecret string
	// Audience overrides the access tokens' aud (Keycloak: account, Okta: api://default).
	Audience string
	// Events receives one event per request with the server's decision;
	// nil publishes nowhere.
	Events *events.Bus
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
	// KeyCacheDir, when set, keeps the RSA signing key there (0600) so a
	// restart reuses it instead of generating a new one.
	KeyCacheDir string
	// SigningKey, when set, is the first signing key (2048 bits or more),
	// instead of the cached or a generated one: the key-rotation lab's
	// world gives one its attacker holds a copy of, as if it had leaked.
	SigningKey *rsa.PrivateKey
	// Clients are registered after the demo clients; one with a demo
	// client's id replaces it. New checks each (see CheckClient).
	Clients []Client
	// BodyTimeout is how long a request body may take to arrive once the
	// headers are in (default 10 s): a client that drips its body a byte
	// at a time is cut off instead of holding a connection open.
	BodyTimeout time.Duration
	// Weak switches protections off, for a lab's own world only (weak.go).
	Weak Weaknesses
	// Name is the server its events name; "" means "authserver", or
	// WeakServer with a weakness. A lab's other servers say which they are.
	Name string
}

// Server is the authorization server. Create it with New.
type Server struct {
	cfg     Config
	issuer  string
	mux     *http.ServeMux
	handler http.Handler
	keys    *keyring
	clients map[string]*Client
	// formKey signs the login form's anti-forgery values (see forms.go).
	formKey []byte

	mu      sync.Mutex
	codes   map[string]*authCode
	access  map[string]*grantRecord // by access token jti
	refresh map[string]*grantRecord // by refresh token value
	// rotated remembers the refresh tokens rotated out, so that one
	// presented again is seen as reuse (RFC 9700 §4.14.2).
	rotated map[string]rotatedRefresh
	// revokedGrants are the grants (a code and every refresh after it)
	// revoked whole: a token of one still being issued is born revoked.
	revokedGrants map[string]bool
	sessions      map[string]string // login session id → username
	// jtis are the client assertions' jti values already used.
	jtis    usedJTIs
	devices deviceStore // RFC 8628 device codes (device.go)
	// statusDue counts the browsers sent to the device status page that
	// have not fetched it yet (see Settle).
	statusDue atomic.Int32
}

// New returns a server ready to serve. It returns at once: the RSA key is
// generated in the background (or read from KeyCacheDir), and requests that
// need it wait for it.
func New(cfg Config) (*Server, error) {
	if cfg.Style == "" {
		cfg.Style = StyleKeycloak
	}
	if cfg.Style != StyleKeycloak && cfg.Style != StyleOkta {
		return nil, fmt.Errorf("unknown style %q: use keycloak or okta", cfg.Style)
	}
	if cfg.Realm == "" {
		cfg.Realm = "myorg"
	}
	if err := CheckRealm(cfg.Realm); err != nil && cfg.Style == StyleKeycloak {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("authserver: BaseURL is required")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	clients := demoClients(cfg)
	for i := range cfg.Clients {
		c := cfg.Clients[i]
		if err := CheckClient(&c); err != nil {
			return nil, err
		}
		clients[c.ID] = &c
	}
	s := &Server{
		cfg:      cfg,
		mux:      http.NewServeMux(),
		clients:  clients,
		codes:    map[string]*authCode{},
		access:   map[string]*grantRecord{},
		refresh:  map[string]*grantRecord{},
		sessions: map[string]string{},
		rotated:  map[string]rotatedRefresh{},
		formKey:  newFormKey(),

		revokedGrants: map[string]bool{},
	}
	if cfg.Style == StyleOkta {
		s.issuer = base + "/oauth2/default"
	} else {
		s.issuer = base + "/realms/" + cfg.Realm
	}
	if k := cfg.SigningKey; k != nil && k.N.BitLen() < 2048 {
		return nil, fmt.Errorf("authserver: the signing key has %d bits; RS256 needs at least 2048 (RFC 7518 §3.3)", k.N.BitLen())
	}
	s.keys = newKeyring(cfg.Style, cfg.KeyCacheDir, cfg.SigningKey)
	s.routes()
	s.handler = httpguard.BodyDeadline(s.mux, cfg.BodyTimeout)
	return s, nil
}

// Handler returns the server's handler: its own ServeMux, behind the
// request body's read deadline.
func (s *Server) Handler() http.Handler { return s.handler }

// Close waits for the background work New started — the signing key's
// generation and its write to KeyCacheDir — so that nothing writes after
// the server is gone (a half-written key file, a directory being removed).
func (s *Server) Close() error {
	<-s.keys.ready
	return nil
}

// Issuer returns the issuer identifier, e.g. http://127.0.0.1:8080/realms/myorg.
func (s *Server) Issuer() string { return s.issuer }

// Style returns the shape the server imitates.
func (s *Server) Style() Style { return s.cfg.Style }

// IntrospectionEndpoint is the RFC 7662 endpoint, as discovery lists it.
func (s *Server) IntrospectionEndpoint() string { return s.url(s.paths().introspect) }

// RotateKeys makes a new key sign from now on; the old one stays in the
// JWKS until the tokens it signed have expired (RFC 7517 allows rotation at
// any time; verifiers refetch on an unknown kid). It returns both kids.
func (s *Server) RotateKeys() (newKid, oldKid string, err error) {
	newKid, oldKid, err = s.keys.rotate(s.cfg.Now())
	if err == nil && s.cfg.Events != nil {
		s.cfg.Events.Publish(events.Event{Time: s.cfg.Now(), Server: s.serverName(),
			Decision: "rotated the signing key: " + newKid + " signs from now on; " + oldKid + " stays in the JWKS until its tokens expire"})
	}
	return newKid, oldKid, err
}

// WithdrawKey takes the rotated-out key kid out of the JWKS at once,
// instead of keeping it until the tokens it signed expire: what an
// operator does when a signing key leaks (Keycloak: disable or delete its
// key provider). The server no longer vouches for what the key signed:
// introspection answers inactive, and a verifier that fetches the JWKS
// again stops trusting it. The key that signs cannot be withdrawn:
// RotateKeys first.
func (s *Server) WithdrawKey(kid string) error {
	err := s.keys.withdraw(kid)
	if err == nil && s.cfg.Events != nil {
		s.cfg.Events.Publish(events.Event{Time: s.cfg.Now(), Server: s.serverName(),
			Decision: "withdrew the signing key " + kid + " from the JWKS at once, without waiting for its tokens to expire: the server no longer vouches for them"})
	}
	return err
}

// endpoint paths, relative to the issuer.
type paths struct{ auth, token, certs, introspect, revoke, userinfo, logout string }

func (s *Server) paths() paths {
	if s.cfg.Style == StyleOkta {
		return paths{"/v1/authorize", "/v1/token", "/v1/keys", "/v1/introspect", "/v1/revoke", "/v1/userinfo", "/v1/logout"}
	}
	p := keycloakPrefix
	return paths{p + "/auth", p + "/token", p + "/certs", p + "/token/introspect", p + "/revoke", p + "/userinfo", p + "/logout"}
}

// keycloakPrefix is where Keycloak mounts its endpoints, under the issuer.
const keycloakPrefix = "/protocol/openid-connect"

// ShortPath shortens a request path for a one-line log: Keycloak's long
// endpoint prefix (/realms/<realm>/protocol/openid-connect) becomes "…";
// any other path is returned as it is.
func ShortPath(p string) string {
	if i := strings.Index(p, keycloakPrefix); i >= 0 {
		return "…" + p[i+len(keycloakPrefix):]
	}
	return p
}

func (s *Server) issuerPath() string {
	if s.cfg.Style == StyleOkta {
		return "/oauth2/default"
	}
	return "/realms/" + s.cfg.Realm
}

// routes mounts each endpoint at the imitated server's path.
func (s *Server) routes() {
	ip, p := s.issuerPath(), s.paths()
	// Both shapes serve RFC 8414 metadata at the issuer's path and at the
	// RFC 8414 §3.1 location (well-known segment inserted before the
	// issuer's path): current Okta answers both, Keycloak the second since
	// 26.4. Neither serves openid-configuration at the root location.
	s.mux.HandleFunc(ip+"/.well-known/openid-configuration", s.handleDiscovery)
	s.mux.HandleFunc(ip+"/.well-known/oauth-authorization-server", s.handleDiscovery)
	s.mux.HandleFunc("/.well-known/oauth-authorization-server"+ip, s.handleDiscovery)
	s.mux.HandleFunc(ip+p.certs, s.handleJWKS)
	s.mux.HandleFunc(ip+p.token, s.handleToken)
	s.mux.HandleFunc(ip+p.auth, s.handleAuthorize)
	s.mux.HandleFunc(ip+p.introspect, s.handleIntrospect)
	s.mux.HandleFunc(ip+p.revoke, s.handleRevoke)
	s.mux.HandleFunc(ip+p.userinfo, s.handleUserinfo)
	s.mux.HandleFunc(ip+p.logout, s.handleLogout)
	s.deviceRoutes()
	s.mux.HandleFunc("/", s.handleNotFound)
}

// isOkta reports the Okta shape.
func (s *Server) isOkta() bool { return s.cfg.Style == StyleOkta }

// pick returns the Keycloak or the Okta text.
func (s *Server) pick(keycloak, okta string) string {
	if s.isOkta() {
		return okta
	}
	return keycloak
}

func (s *Server) url(path string) string { return s.issuer + path }

// publish sends the event of one request and the server's decision.
func (s *Server) publish(r *http.Request, client string, status int, decision string, details ...string) {
	s.cfg.Events.Publish(events.Event{Time: s.cfg.Now(), Server: s.serverName(), Method: r.Method, Path: r.URL.Path,
		Client: client, Status: status, Decision: decision, Details: details})
}
