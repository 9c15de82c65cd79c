package validate_test

import (
	"fmt"

	"github.com/oauthlab/oauthlab/oauth/validate"
)

// Keycloak puts scopes in a space-separated "scope", Okta in an "scp"
// array, Entra ID in a space-separated "scp": Scopes reads all three.
func ExampleScopes() {
	fmt.Println(validate.Scopes(map[string]any{"scope": "openid fakebookapi.read"}))
	fmt.Println(validate.Scopes(map[string]any{"scp": []any{"fakebookapi.read", "fakebookapi.admin"}}))
	fmt.Println(validate.Scopes(map[string]any{"scp": "User.Read"}))
	// Output:
	// [openid fakebookapi.read]
	// [fakebookapi.read fakebookapi.admin]
	// [User.Read]
}
