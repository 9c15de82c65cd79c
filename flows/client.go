package flows

import (
	"fmt"

	"github.com/oauthlab/oauthlab/oauth"
)

// ClientKind is which of the user's clients a flow runs as.
type ClientKind int

const (
	// MachineClient is the confidential client of client credentials,
	// Clients.Machine: the zero value.
	MachineClient ClientKind = iota
	// UserClient is the client a person signs in with (RFC 8252: a public
	// client with a loopback redirect), Clients.User: the code flow, and
	// the refresh of the token it obtained.
	UserClient
	// TokenClient is whichever client obtained the current access token
	// (Vars[VarTokenClientID]): a token is revoked (RFC 7009 §2.1) and
	// introspected as its own client.
	TokenClient
	// DeviceClient is the client of the device flow (RFC 8628),
	// Clients.Device; without one, UserClient's.
	DeviceClient
	// RefreshClient is whichever client obtained the refresh token
	// (Vars[VarRefreshClientID]): a refresh token is bound to its client
	// (RFC 6749 §6), so a device-flow token is refreshed as the device
	// client. Without one, UserClient's.
	RefreshClient
)

// Clients are the settings of the clients the user has: Machine always,
// User when there is a separate sign-in client (nil: Machine does it all).
type Clients struct {
	Machine Settings
	User    *Settings
	// Device is the device flow's client (a public client registered for
	// the device grant); nil: User's, or Machine's.
	Device *Settings
}

// For returns the settings flow f runs with, given the current vars, and
// whether they are User's.
func (c Clients) For(f Flow, vars Vars) (s Settings, user bool) {
	switch f.Client {
	case TokenClient:
		if s, user, ok := c.owner(vars[VarTokenClientID]); ok {
			return s, user
		}
		return c.Machine, false
	case RefreshClient:
		if s, user, ok := c.owner(vars[VarRefreshClientID]); ok {
			return s, user
		}
	case DeviceClient:
		if c.Device != nil {
			return *c.Device, true
		}
	}
	if c.User == nil || f.Client == MachineClient {
		return c.Machine, false
	}
	return *c.User, true
}

// owner is the client that obtained a token, by the client_id it was
// issued to, when that id is the device's, the user's or the machine's and
// tells it from the machine's (ok false: none, or not told apart).
func (c Clients) owner(id string) (s Settings, user, ok bool) {
	switch {
	case id == "":
	case c.Device != nil && id == c.Device.ClientID && id != c.Machine.ClientID:
		return *c.Device, true, true
	case c.User != nil && id == c.User.ClientID && id != c.Machine.ClientID:
		return *c.User, true, true
	case id == c.Machine.ClientID && (c.User == nil || id != c.User.ClientID):
		return c.Machine, false, true
	}
	return Settings{}, false, false
}

// AuthMethods are the client authentication methods a user may choose (RFC
// 8414 §2, token_endpoint_auth_methods_supported); "" means the server's
// metadata chooses.
var AuthMethods = []string{oauth.AuthBasic, oauth.AuthPost, oauth.AuthPrivateKeyJWT, oauth.AuthSecretJWT, oauth.AuthNone}

// CheckAuth refuses settings whose auth method lacks its credential: a
// private_key_jwt client without its key.
func (s Settings) CheckAuth() error {
	if s.AuthMethod == oauth.AuthPrivateKeyJWT && s.ClientKey == nil {
		return fmt.Errorf("private_key_jwt signs with the client's private key: give the client key file (PEM or JWK)")
	}
	return nil
}

// ParseAuthMethod reads an auth method as a person types it: a name of
// AuthMethods, "basic" or "post" for short, or "" to let the metadata choose.
func ParseAuthMethod(s string) (string, error) {
	switch s {
	case "", oauth.AuthBasic, oauth.AuthPost, oauth.AuthNone, oauth.AuthPrivateKeyJWT, oauth.AuthSecretJWT:
		return s, nil
	case "basic", "post":
		return "client_secret_" + s, nil
	}
	return "", fmt.Errorf("auth method must be client_secret_basic, client_secret_post, private_key_jwt, client_secret_jwt or empty, not %q", s)
}
