package oauth

import (
	"fmt"
	"strings"
)

// rule explains one error code, optionally only when the description
// contains a given text (lower case). Rules are tried in order, so the
// vendor-specific ones come before the generic one for the same code.
type rule struct {
	// op, when set, limits the rule to one step ("api": a resource server).
	op               string
	code, contains   string
	what, cause, try string
	// retry: sending the same request again may succeed.
	retry bool
}

// genericInvalidClient is what the catch-all invalid_client rule says;
// ClientConfig.explainRefusal says it again for a JWT client.
const genericInvalidClient = "the server could not authenticate the client"

// rules maps RFC 6749 §5.2 (token endpoint), §4.1.2.1 (authorization
// endpoint), RFC 6750 §3.1, RFC 7009 §2.2.1 and RFC 8707 codes to likely
// causes and fixes, including what Keycloak and Okta actually send.
var rules = []rule{
	// --- invalid_request ---
	{op: "api", code: "invalid_request",
		what:  "the API says the request is malformed",
		cause: "a field of the request is missing, repeated or has a bad value — the API's message says which (RFC 6750 §3.1 for the token's part)",
		try:   "fix the request as the API's message says; sending it again unchanged gets the same answer"},
	{code: "invalid_request", contains: "client not allowed",
		what:  "the server does not let this client introspect tokens",
		cause: "Keycloak refuses introspection by a public client (403 \"Client not allowed.\"); only confidential clients may introspect",
		try:   "introspect with a confidential client's id and secret, e.g. the resource server's own client"},
	{code: "invalid_request", contains: "unmatching clients",
		what:  "the token was issued to another client, so this client may not revoke it",
		cause: "Keycloak only lets the client a token was issued to revoke it (RFC 7009 §2.1)",
		try:   "revoke with the same client id that obtained the token"},
	{code: "invalid_request", contains: "duplicated parameter",
		what:  "a parameter was sent twice",
		cause: "the same form parameter appeared more than once (for example client_id in the body and in a query string)",
		try:   "send each parameter once"},
	{code: "invalid_request", contains: "grant_type",
		what:  "the request has no grant_type",
		cause: "the form body did not reach the server as application/x-www-form-urlencoded, or grant_type was left out",
		try:   "POST a form body with grant_type (RFC 6749 §4)"},
	{code: "invalid_request",
		what:  "the server says the request is malformed",
		cause: "a required parameter is missing, repeated or has a bad value (RFC 6749 §5.2)",
		try:   "read the error_description; compare the request body with the RFC section of this grant"},

	// --- invalid_client ---
	{code: "invalid_client", contains: "missing client_id",
		what:  "the server did not find a client id in the request",
		cause: "the client id was sent in a way the server does not accept (for example HTTP Basic to a client set up for client_secret_post), or not at all",
		try:   "switch the auth method (--auth basic or --auth post)"},
	{code: "invalid_client", contains: "no client credentials",
		what:  "Okta found no client credentials in the request",
		cause: "the client is set up for one authentication method and the request used another (or none)",
		try:   "use the app's Client authentication setting in Okta: --auth basic (Client secret) or --auth post; a public app must send no secret"},
	{code: "invalid_client", contains: "client secret supplied",
		what:  "Okta rejected the client secret",
		cause: "the secret is wrong, was rotated, or belongs to another app or org",
		try:   "copy the secret again from the app's General tab in the Okta admin console"},
	{code: "invalid_client", contains: "'client_id'",
		what:  "Okta does not know this client id",
		cause: "the client id is wrong, or the app lives in another Okta org (Okta answers with its errorCode envelope here, not RFC 6749 JSON)",
		try:   "copy the client id from the app's General tab, and check the Okta domain"},
	// JWT client authentication (RFC 7523 §3): Keycloak's
	// AbstractJWTClientValidator and Okta's "The client_assertion ..." texts.
	{code: "invalid_client", contains: "audience claim for client_assertion",
		what:  "Okta refused the client assertion's aud",
		cause: "Okta wants aud to be exactly the URL of the endpoint called (…/v1/token, …/v1/introspect), not the issuer",
		try:   "--assertion-aud endpoint (assertion_aud: \"endpoint\" in a profile; the okta preset sets it)"},
	{code: "invalid_client", contains: "audience",
		what:  "the server refused the client assertion's aud",
		cause: "Keycloak takes one aud: its realm issuer, token or introspection endpoint URL — not another server's, not several",
		try:   "leave --assertion-aud empty (the token endpoint) or give the issuer URL"},
	{code: "invalid_client", contains: "kid is invalid",
		what:  "Okta has no key with the kid of the client assertion",
		cause: "the public key registered for the app is another one, or has another kid",
		try:   "register the output of oauthlab jwk --client-key FILE under the app's Public keys (it carries the kid oauthlab signs with)"},
	{code: "invalid_client", contains: "unable to load public key",
		what:  "Keycloak found no key for the client assertion",
		cause: "no key is registered for the client, or none has the assertion's kid",
		try:   "import the output of oauthlab jwk --client-key FILE under Clients > the client > Keys (or serve it as the JWKS URL)"},
	{code: "invalid_client", contains: "algorithm",
		what:  "the server refused the client assertion's algorithm",
		cause: "the client is registered for another algorithm, or for the other JWT method (Keycloak: Credentials > Signature algorithm; HS256 is client_secret_jwt, RS256/ES256 private_key_jwt)",
		try:   "match --auth and the key to the client's registration"},
	{code: "invalid_client", contains: "signature",
		what:  "the client assertion's signature does not verify",
		cause: "it was signed with another key than the one registered for the client (private_key_jwt), or with another secret (client_secret_jwt)",
		try:   "register the public key oauthlab jwk --client-key FILE prints, or check the client secret"},
	{code: "unauthorized_client", contains: "signed jwt failed",
		what:  "Keycloak could not verify the client assertion signed with the client secret",
		cause: "the secret is not the client's, or the client is not set to \"Signed JWT with Client Secret\"",
		try:   "copy the secret from Clients > the client > Credentials, and check its Client Authenticator"},
	{code: "invalid_client", contains: "reuse",
		what:  "the server saw this client assertion before",
		cause: "its jti was already used: an assertion works once (RFC 7523 §3); oauthlab signs a new one per request, so a copy was sent again",
		try:   "send the request again: a new assertion is signed"},
	{code: "invalid_client", contains: "already been used",
		what:  "the server saw this client assertion before",
		cause: "its jti was already used: an assertion works once (RFC 7523 §3); oauthlab signs a new one per request, so a copy was sent again",
		try:   "send the request again: a new assertion is signed"},
	{code: "invalid_client", contains: "not active",
		what:  "the server says the client assertion is expired or not yet valid",
		cause: "this machine's clock and the server's disagree by more than Keycloak's 15 s of skew",
		try:   "check the clock (timedatectl, NTP), then send again"},
	{code: "invalid_client", contains: "expired",
		what:  "the server says the client assertion is expired",
		cause: "this machine's clock is behind the server's",
		try:   "check the clock (timedatectl, NTP), then send again"},
	{code: "invalid_client", contains: "issued",
		what:  "the server refused when the client assertion was issued",
		cause: "this machine's clock and the server's disagree (Keycloak takes an assertion issued at most 60 s ago, not in the future)",
		try:   "check the clock (timedatectl, NTP), then send again"},
	{code: "invalid_client", contains: "either the client or the client credentials are invalid",
		what:  "Okta did not authenticate the client",
		cause: "the app is set up for another client authentication method than the one used (Client secret vs Public key / Private key)",
		try:   "match --auth to the app's Client authentication setting in Okta"},
	{code: "invalid_client", contains: "invalid client or invalid client credentials",
		what:  "Keycloak does not know this client in this realm",
		cause: "a wrong client id, or the right client id in another realm (realm names are case-sensitive); Keycloak versions that answer invalid_client for a wrong secret (keycloak PR #49626) say the same for that",
		try:   "check the client id under Clients in the realm the issuer URL names, then the secret under Credentials"},
	{code: "invalid_client",
		what:  genericInvalidClient,
		cause: "a wrong client id or secret, or the wrong auth method (basic vs post) for this client (RFC 6749 §5.2)",
		try:   "check the secret, then try the other auth method (--auth basic or --auth post)"},

	// --- unauthorized_client ---
	{code: "unauthorized_client", contains: "invalid client or invalid client credentials",
		what:  "Keycloak rejected the client secret",
		cause: "Keycloak says unauthorized_client (not invalid_client) when the secret is wrong: the secret was regenerated, or belongs to another client or realm",
		try:   "copy the secret from Clients > the client > Credentials, and check the realm in the issuer URL"},
	{code: "unauthorized_client", contains: "not enabled to retrieve service account",
		what:  "this Keycloak client may not use the client credentials grant",
		cause: "\"Service accounts roles\" is off for the client",
		try:   "in Keycloak: Clients > the client > Settings > Capability config, turn on Service accounts roles"},
	{code: "unauthorized_client", contains: "public client not allowed",
		what:  "a public Keycloak client cannot use the client credentials grant",
		cause: "\"Client authentication\" is off, so the client has no secret and no service account",
		try:   "turn on Client authentication and Service accounts roles, then use the secret from the Credentials tab"},
	{code: "unauthorized_client", contains: "grant type",
		what:  "this client is not allowed to use this grant type",
		cause: "the grant type is not enabled for the app (Okta lists the configured ones in the message)",
		try:   "enable the grant type in the app's settings (Okta: General > Grant type)"},
	{code: "unauthorized_client",
		what:  "this client is not allowed to use this grant",
		cause: "the grant is not enabled for the client (RFC 6749 §5.2)",
		try:   "enable the grant for the client on the server"},

	// --- invalid_grant ---
	{code: "invalid_grant", contains: "pkce",
		what:  "the PKCE code_verifier did not match the code_challenge",
		cause: "a verifier from another attempt, a missing verifier, or a challenge sent without S256 (RFC 7636 §4.6)",
		try:   "start the login again so the verifier and challenge come from the same attempt"},
	{code: "invalid_grant", contains: "redirect_uri",
		what:  "the redirect_uri differs from the one in the authorization request",
		cause: "the token request must repeat the exact redirect_uri, port and path included (RFC 6749 §4.1.3)",
		try:   "use the same redirect URI in both requests"},
	{code: "invalid_grant", contains: "session not active",
		what:  "the login session behind this refresh token has ended",
		cause: "the session was logged out, expired or revoked (Keycloak)",
		try:   "log in again"},
	{code: "invalid_grant", contains: "refresh token",
		what:  "the refresh token is invalid or expired",
		cause: "it was revoked, already used (rotation), expired, or came from another client or realm",
		try:   "log in again to get a new refresh token"},
	{code: "invalid_grant", contains: "code",
		what:  "the authorization code is invalid, expired or already used",
		cause: "codes live about a minute and work once (RFC 6749 §4.1.2); a slow step or a replay spends it",
		try:   "start the login again and exchange the code at once"},
	{code: "invalid_grant",
		what:  "the server rejected the grant",
		cause: "the code, refresh token or credentials are invalid, expired, revoked, or were issued to another client (RFC 6749 §5.2)",
		try:   "start the flow again"},

	// --- invalid_scope ---
	{code: "invalid_scope", contains: "refresh token",
		what:  "the refresh asked for a scope the original login did not grant",
		cause: "a refresh may narrow the scope but never widen it (RFC 6749 §6)",
		try:   "refresh without a scope, or log in again asking for the wider scope"},
	{code: "invalid_scope", contains: "'openid'",
		what:  "Okta does not give openid to the client credentials grant",
		cause: "openid (and profile, email...) are about a user; a machine-to-machine token has none",
		try:   "ask only for your API's custom scopes, e.g. --scope test_api_access"},
	{code: "invalid_scope", contains: "default scopes",
		what:  "no scope was asked for and the authorization server has no default scope",
		cause: "Okta needs a scope in the request unless a scope is marked default",
		try:   "pass --scope with a scope defined on the authorization server (Security > API > the server > Scopes)"},
	{code: "invalid_scope", contains: "not configured",
		what:  "a requested scope does not exist on this authorization server",
		cause: "a typo in the scope, or a scope defined on another authorization server",
		try:   "check Security > API > the server > Scopes in Okta, and that the issuer names that server"},
	{code: "invalid_scope", contains: "invalid scopes",
		what:  "Keycloak does not give this client the requested scope",
		cause: "the client scope is not assigned to the client (as default or optional), or the name is misspelled",
		try:   "in Keycloak: Clients > the client > Client scopes > Add client scope, as Optional to request it explicitly"},
	{code: "invalid_scope",
		what:  "a requested scope is unknown or not allowed for this client",
		cause: "a typo, or a scope the client may not request (RFC 6749 §5.2)",
		try:   "compare the scope with the server's scopes_supported and the client's allowed scopes"},

	// --- other token endpoint codes ---
	{code: "unsupported_grant_type",
		what:  "the server does not support this grant type",
		cause: "the grant is unknown to the server or disabled (RFC 6749 §5.2)",
		try:   "check grant_types_supported in discovery"},
	{code: "invalid_target",
		what:  "the server does not know the requested resource",
		cause: "the resource parameter (RFC 8707 §2) names no API the server knows",
		try:   "use the resource URI exactly as registered, or leave --resource out"},
	{code: "unsupported_token_type",
		what:  "the server cannot introspect or revoke this kind of token",
		cause: "some servers handle only refresh or opaque tokens here, not structured JWT access tokens (RFC 7009 §2.2.1)",
		try:   "try the refresh token, or a token issued as opaque"},

	// --- device authorization grant polling (RFC 8628 §3.5) ---
	{code: "authorization_pending",
		what:  "the user has not finished signing in on the other device yet",
		cause: "the device code waits until the user enters the user code and approves (RFC 8628 §3.5)",
		try:   "keep polling at the interval the server gave, until the device code expires",
		retry: true},
	{code: "slow_down",
		what:  "the server asks to poll less often",
		cause: "the token endpoint was polled faster than the interval it gave (RFC 8628 §3.5)",
		try:   "add 5 seconds to the polling interval, as RFC 8628 §3.5 says, and keep polling",
		retry: true},
	{code: "expired_token",
		what:  "the device code expired before the user finished signing in",
		cause: "a device code lives expires_in seconds (RFC 8628 §3.5); the user did not approve in time",
		try:   "start the device flow again and enter the new user code sooner"},

	// --- authorization endpoint (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6) ---
	{code: "access_denied",
		what:  "the login was cancelled or refused",
		cause: "the user pressed cancel or refused consent, or a server policy denied access",
		try:   "start the login again and accept the consent; ask an admin if a policy blocks this user"},
	{code: "invalid_request_uri", what: "the server rejected the request_uri", cause: "it is unknown or expired", try: "start the login again"},
	{code: "unsupported_response_type",
		what:  "the server does not allow this response_type for this client",
		cause: "the authorization code flow is not enabled for the client (Keycloak: Standard flow; Okta: Authorization Code)",
		try:   "enable the authorization code flow for the client"},
	{code: "login_required", what: "the server needs the user to log in", cause: "prompt=none was sent without a session", try: "log in without prompt=none"},
	{code: "consent_required", what: "the user has not consented yet", cause: "prompt=none was sent before consent was given", try: "log in without prompt=none"},
	{code: "interaction_required", what: "the server needs the user to interact", cause: "prompt=none was sent", try: "log in without prompt=none"},

	// --- resource server (RFC 6750 §3.1) and Keycloak revocation ---
	{code: "invalid_token", contains: "lightweight",
		what:  "Keycloak's userinfo endpoint refuses lightweight access tokens",
		cause: "since Keycloak 26.6.2 a lightweight access token (no user claims) cannot be used at userinfo",
		try:   "turn off \"Always use lightweight access token\" for the client, or read the claims from the ID token"},
	{code: "invalid_token",
		what:  "the access token was rejected",
		cause: "it is expired, revoked, malformed, or issued by another server or realm (RFC 6750 §3.1)",
		try:   "get a new token; decode it to check exp and iss"},
	{code: "insufficient_scope",
		what:  "the token lacks a scope this request needs",
		cause: "the token is valid but was issued without the scope (RFC 6750 §3.1)",
		try:   "get a token with the scope this request needs (the API's documentation says which, when its answer does not name it)"},

	// --- server side ---
	{code: "server_error", what: "the server failed", cause: "an internal error on the server (RFC 6749 §4.1.2.1)", try: "retry later; look at the server's log", retry: true},
	{code: "temporarily_unavailable", what: "the server is temporarily unavailable", cause: "overload or maintenance", try: "retry in a moment", retry: true},

	// --- vendor shapes that are not RFC 6749 codes ---
	{code: "realm does not exist",
		what:  "Keycloak has no realm with this name",
		cause: "a typo in the realm (names are case-sensitive) or a realm on another Keycloak",
		try:   "check the realm in the issuer URL: https://HOST/realms/REALM"},
	{code: "E0000007",
		what:  "Okta has no such authorization server",
		cause: "the authorization server id in the URL is wrong, or belongs to another org",
		try:   "use /oauth2/default or the id shown under Security > API > Authorization Servers"},
}

// explainCode fills What/Cause/Try from the rule for e.Code and
// e.Description. It reports whether a rule matched.
func explainCode(e *Error) bool {
	code := strings.ToLower(e.Code)
	desc := strings.ToLower(e.Description)
	for _, r := range rules {
		if strings.ToLower(r.code) != code || (r.op != "" && r.op != e.Op) {
			continue
		}
		if r.contains != "" && !strings.Contains(desc, r.contains) {
			continue
		}
		e.What, e.Cause, e.Try, e.Retry = r.what, r.cause, r.try, r.retry
		if e.Status != 0 && e.Status != 200 {
			e.What += fmt.Sprintf(" (HTTP %d)", e.Status)
		}
		return true
	}
	return false
}
