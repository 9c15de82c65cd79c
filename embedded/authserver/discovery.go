package authserver

import "net/http"

// handleDiscovery serves the OpenID Connect discovery document and the
// RFC 8414 metadata with the members and order of the real server's
// (fixtures */openid-configuration.json), limited to what this server
// really supports. Keycloak's oauth-authorization-server provider is its
// OpenID one under another id, so both documents are the same there; the
// Okta shape serves the same document at both too.
func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	doc := s.keycloakDiscovery()
	if s.isOkta() {
		doc = s.oktaDiscovery()
	}
	s.publish(r, "", 200, "served the discovery document")
	w.Header().Set("Content-Type", "application/json")
	_ = writeRaw(w, doc)
}

// discoveryGrants are the grant types this server supports, in both shapes.
var discoveryGrants = []string{"authorization_code", "client_credentials", "refresh_token", GrantDeviceCode}

// oktaDiscovery follows okta/openid-configuration.json.
func (s *Server) oktaDiscovery() orderedJSON {
	p := s.paths()
	return orderedJSON{
		{"issuer", s.issuer},
		{"authorization_endpoint", s.url(p.auth)},
		{"token_endpoint", s.url(p.token)},
		{"userinfo_endpoint", s.url(p.userinfo)},
		{"jwks_uri", s.url(p.certs)},
		{"response_types_supported", []string{"code"}},
		{"response_modes_supported", []string{"query"}},
		{"grant_types_supported", discoveryGrants},
		{"subject_types_supported", []string{"public"}},
		{"id_token_signing_alg_values_supported", []string{"RS256"}},
		{"scopes_supported", []string{"openid", "profile", "email", "offline_access", ScopeTestAPI, ScopeRead, ScopeAdmin}},
		// Real Okta lists the JWT methods without
		// token_endpoint_auth_signing_alg_values_supported (RFC 8414 §2
		// wants it beside them): so does this shape.
		{"token_endpoint_auth_methods_supported", []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"}},
		{"claims_supported", []string{"iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce", "name", "email", "preferred_username", "at_hash"}},
		{"code_challenge_methods_supported", []string{"S256"}},
		{"introspection_endpoint", s.url(p.introspect)},
		{"introspection_endpoint_auth_methods_supported", []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"}},
		{"revocation_endpoint", s.url(p.revoke)},
		{"revocation_endpoint_auth_methods_supported", []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"}},
		{"end_session_endpoint", s.url(p.logout)},
		{"request_parameter_supported", false},
		{"device_authorization_endpoint", s.DeviceAuthorizationEndpoint()},
	}
}

// keycloakDiscovery follows keycloak/openid-configuration.json.
func (s *Server) keycloakDiscovery() orderedJSON {
	p := s.paths()
	return orderedJSON{
		{"issuer", s.issuer},
		{"authorization_endpoint", s.url(p.auth)},
		{"token_endpoint", s.url(p.token)},
		{"introspection_endpoint", s.url(p.introspect)},
		{"userinfo_endpoint", s.url(p.userinfo)},
		{"end_session_endpoint", s.url(p.logout)},
		{"jwks_uri", s.url(p.certs)},
		{"grant_types_supported", discoveryGrants},
		{"response_types_supported", []string{"code"}},
		{"subject_types_supported", []string{"public"}},
		{"id_token_signing_alg_values_supported", []string{"RS256"}},
		{"userinfo_signing_alg_values_supported", []string{"none"}},
		{"response_modes_supported", []string{"query"}},
		{"token_endpoint_auth_methods_supported", []string{"private_key_jwt", "client_secret_basic", "client_secret_post", "client_secret_jwt"}},
		{"token_endpoint_auth_signing_alg_values_supported", signingAlgs},
		{"introspection_endpoint_auth_methods_supported", []string{"private_key_jwt", "client_secret_basic", "client_secret_post", "client_secret_jwt"}},
		{"introspection_endpoint_auth_signing_alg_values_supported", signingAlgs},
		{"claims_supported", []string{"aud", "sub", "iss", "auth_time", "name", "given_name", "family_name", "preferred_username", "email", "acr"}},
		{"scopes_supported", []string{"openid", "profile", "email", "offline_access", ScopeTestAPI, ScopeRead, ScopeAdmin}},
		// Keycloak advertises plain too (SOURCES.md "PKCE"); RFC 9700
		// §2.1.1 says clients should use S256.
		{"code_challenge_methods_supported", []string{"plain", "S256"}},
		{"revocation_endpoint", s.url(p.revoke)},
		{"revocation_endpoint_auth_methods_supported", []string{"private_key_jwt", "client_secret_basic", "client_secret_post", "client_secret_jwt"}},
		{"revocation_endpoint_auth_signing_alg_values_supported", signingAlgs},
		{"device_authorization_endpoint", s.DeviceAuthorizationEndpoint()},
		{"authorization_response_iss_parameter_supported", true},
	}
}
