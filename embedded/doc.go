// Package embedded is oauthlab's in-process world: an authorization server
// shaped like Keycloak or Okta (embedded/authserver) and the FakeBook resource
// server (embedded/fakebook), started together on loopback listeners so a
// workshop needs no network. Both publish what they receive and decide on an
// events.Bus, which the TUI shows as "the server's side".
package embedded
