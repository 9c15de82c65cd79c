package main

import "github.com/spf13/cobra"

func notYet(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("%s is not built yet", cmd.Name())
		},
	}
}

func newDiscoverCmd(g *globalOptions) *cobra.Command {
	return notYet("discover", "Fetch and check an issuer's OpenID Connect / RFC 8414 metadata")
}
func newTokenCmd(g *globalOptions) *cobra.Command {
	return notYet("token", "Get a token with the client credentials grant (RFC 6749 §4.4)")
}
func newLoginCmd(g *globalOptions) *cobra.Command {
	return notYet("login", "Authorization code + PKCE with a loopback callback (RFC 7636, RFC 8252)")
}
func newInspectCmd(g *globalOptions) *cobra.Command {
	return notYet("inspect TOKEN", "Decode a token and validate it, check by check")
}
func newIntrospectCmd(g *globalOptions) *cobra.Command {
	return notYet("introspect TOKEN", "Ask the authorization server about a token (RFC 7662)")
}
func newRevokeCmd(g *globalOptions) *cobra.Command {
	return notYet("revoke TOKEN", "Revoke an access or refresh token (RFC 7009)")
}
func newCallCmd(g *globalOptions) *cobra.Command {
	return notYet("call URL", "Call an API with a bearer token (RFC 6750)")
}
