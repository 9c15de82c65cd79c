package flows

import (
	"context"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// Discovery is the flow that reads an issuer's metadata.
func Discovery() Flow {
	return Flow{ID: "discovery", Title: "Discovery",
		Summary: "Ask the issuer where its endpoints are and what it supports.",
		Steps:   []Step{discoveryStep()}}
}

func discoveryStep() Step {
	return Step{
		ID:    "discover",
		Title: "Fetch the discovery document",
		Why: "The client learns the server's endpoints and capabilities from " +
			"{issuer}/.well-known/openid-configuration (OpenID Connect Discovery §4) or the RFC 8414 " +
			"/.well-known/oauth-authorization-server document, and checks that the issuer it names is exactly " +
			"the one it asked for (RFC 8414 §3.3), so a look-alike server cannot hand out its own endpoints.",
		RFC:    "RFC 8414 §3",
		From:   Client,
		To:     AuthServer,
		Inputs: []string{"issuer"},
		Run:    func(ctx context.Context, env *Env, _ Vars) Result { return runDiscovery(ctx, env) },
	}
}

func runDiscovery(ctx context.Context, env *Env) Result {
	d, ex, err := oauth.Discover(ctx, env.HTTP, env.Settings.Issuer)
	r := Result{Exchanges: ex}
	if err != nil {
		return failed(env, r, err)
	}
	m := d.Metadata
	r.Vars = Vars{VarTokenEndpoint: m.TokenEndpoint, VarAuthorizationEndpoint: m.AuthorizationEndpoint, VarJWKSURI: m.JWKSURI,
		VarUserinfoEndpoint: m.UserinfoEndpoint, VarIntrospectionEndpoint: m.IntrospectionEndpoint,
		VarRevocationEndpoint: m.RevocationEndpoint, varAuthMethods: strings.Join(m.TokenEndpointAuthMethodsSupported, " "),
		VarDeviceAuthorizationEndpoint: m.DeviceAuthorizationEndpoint, varIssAdvertised: ""}
	if m.AuthorizationResponseIssParameterSupported {
		r.Vars[varIssAdvertised] = "true"
	}
	r.Outputs = []Output{
		{Name: "document", Value: d.URL},
		{Name: "issuer", Value: m.Issuer},
		{Name: "token_endpoint", Value: m.TokenEndpoint},
		{Name: "authorization_endpoint", Value: m.AuthorizationEndpoint},
		{Name: "jwks_uri", Value: m.JWKSURI},
		{Name: "introspection_endpoint", Value: m.IntrospectionEndpoint},
		{Name: "revocation_endpoint", Value: m.RevocationEndpoint},
		{Name: "userinfo_endpoint", Value: m.UserinfoEndpoint},
		{Name: "device_authorization_endpoint", Value: m.DeviceAuthorizationEndpoint},
		{Name: "grant_types_supported", Value: strings.Join(m.GrantTypesSupported, " ")},
		{Name: "scopes_supported", Value: strings.Join(m.ScopesSupported, " ")},
		{Name: "token_endpoint_auth_methods", Value: strings.Join(m.TokenEndpointAuthMethodsSupported, " ")},
		{Name: "code_challenge_methods", Value: strings.Join(m.CodeChallengeMethodsSupported, " ")},
	}
	r.Checks = append(r.Checks, d.Checks...)
	for _, h := range d.Hints {
		r.Checks = append(r.Checks, oauth.Check{Name: "hint", Status: oauth.Warn, Reason: h})
	}
	return r
}
