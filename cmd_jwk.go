package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
)

// newJWKCmd prints the public half of a private_key_jwt client's key, to
// register the client with: never the private key.
func newJWKCmd() *cobra.Command {
	var keyFile string
	var set bool
	cmd := &cobra.Command{
		Use:   "jwk",
		Short: "Print the public JWK of a private_key_jwt client key, to register the client",
		Long: `Read a client's private key (PEM: PKCS #1, PKCS #8 or SEC 1; or a JWK) and print
its public half as a JWK with kid, use "sig" and alg (RS256 for RSA, ES256 for
P-256): what the server keeps to check the client's assertions (RFC 7523 §2.2).
Paste it in Keycloak (client → Keys → "Use JWKS": import, or serve it as a JWKS
URL), in Okta (application → Public keys → Add key), or in an
oauthlab serve --clients file ("jwks": {"keys": [...]}; --set prints that form).
The kid is the key's own, or its RFC 7638 thumbprint: the same kid oauthlab puts
in every assertion it signs. The private key is never printed.`,
		Example: `  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client.pem
  oauthlab jwk --client-key client.pem
  oauthlab jwk --client-key client.pem --set > client.jwks.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if keyFile == "" {
				return usageErrorf("jwk needs --client-key FILE (the private key, PEM or JWK)")
			}
			k, err := oauth.LoadClientKey(keyFile)
			if err != nil {
				return usageErrorf("%v", err)
			}
			pub, err := k.PublicJWK()
			if err != nil {
				return flowFailed(err)
			}
			if set {
				pub = []byte(`{"keys":[` + string(pub) + `]}`)
			}
			// A JWK file's own kid comes back here. safe.Line shows a C1
			// control or bidi override in it as \u escapes, which JSON
			// reads as the same kid (encoding/json leaves them raw).
			fmt.Fprintln(cmd.OutOrStdout(), safe.Line(string(pub)))
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "client-key", "", "the client's private key file (PEM or JWK)")
	cmd.Flags().BoolVar(&set, "set", false, `print a JWK set, {"keys": [...]}`)
	return cmd
}
