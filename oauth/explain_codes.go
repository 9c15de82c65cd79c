package oauth

import (
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/oauthlab/oauthlab/internal/textdoc"
)

// explanations is the catalogue of what oauthlab says about a refusal: the
// error codes of RFC 6749 §5.2 (token endpoint), §4.1.2.1 (authorization
// endpoint), RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 8628 §3.5 and RFC 8707,
// with what Keycloak and Okta actually send, then the HTTP statuses. It is
// a document for the person who edits the texts; its introduction says the
// format.
//
//go:embed explanations.md
var explanations []byte

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

// statusCause is what a status likely means and what to try; retry when
// the same request may work later.
type statusCause struct {
	cause, try string
	retry      bool
}

// catalogue is explanations.md as the program uses it.
type catalogue struct {
	// rules are tried in order.
	rules []rule
	// statuses are the causes of the refusals a learner meets most, by
	// status ("401"; RFC 9110 §15), and "5xx" of every server failure;
	// "api: 404" is a status limited to one step (statusKey).
	statuses map[string]statusCause
}

// explained is read from explanations once: a malformed document stops
// the program as it starts, as template.Must does.
var explained = mustCatalogue(explanations)

// genericInvalidClient is what the catch-all invalid_client rule says;
// ClientConfig.explainRefusal says it again for a JWT client.
var genericInvalidClient = explained.catchAll("invalid_client").what

func mustCatalogue(doc []byte) *catalogue {
	c, err := parseCatalogue(doc)
	if err != nil {
		panic("oauth: explanations.md: " + err.Error())
	}
	return c
}

// catalogueDoc is the form of explanations.md: an entry's heading names a
// code or a status.
var catalogueDoc = textdoc.Schema{Level: 3, Required: []string{"Cause", "Try"}, Optional: []string{"What", "Retry"}}

// parseCatalogue reads the rules for codes and the causes of statuses from
// doc, refusing an entry that is malformed, incomplete or never used.
func parseCatalogue(doc []byte) (*catalogue, error) {
	entries, err := catalogueDoc.Parse(doc)
	if err != nil {
		return nil, err
	}
	c := &catalogue{statuses: map[string]statusCause{}}
	for _, e := range entries {
		if err := c.add(e); err != nil {
			return nil, fmt.Errorf("%s (line %d): %w", e.Name, e.Line, err)
		}
	}
	if _, ok := c.statuses["5xx"]; !ok {
		return nil, errors.New("no entry HTTP 5xx")
	}
	return c, nil
}

func (c *catalogue) add(e textdoc.Entry) error {
	f := e.Fields
	if f["Retry"] != "" && f["Retry"] != "yes" {
		return fmt.Errorf("retry %q: write Retry: yes, or leave the field out", f["Retry"])
	}
	retry := f["Retry"] == "yes"
	if op, status, ok := statusHeading(e.Name); ok {
		switch {
		case !isStatusKey(status):
			return errors.New("not a status: want [op: ]HTTP and a 4xx status, or HTTP 5xx")
		case op != "" && (strings.ContainsFunc(op, func(r rune) bool { return r < 'a' || r > 'z' })):
			return errors.New(`not a status heading: want [op: ]HTTP and the status, op in lower case letters`)
		case f["What"] != "":
			return errors.New("a status has no What: the program says the status and the server's message")
		}
		c.statuses[statusKey(op, status)] = statusCause{cause: f["Cause"], try: f["Try"], retry: retry}
		return nil
	}
	r := rule{what: f["What"], cause: f["Cause"], try: f["Try"], retry: retry}
	var err error
	if r.op, r.code, r.contains, err = parseRuleHeading(e.Name); err != nil {
		return err
	}
	if r.what == "" {
		return errors.New("no What")
	}
	for _, earlier := range c.rules {
		if earlier.takesAll(r) {
			return fmt.Errorf("never used: %q, which stands before it, fits every answer it fits", ruleHeading(earlier))
		}
	}
	c.rules = append(c.rules, r)
	return nil
}

// statusHeading reads a status entry's heading, "HTTP 404" or, limited to
// one step, "api: HTTP 404"; ok is false for a rule's heading.
func statusHeading(h string) (op, status string, ok bool) {
	if before, after, found := strings.Cut(h, ": "); found && strings.HasPrefix(after, "HTTP ") {
		op, h = before, after
	}
	status, ok = strings.CutPrefix(h, "HTTP ")
	return op, status, ok
}

// statusKey is where catalogue.statuses keeps the status entry for op
// ("" for every step).
func statusKey(op, status string) string {
	if op == "" {
		return status
	}
	return op + ": " + status
}

// isStatusKey reports whether s is a 4xx status, written plainly, or 5xx.
func isStatusKey(s string) bool {
	n, err := strconv.Atoi(s)
	return s == "5xx" || err == nil && n >= 400 && n <= 499 && strconv.Itoa(n) == s
}

// takesAll reports whether a rule tried before b leaves b nothing.
func (a rule) takesAll(b rule) bool {
	return strings.EqualFold(a.code, b.code) && (a.op == "" || a.op == b.op) && strings.Contains(b.contains, a.contains)
}

// containsMark introduces a rule heading's description text.
const containsMark = `, description contains "`

// ruleHeading is how explanations.md names r: [op: ]code[, description
// contains "text"].
func ruleHeading(r rule) string {
	h := r.code
	if r.op != "" {
		h = r.op + ": " + h
	}
	if r.contains != "" {
		h += containsMark + r.contains + `"`
	}
	return h
}

// parseRuleHeading reads a rule's heading, which must be written as
// ruleHeading writes it.
func parseRuleHeading(h string) (op, code, contains string, err error) {
	rest, contains, _ := strings.Cut(h, containsMark)
	contains = strings.TrimSuffix(contains, `"`)
	code = rest
	if before, after, ok := strings.Cut(rest, ": "); ok {
		op, code = before, after
	}
	switch {
	case code == "" || strings.ContainsAny(code, `:,"`):
		return "", "", "", errors.New(`not a rule heading: want [op: ]code[, description contains "text"]`)
	case contains != strings.ToLower(contains):
		return "", "", "", errors.New("the description text has upper case, but descriptions are compared in lower case: it would never match")
	case ruleHeading(rule{op: op, code: code, contains: contains}) != h:
		return "", "", "", errors.New(`write it as [op: ]code[, description contains "text"]`)
	}
	return op, code, contains, nil
}

// catchAll is the rule for code with no description text and no op: the
// last one tried.
func (c *catalogue) catchAll(code string) rule {
	for _, r := range c.rules {
		if r.code == code && r.op == "" && r.contains == "" {
			return r
		}
	}
	panic("oauth: explanations.md has no catch-all entry " + code)
}

// explainCode fills What/Cause/Try from the rule for e.Code and
// e.Description. It reports whether a rule matched.
func explainCode(e *Error) bool {
	code := strings.ToLower(e.Code)
	desc := strings.ToLower(e.Description)
	for _, r := range explained.rules {
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
