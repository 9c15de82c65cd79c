// rp.mjs: a relying party written with the third-party library openid-client
// (not our code) does OIDC discovery and the client credentials grant
// (RFC 6749 §4.4) against the issuer it is given, once with
// client_secret_basic and once with client_secret_post, and prints one JSON
// line the Go test asserts on. Usage: node rp.mjs ISSUER CLIENT_ID SCOPE
// with the client secret in the RP_CLIENT_SECRET environment variable (never
// on the command line).
//
// node rp.mjs jwt ISSUER PK_CLIENT HS_CLIENT SCOPE does the grant with JWT
// client authentication instead (RFC 7523 §2.2): private_key_jwt as
// PK_CLIENT with the private JWK in RP_JWT_KEY, client_secret_jwt as
// HS_CLIENT with RP_HS_SECRET, then the assertions a server must refuse
// (another key, iss != sub, a foreign aud, expired, a replayed jti), each
// bent with openid-client's own modifyAssertion hook. It prints one JSON
// line: each case's outcome, a token's claims or the server's error.
//
// Device mode (RFC 8628): node rp.mjs device ISSUER CLIENT_ID SCOPE — a
// public client asks for a device code with openid-client, the user's
// answer is posted to the server's own verification page (as a person's
// browser would: RP_DEVICE_USER, default alice/alice; RP_DEVICE_CONSENT
// allow or deny), then openid-client polls for the tokens at the interval
// the server gave. One JSON line: the codes and the tokens' claims, or the
// error the poll ended with.
import * as client from 'openid-client'

if (process.argv[2] === 'jwt') {
  await jwtCases(...process.argv.slice(3))
  process.exit(0)
}
if (process.argv[2] === 'device') {
  await device(...process.argv.slice(3))
  process.exit(0)
}

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

async function importJWK(json) {
  const jwk = JSON.parse(json)
  const alg = jwk.kty === 'EC' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  const key = await crypto.subtle.importKey('jwk', jwk, alg, false, ['sign'])
  return { key, kid: jwk.kid }
}

async function jwtCases(issuer, pkClient, hsClient, scope) {
  const key = await importJWK(process.env.RP_JWT_KEY)
  const other = await importJWK(process.env.RP_OTHER_KEY)
  // another key that claims the registered key's kid
  other.kid = key.kid
  const opts = { execute: [client.allowInsecureRequests] }
  const meta = (await client.discovery(new URL(issuer), pkClient, undefined, client.None(), opts)).serverMetadata()
  const tokenEndpoint = meta.token_endpoint
  const bend = (f) => ({ [client.modifyAssertion]: (header, payload) => f(payload) })
  const toTokenEndpoint = (p) => { p.aud = tokenEndpoint }
  const now = Math.floor(Date.now() / 1000)

  async function grant(id, auth) {
    try {
      const config = await client.discovery(new URL(issuer), id, undefined, auth, opts)
      const tokens = await client.clientCredentialsGrant(config, scope ? { scope } : {})
      return { ok: true, token_type: tokens.token_type, claims: JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString()) }
    } catch (err) {
      return { ok: false, status: err.status, error: err.error ?? err.code, error_description: err.error_description ?? err.message }
    }
  }

  const out = { token_endpoint: tokenEndpoint, cases: {} }
  // openid-client's own assertion: aud = the issuer (oauth4webapi)
  out.cases.default = await grant(pkClient, client.PrivateKeyJwt(key))
  out.cases.aud_token_endpoint = await grant(pkClient, client.PrivateKeyJwt(key, bend(toTokenEndpoint)))
  out.cases.client_secret_jwt = await grant(hsClient, client.ClientSecretJwt(process.env.RP_HS_SECRET, bend(toTokenEndpoint)))
  out.cases.wrong_key = await grant(pkClient, client.PrivateKeyJwt(other, bend(toTokenEndpoint)))
  out.cases.iss_not_sub = await grant(pkClient, client.PrivateKeyJwt(key, bend((p) => { toTokenEndpoint(p); p.iss = 'someone-else' })))
  out.cases.wrong_aud = await grant(pkClient, client.PrivateKeyJwt(key, bend((p) => { p.aud = 'https://elsewhere.example/token' })))
  out.cases.expired = await grant(pkClient, client.PrivateKeyJwt(key, bend((p) => {
    toTokenEndpoint(p); p.iat = now - 120; p.nbf = now - 120; p.exp = now - 60
  })))
  const fixedJti = bend((p) => { toTokenEndpoint(p); p.jti = 'replayed-' + now })
  out.cases.first_use = await grant(pkClient, client.PrivateKeyJwt(key, fixedJti))
  out.cases.replayed = await grant(pkClient, client.PrivateKeyJwt(key, fixedJti))
  console.log(JSON.stringify(out))
}

async function device(issuer, clientId, scope) {
  if (!issuer || !clientId) {
    console.error('usage: node rp.mjs device ISSUER CLIENT_ID [SCOPE]')
    process.exit(2)
  }
  const user = process.env.RP_DEVICE_USER || 'alice'
  const consent = process.env.RP_DEVICE_CONSENT || 'allow'
  try {
    const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    })
    const da = await client.initiateDeviceAuthorization(config, scope ? { scope } : {})
    // The person: the verification page opened (its cookie and its form's
    // anti-forgery value kept), the code typed, signed in, the answer.
    const shown = await fetch(da.verification_uri)
    const cookie = shown.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    const csrf = ((await shown.text()).match(/name="csrf_token" value="([^"]*)"/) || [])[1] || ''
    const form = new URLSearchParams({ csrf_token: csrf, device_user_code: da.user_code, username: user, password: user, consent })
    const page = await fetch(da.verification_uri, { method: 'POST', body: form, headers: { cookie } })
    const out = {
      device_authorization_endpoint: config.serverMetadata().device_authorization_endpoint,
      user_code: da.user_code, verification_uri: da.verification_uri,
      verification_uri_complete: da.verification_uri_complete, expires_in: da.expires_in, interval: da.interval,
      page_status: page.status,
    }
    try {
      const tokens = await client.pollDeviceAuthorizationGrant(config, da)
      out.token_type = tokens.token_type
      out.scope = tokens.scope
      out.refresh_token = Boolean(tokens.refresh_token)
      out.access_claims = claims(tokens.access_token)
      out.id_claims = tokens.id_token ? tokens.claims() : null
    } catch (err) {
      out.error = err.error ?? err.code ?? err.name
      out.error_description = err.error_description ?? err.message
    }
    console.log(JSON.stringify(out))
  } catch (err) {
    console.error(`openid-client: ${err.name}: ${err.message}${err.code ? ' (' + err.code + ')' : ''}`)
    if (err.error) console.error(`server error: ${err.error} ${err.error_description ?? ''}`)
    process.exit(1)
  }
}
