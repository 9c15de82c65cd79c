package plain

import (
	"encoding/json"
	"io"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/view"
)

// Document is the --json output: stable, documented in docs/json.md.
type Document struct {
	Flow  string `json:"flow"`
	OK    bool   `json:"ok"`
	Steps []Step `json:"steps"`
}

// Step is one step's result.
type Step struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	RFC       string         `json:"rfc,omitempty"`
	OK        bool           `json:"ok"`
	Exchanges []Exchange     `json:"exchanges"`
	Outputs   map[string]any `json:"outputs,omitempty"`
	Tokens    []Token        `json:"tokens,omitempty"`
	Checks    []oauth.Check  `json:"checks,omitempty"`
	Error     *oauth.Error   `json:"error,omitempty"`
}

// Exchange is one HTTP exchange, bodies as text, secrets redacted unless revealed.
type Exchange struct {
	Method         string              `json:"method"`
	URL            string              `json:"url"`
	Status         int                 `json:"status"`
	DurationMS     int64               `json:"duration_ms"`
	RequestHeader  map[string][]string `json:"request_headers,omitempty"`
	RequestBody    string              `json:"request_body,omitempty"`
	ResponseHeader map[string][]string `json:"response_headers,omitempty"`
	ResponseBody   string              `json:"response_body,omitempty"`
	Error          string              `json:"transport_error,omitempty"`
	Curl           string              `json:"curl"`
}

// Token is a token decoded and checked.
type Token struct {
	Name    string          `json:"name"`
	Raw     string          `json:"raw,omitempty"`
	Header  json.RawMessage `json:"header,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
	Valid   bool            `json:"valid"`
	// Verdict is Valid in one line: "✓ valid, issued by …" or "✗ not
	// valid: signature, exp".
	Verdict string        `json:"verdict"`
	Checks  []oauth.Check `json:"checks,omitempty"`
	// HeaderExplained and ClaimsExplained say what each header parameter
	// and claim means, in the order the issuer wrote them.
	HeaderExplained []ClaimDoc `json:"header_explained,omitempty"`
	ClaimsExplained []ClaimDoc `json:"claims_explained,omitempty"`
}

// NewDocument builds the document of a flow's results: steps are the
// steps of f that ran. Its ok is flows.Passed: a run that stopped before
// its last step (cancelled between two steps) is not ok, whatever the
// steps that ran said.
func NewDocument(f flows.Flow, steps []flows.Step, results []flows.Result, o Options) Document {
	d := Document{Flow: f.ID, OK: flows.Passed(f, results), Steps: []Step{}}
	for i, r := range results {
		v := o.view(steps[i], r)
		d.Steps = append(d.Steps, newStep(v))
	}
	return d
}

func newStep(v view.Step) Step {
	s := Step{ID: v.ID, Title: v.Title, RFC: v.RFC, OK: !v.Failed, Exchanges: []Exchange{}, Checks: v.Checks, Error: v.Err}
	for _, ex := range v.Exchanges {
		x := ex.Shown
		s.Exchanges = append(s.Exchanges, Exchange{Method: x.Method, URL: x.URL, Status: x.Status,
			DurationMS: x.Duration.Milliseconds(), RequestHeader: x.RequestHeader, RequestBody: string(x.RequestBody),
			ResponseHeader: x.ResponseHeader, ResponseBody: string(x.ResponseBody), Error: x.Err, Curl: ex.Curl})
	}
	if len(v.Outputs) > 0 {
		s.Outputs = map[string]any{}
		for _, out := range v.Outputs {
			s.Outputs[out.Name] = out.Value
		}
	}
	for _, t := range v.Tokens {
		jt := Token{Name: t.Name, Valid: !t.Failed, Verdict: t.Verdict, Checks: t.Checks}
		if !t.Hidden {
			jt.Raw = t.Raw
		}
		if t.JWT != nil {
			jt.Header, jt.Payload = t.JWT.HeaderJSON, t.JWT.PayloadJSON
			jt.HeaderExplained, jt.ClaimsExplained = claimDocs(t.JWT.HeaderDocs), claimDocs(t.JWT.ClaimDocs)
		}
		s.Tokens = append(s.Tokens, jt)
	}
	return s
}

// JSON writes the document, indented.
func JSON(w io.Writer, d Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}
