package authserver

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/lestrrat-go/jwx/v3/jwk"
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

// Client is a registered client.
type Client struct {
	// ID is the client_id.
	ID string
	// Secret is the client_secret, "" for a public client (RFC 6749 §2.1).
	Secret string
	// Grants are the grant types it may use: client_credentials,
	// authorization_code, refresh_token.
	Grants []string
	// Scopes are the scopes it may ask for (RFC 6749 §3.3).
	Scopes []string
	// RedirectURIs are exact; a loopback one of a public client matches
	// any port (RFC 8252 §7.3: native apps), a confidential client's does not.
	RedirectURIs []string
	// ServiceAccountID is the sub of client-credentials tokens (Keycloak: a UUID).
	ServiceAccountID string
	// AuthMethod is its token_endpoint_auth_method: "" for
	// client_secret_basic or client_secret_post (none without a secret),
	// private_key_jwt or client_secret_jwt (RFC 7523 §2.2, OpenID Connect
	// Core §9). A client authenticates only the way it is registered to.
	AuthMethod string
	// JWKS is a private_key_jwt client's public keys, a JWK set
	// ({"keys": [...]}): RSA keys for RS256, P-256 keys for ES256.
	JWKS json.RawMessage
	// keys is JWKS parsed (CheckClient).
	keys jwk.Set
}

// public reports a client that cannot authenticate: no secret and no key
// (RFC 6749 §2.1).
func (c *Client) public() bool { return c.Secret == "" && c.AuthMethod != authPrivateKeyJWT }

// allows reports whether the client is registered for grant.
func (c *Client) allows(grant string) bool {
	for _, g := range c.Grants {
		if g == grant {
			return true
		}
	}
	return false
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
	if c.AuthMethod == authPrivateKeyJWT && c.Secret != "" {
		return fmt.Errorf("client %s: a private_key_jwt client authenticates with its key; drop the client_secret", c.ID)
	}
	if err := checkAuthMethod(c); err != nil {
		return err
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
		case "refresh_token", GrantDeviceCode:
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

// checkAuthMethod checks a client's token_endpoint_auth_method and, for
// private_key_jwt, parses its public keys.
func checkAuthMethod(c *Client) error {
	switch c.AuthMethod {
	case "", "client_secret_basic", "client_secret_post":
		c.AuthMethod = ""
	case "none":
		if c.Secret != "" {
			return fmt.Errorf("client %s: token_endpoint_auth_method none is a public client: drop the client_secret", c.ID)
		}
		c.AuthMethod = ""
	case authSecretJWT:
		if c.Secret == "" {
			return fmt.Errorf("client %s: client_secret_jwt signs with the client secret: give one (at least 32 bytes for HS256, RFC 7518 §3.2)", c.ID)
		}
	case authPrivateKeyJWT:
		if len(c.JWKS) == 0 {
			return fmt.Errorf("client %s: private_key_jwt needs jwks, the client's public keys ({\"keys\": [...]}; oauthlab jwk --set prints them)", c.ID)
		}
		set, err := jwk.Parse(c.JWKS)
		if err != nil {
			return fmt.Errorf("client %s: jwks is not a JWK set: %v", c.ID, err)
		}
		if set.Len() == 0 {
			return fmt.Errorf("client %s: jwks holds no key", c.ID)
		}
		for i := 0; i < set.Len(); i++ {
			k, _ := set.Key(i)
			var raw any
			if err := jwk.Export(k, &raw); err != nil {
				return fmt.Errorf("client %s: jwks key %d: %v", c.ID, i, err)
			}
			switch raw.(type) {
			case *rsa.PublicKey, *ecdsa.PublicKey:
			case *rsa.PrivateKey, *ecdsa.PrivateKey:
				return fmt.Errorf("client %s: jwks key %d is a private key: register only the public half (oauthlab jwk prints it)", c.ID, i)
			default:
				return fmt.Errorf("client %s: jwks key %d is %T: private_key_jwt here takes RSA (RS256) and P-256 (ES256) keys", c.ID, i, raw)
			}
		}
		c.keys = set
	default:
		return fmt.Errorf("client %s: token_endpoint_auth_method %q is not supported here (client_secret_basic, client_secret_post, private_key_jwt, client_secret_jwt, none)", c.ID, c.AuthMethod)
	}
	return nil
}

// demoClients are the clients of the demo world (see the constants).
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
		{ID: DeviceClientID, Grants: []string{GrantDeviceCode, "refresh_token"},
			Scopes: []string{"openid", "profile", "email", "offline_access", ScopeTestAPI, ScopeRead, ScopeAdmin}},
	}
	m := map[string]*Client{}
	for _, c := range cs {
		m[c.ID] = c
	}
	return m
}

type user struct {
	ID, Username, Password, Name, Given, Family, Email string
}

// Demo users; their passwords are shown on the login page.
var demoUsers = []user{
	{ID: "6f7e0d1a-4b5c-4d6e-8f90-a1b2c3d4e5f6", Username: "alice", Password: "alice", Name: "Alice Liddell", Given: "Alice", Family: "Liddell", Email: "alice@example.test"},
	{ID: "0a1b2c3d-4e5f-4a6b-8c7d-e8f9a0b1c2d3", Username: "bob", Password: "bob", Name: "Bob Builder", Given: "Bob", Family: "Builder", Email: "bob@example.test"},
}

// login checks a demo user's password in constant time.
func (s *Server) login(name, pass string) *user {
	for i := range demoUsers {
		u := &demoUsers[i]
		if u.Username == name && subtle.ConstantTimeCompare([]byte(u.Password), []byte(pass)) == 1 {
			return u
		}
	}
	return nil
}
