// Package authserver is oauthlab's in-process authorization server. It speaks
// OAuth 2.0 and OpenID Connect the way Keycloak or Okta does on the wire —
// same paths, same claims, same error texts, including where those servers
// depart from the RFCs — so what a learner sees here is what they will meet
// in the wild. The shapes come from testdata/fixtures (see SOURCES.md there).
//
// A file per endpoint or grant, in the shape of zitadel/oidc's pkg/op:
//
//	authorize.go                 the authorization endpoint (RFC 6749 §4.1.1): login, consent, code
//	forms.go                     the login form's defence against cross-site posts (login CSRF)
//	page.go                      the login and error pages
//	token.go                     the token endpoint's dispatch (RFC 6749 §3.2)
//	client_auth.go               client authentication (RFC 6749 §2.3.1)
//	scopes.go                    which scopes a token gets (RFC 6749 §3.3)
//	token_client_credentials.go  the client credentials grant (RFC 6749 §4.4)
//	token_code.go                the authorization code grant and PKCE (RFC 6749 §4.1.3, RFC 7636)
//	token_refresh.go             the refresh grant with rotation and reuse detection (RFC 6749 §6, RFC 9700 §4.14.2)
//	device.go                    the device authorization endpoint and codes (RFC 8628 §3.1–3.2)
//	token_device.go              the device_code grant's polling answers (RFC 8628 §3.4–3.5)
//	device_page.go               the user's verification page (RFC 8628 §3.3)
//	issue.go                     minting and recording tokens
//	claims_keycloak.go           Keycloak's claims and answers, member for member
//	claims_okta.go               Okta's claims and answers, member for member
//	introspection.go             RFC 7662
//	revocation.go                RFC 7009
//	userinfo.go                  OpenID Connect Core §5.3, RFC 6750 refusals
//	jwks.go, keys.go, jwt.go     the signing keys, their JWKS (RFC 7517) and JWS (RFC 7515)
//	discovery.go                 OpenID Connect Discovery and RFC 8414
//	errors.go                    one constructor per error code, .WithDescription
//	response.go                  writing answers and errors
//
// Package authservertest signs in on the login page as a browser does, for
// tests in other packages.
package authserver
