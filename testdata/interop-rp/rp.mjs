// rp.mjs: a relying party written with the third-party library openid-client
// (not our code) does OIDC discovery and the client credentials grant
// (RFC 6749 §4.4) against the issuer it is given, once with
// client_secret_basic and once with client_secret_post, and prints one JSON
// line the Go test asserts on. Usage: node rp.mjs ISSUER CLIENT_ID SCOPE
// with the client secret in the RP_CLIENT_SECRET environment variable (never
// on the command line).
import * as client from 'openid-client'

const [issuer, clientId, scope] = process.argv.slice(2)
const secret = process.env.RP_CLIENT_SECRET
if (!issuer || !clientId || !secret) {
  console.error('usage: RP_CLIENT_SECRET=... node rp.mjs ISSUER CLIENT_ID [SCOPE]')
  process.exit(2)
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())
}

async function grant(auth) {
  // The embedded server listens on plain http://127.0.0.1 in tests, which
  // openid-client refuses unless told otherwise.
  const config = await client.discovery(new URL(issuer), clientId, undefined, auth, {
    execute: [client.allowInsecureRequests],
  })
  const params = scope ? { scope } : {}
  const tokens = await client.clientCredentialsGrant(config, params)
  return { metadata: config.serverMetadata(), tokens }
}

try {
  const basic = await grant(client.ClientSecretBasic(secret))
  const post = await grant(client.ClientSecretPost(secret))
  const out = {
    issuer: basic.metadata.issuer,
    token_endpoint: basic.metadata.token_endpoint,
    jwks_uri: basic.metadata.jwks_uri,
    basic: { token_type: basic.tokens.token_type, expires_in: basic.tokens.expires_in, scope: basic.tokens.scope, claims: claims(basic.tokens.access_token) },
    post: { token_type: post.tokens.token_type, expires_in: post.tokens.expires_in, scope: post.tokens.scope, claims: claims(post.tokens.access_token) },
  }
  console.log(JSON.stringify(out))
} catch (err) {
  console.error(`openid-client: ${err.name}: ${err.message}${err.code ? ' (' + err.code + ')' : ''}`)
  if (err.error) console.error(`server error: ${err.error} ${err.error_description ?? ''}`)
  process.exit(1)
}
