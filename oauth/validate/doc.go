// Package validate checks access tokens the way a resource server must
// (RFC 9068, RFC 7519 §7.2, RFC 8725) and explains every check in plain
// words: a Report, not only a verdict. Validator checks JWTs locally
// against the issuer's published keys; Introspector asks the
// authorization server instead (RFC 7662), so a revoked token is refused
// at once.
package validate
