package authserver

import (
	"fmt"
	"strings"
	"unicode"
)

// realmReserved are the characters Keycloak refuses in a realm name: RFC
// 3986 §2.2's reserved set and the backslash (its ReservedCharValidator),
// with % and the quote, which would make the issuer URL or the Basic
// challenge's realm="…" mean something else.
const realmReserved = `:/?#@!$&()*+,;=[]\%"`

// CheckRealm refuses a Keycloak realm name the server could not put in its
// issuer URL, …/realms/NAME, as Keycloak refuses it: a reserved character,
// a space, a control character or a bidi override.
func CheckRealm(name string) error {
	for _, r := range name {
		switch {
		case strings.ContainsRune(realmReserved, r):
			return fmt.Errorf("realm %q: a realm name is part of the issuer URL (…/realms/NAME), and Keycloak does not allow %q in it; use letters, digits, - or _", name, r)
		case unicode.IsSpace(r) || !unicode.IsPrint(r):
			return fmt.Errorf("realm %q: a realm name is part of the issuer URL (…/realms/NAME) and cannot hold a space or an invisible character (%U); use letters, digits, - or _", name, r)
		}
	}
	return nil
}
