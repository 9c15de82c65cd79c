package oauth_test

import (
	"fmt"
	"net/http"

	"github.com/oauthlab/oauthlab/oauth"
)

func ExampleParseBearerChallenge() {
	c := oauth.ParseBearerChallenge(`Bearer realm="fakebook", error="insufficient_scope", scope="fakebookapi.admin"`)
	fmt.Println(c.Realm, c.Error, c.Scope)
	// Output: fakebook insufficient_scope fakebookapi.admin
}

func ExampleChooseAuthMethod() {
	// Keycloak advertises several methods; without a choice, basic wins.
	fmt.Println(oauth.ChooseAuthMethod("", []string{"private_key_jwt", "client_secret_basic", "client_secret_post"}))
	fmt.Println(oauth.ChooseAuthMethod("post", nil))
	// Output:
	// client_secret_basic
	// client_secret_post
}

func ExampleError_Explained() {
	e := oauth.Explain(&oauth.Error{Op: "token", Status: 401, Code: "unauthorized_client",
		Description: "Client not enabled to retrieve service account",
		What:        "this Keycloak client may not use the client credentials grant (HTTP 401)",
		Cause:       "\"Service accounts roles\" is off for the client",
		Try:         "turn on Service accounts roles"})
	fmt.Println(e.Explained())
	// Output:
	// token: this Keycloak client may not use the client credentials grant (HTTP 401) (unauthorized_client: Client not enabled to retrieve service account)
	// Likely cause: "Service accounts roles" is off for the client
	// Try: turn on Service accounts roles
}

func ExampleExchange_Curl() {
	ex := oauth.Exchange{Method: "POST", URL: "http://127.0.0.1:8080/realms/myorg/protocol/openid-connect/token",
		RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		RequestBody:   []byte("grant_type=client_credentials&client_id=test_api_client&client_secret=test_api_secret&scope=test_api_access")}
	fmt.Println(ex.Curl())
	// Output:
	// curl -sS 'http://127.0.0.1:8080/realms/myorg/protocol/openid-connect/token' \
	//   -H 'Content-Type: application/x-www-form-urlencoded' \
	//   --data-urlencode 'grant_type=client_credentials' \
	//   --data-urlencode 'client_id=test_api_client' \
	//   --data-urlencode "client_secret=$OAUTHLAB_CLIENT_SECRET" \
	//   --data-urlencode 'scope=test_api_access'
}

// Keycloak puts scopes in a space-separated "scope", Okta in an "scp"
// array, Entra ID in a space-separated "scp": Scopes reads all three.
func ExampleClaims_Scopes() {
	fmt.Println(oauth.Claims{"scope": "openid fakebookapi.read"}.Scopes())
	fmt.Println(oauth.Claims{"scp": []any{"fakebookapi.read", "fakebookapi.admin"}}.Scopes())
	fmt.Println(oauth.Claims{"scp": "User.Read"}.Scopes())
	// Output:
	// [openid fakebookapi.read]
	// [fakebookapi.read fakebookapi.admin]
	// [User.Read]
}
