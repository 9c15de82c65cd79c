// Package authserver is oauthlab's in-process authorization server. It speaks
// OAuth 2.0 and OpenID Connect the way Keycloak or Okta does on the wire —
// same paths, same claims, same error texts, including where those servers
// depart from the RFCs — so what a learner sees here is what they will meet
// in the wild. The shapes come from testdata/fixtures (see SOURCES.md there).
package authserver

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/oauthlab/oauthlab/embedded/events"
)

// Style is which real server the embedded one imitates.
type Style string

// The two shapes.
const (
	StyleKeycloak Style = "keycloak"
	StyleOkta     Style = "okta"
)

// The demo world, shown to users on the login page, by `oauthlab serve` and
// in the README. These are demo credentials for a loopback server, not secrets.
const (
	DemoClientID           = "test_api_client"
	DemoClientSecret       = "test_api_secret"
	ReaderClientID         = "fakebook_reader"
	ReaderClientSecret     = "fakebook_reader_secret"
	NativeClientID         = "oauthlab-cli"
	IntrospectClientID     = "fakebook_api"
	IntrospectClientSecret = "fakebook_api_secret"
)

// API scopes of the demo world.
const (
	ScopeTestAPI = "test_api_access"
	ScopeRead    = "fakebookapi.read"
	ScopeAdmin   = "fakebookapi.admin"
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
	Style   Style
	// Realm is the Keycloak realm (default myorg); ignored for Okta.
	Realm string
	// ClientSecret overrides the demo client's secret.
	ClientSecret string
	// Audience overrides the access tokens' aud (Keycloak: account, Okta: api://default).
	Audience string
	Events   *events.Bus
	Now      func() time.Time
	// KeyCacheDir, when set, keeps the RSA signing key there (0600) so a
	// restart reuses it instead of generating a new one.
	KeyCacheDir string
	// Clients are registered after the demo clients; one with a demo
	// client's id replaces it. New checks each (see CheckClient).
	Clients []Client
}

// Client is a registered client.
type Client struct {
	ID     string
	Secret string // "" for a public client
	Grants []string
	Scopes []string
	// RedirectURIs are exact; a loopback one matches any port (RFC 8252 §7.3).
	RedirectURIs []string
	// ServiceAccountID is the sub of client-credentials tokens (Keycloak: a UUID).
	ServiceAccountID string
}

func (c *Client) public() bool { return c.Secret == "" }

func (c *Client) allows(grant string) bool {
	for _, g := range c.Grants {
		if g == grant {
			return true
		}
	}
	return false
}

type user struct {
	ID, Username, Password, Name, Given, Family, Email string
}

// Demo users; their passwords are shown on the login page.
var demoUsers = []user{
	{ID: "6f7e0d1a-4b5c-4d6e-8f90-a1b2c3d4e5f6", Username: "alice", Password: "alice", Name: "Alice Liddell", Given: "Alice", Family: "Liddell", Email: "alice@example.test"},
	{ID: "0a1b2c3d-4e5f-4a6b-8c7d-e8f9a0b1c2d3", Username: "bob", Password: "bob", Name: "Bob Builder", Given: "Bob", Family: "Builder", Email: "bob@example.test"},
}

// Server is the authorization server. Create it with New.
type Server struct {
	cfg     Config
	issuer  string
	mux     *http.ServeMux
	keys    *keyring
	clients map[string]*Client

	mu       sync.Mutex
	codes    map[string]*authCode
	access   map[string]*grantRecord // by access token jti
	refresh  map[string]*grantRecord // by refresh token value
	sessions map[string]string       // login session id → username
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
	}
	if cfg.Style == StyleOkta {
		s.issuer = base + "/oauth2/default"
	} else {
		s.issuer = base + "/realms/" + cfg.Realm
	}
	s.keys = newKeyring(cfg.Style, cfg.KeyCacheDir)
	s.routes()
	return s, nil
}

// CheckClient refuses a client registration the server could not honour,
// saying why, and fills what can be derived: a client-credentials client
// gets a stable service-account id from its client id.
func CheckClient(c *Client) error {
	if c.ID == "" {
		return fmt.Errorf("a client needs a client_id")
	}
	if len(c.Grants) == 0 {
		return fmt.Errorf("client %s: no grant_types (client_credentials, authorization_code, refresh_token)", c.ID)
	}
	for _, g := range c.Grants {
		switch g {
		case "client_credentials":
			if c.public() {
				return fmt.Errorf("client %s: client_credentials needs a client_secret: a public client cannot authenticate (RFC 6749 §4.4)", c.ID)
			}
		case "authorization_code":
			if len(c.RedirectURIs) == 0 {
				return fmt.Errorf("client %s: authorization_code needs redirect_uris, e.g. http://127.0.0.1/callback", c.ID)
			}
		case "refresh_token":
		default:
			return fmt.Errorf("client %s: grant type %q is not supported here (client_credentials, authorization_code, refresh_token)", c.ID, g)
		}
	}
	for _, u := range c.RedirectURIs {
		if pu, err := url.Parse(u); err != nil || pu.Scheme == "" || pu.Host == "" || pu.Fragment != "" {
			return fmt.Errorf("client %s: redirect URI %q must be an absolute URI without a fragment (RFC 6749 §3.1.2)", c.ID, u)
		}
	}
	if c.ServiceAccountID == "" {
		sum := sha256.Sum256([]byte("oauthlab service account " + c.ID))
		h := hex.EncodeToString(sum[:16])
		c.ServiceAccountID = h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	}
	return nil
}

func demoClients(cfg Config) map[string]*Client {
	secret := DemoClientSecret
	if cfg.ClientSecret != "" {
		secret = cfg.ClientSecret
	}
	loopback := []string{"http://127.0.0.1/callback", "http://localhost/callback"}
	cs := []*Client{
		{ID: DemoClientID, Secret: secret, Grants: []string{"client_credentials"},
			Scopes: []string{ScopeTestAPI, ScopeRead, ScopeAdmin}, ServiceAccountID: "3b6c1f0e-9d2a-4c8b-a7e5-1f2d3c4b5a69"},
		{ID: ReaderClientID, Secret: ReaderClientSecret, Grants: []string{"client_credentials"},
			Scopes: []string{ScopeRead}, ServiceAccountID: "9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4"},
		{ID: IntrospectClientID, Secret: IntrospectClientSecret, Grants: []string{"client_credentials"},
			Scopes: []string{}, ServiceAccountID: "5c4b3a29-1807-4f6e-9d5c-4b3a29180706"},
		{ID: NativeClientID, Grants: []string{"authorization_code", "refresh_token"},
			Scopes:       []string{"openid", "profile", "email", "offline_access", ScopeTestAPI, ScopeRead, ScopeAdmin},
			RedirectURIs: loopback},
	}
	m := map[string]*Client{}
	for _, c := range cs {
		m[c.ID] = c
	}
	return m
}

// Handler returns the server's own ServeMux.
func (s *Server) Handler() http.Handler { return s.mux }

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
		s.cfg.Events.Publish(events.Event{Time: s.cfg.Now(), Server: "authserver",
			Decision: "rotated the signing key: " + newKid + " signs from now on; " + oldKid + " stays in the JWKS until its tokens expire"})
	}
	return newKid, oldKid, err
}

// endpoint paths, relative to the issuer.
type paths struct{ auth, token, certs, introspect, revoke, userinfo, logout string }

func (s *Server) paths() paths {
	if s.cfg.Style == StyleOkta {
		return paths{"/v1/authorize", "/v1/token", "/v1/keys", "/v1/introspect", "/v1/revoke", "/v1/userinfo", "/v1/logout"}
	}
	p := "/protocol/openid-connect"
	return paths{p + "/auth", p + "/token", p + "/certs", p + "/token/introspect", p + "/revoke", p + "/userinfo", p + "/logout"}
}

func (s *Server) issuerPath() string {
	if s.cfg.Style == StyleOkta {
		return "/oauth2/default"
	}
	return "/realms/" + s.cfg.Realm
}

func (s *Server) routes() {
	ip, p := s.issuerPath(), s.paths()
	s.mux.HandleFunc(ip+"/.well-known/openid-configuration", s.handleDiscovery)
	if s.cfg.Style == StyleOkta {
		s.mux.HandleFunc(ip+"/.well-known/oauth-authorization-server", s.handleDiscovery)
		// RFC 8414 §3.1 inserted form, which current Okta also answers.
		s.mux.HandleFunc("/.well-known/oauth-authorization-server"+ip, s.handleDiscovery)
	}
	s.mux.HandleFunc(ip+p.certs, s.handleJWKS)
	s.mux.HandleFunc(ip+p.token, s.handleToken)
	s.mux.HandleFunc(ip+p.auth, s.handleAuthorize)
	s.mux.HandleFunc(ip+p.introspect, s.handleIntrospect)
	s.mux.HandleFunc(ip+p.revoke, s.handleRevoke)
	s.mux.HandleFunc(ip+p.userinfo, s.handleUserinfo)
	s.mux.HandleFunc(ip+p.logout, s.handleLogout)
	s.mux.HandleFunc("/", s.handleNotFound)
}

func (s *Server) isOkta() bool { return s.cfg.Style == StyleOkta }

// pick returns the Keycloak or the Okta text.
func (s *Server) pick(keycloak, okta string) string {
	if s.isOkta() {
		return okta
	}
	return keycloak
}

func (s *Server) url(path string) string { return s.issuer + path }

func (s *Server) publish(r *http.Request, client string, status int, decision string, details ...string) {
	s.cfg.Events.Publish(events.Event{Time: s.cfg.Now(), Server: "authserver", Method: r.Method, Path: r.URL.Path,
		Client: client, Status: status, Decision: decision, Details: details})
}
