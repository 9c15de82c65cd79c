// Package oauth speaks OAuth 2.0 and OpenID Connect on the client side and
// knows nothing of any user interface.
//
// Every protocol call returns what went over the wire ([Exchange]) together
// with its result, so a terminal UI, a headless command or a test can show the
// very same request and response. Secrets travel as [Secret], which prints
// redacted unless revealed on purpose.
package oauth
