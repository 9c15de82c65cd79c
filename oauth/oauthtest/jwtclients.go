package oauthtest

import "path/filepath"

// The interop provider's JWT-authenticated clients (testdata/interop/README.md).
const (
	// JWTClient authenticates with private_key_jwt (RS256); its private
	// key is at Provider.JWTClientKeyFile.
	JWTClient = "jwt_client"
	// JWTSecretClient authenticates with client_secret_jwt (HS256).
	JWTSecretClient = "jwt_secret_client"
	// JWTClientSecret is JWTSecretClient's secret.
	JWTClientSecret = "jwt_secret_client_secret_at_least_32_bytes_long!!"
)

// JWTClientKeyFile is where the provider keeps JWTClient's private key, a
// JWK with its kid (generated at the first start, in the state folder).
func (p *Provider) JWTClientKeyFile() string {
	return filepath.Join(p.stateDir(), ".data", "jwt_client.private.jwk.json")
}
