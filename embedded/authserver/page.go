package authserver

import (
	"html/template"
	"net/http"
)

// pageHead opens the server-rendered pages (this login page, the device
// page): the title and one small inline style sheet — their CSP allows
// inline styles and nothing else — plus a page's own rules.
func pageHead(style string) string {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem} .box{border:1px solid #ccc;border-radius:8px;padding:1.2rem}
label{display:block;margin:.6rem 0 .2rem} input[type=text],input[type=password]{box-sizing:border-box;width:100%;padding:.4rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem} .err{color:#a00;font-weight:bold}
.demo{background:#f4f4f4;padding:.6rem;border-radius:6px;font-size:.9rem} code{font-size:.95rem}
` + style + `</style></head><body>
<h1>{{.Title}}</h1>
`
}

// demoUsersNote closes a page's form: who can sign in.
const demoUsersNote = `<p class="demo">Demo users of this embedded {{.Style}}-shaped server: <code>alice</code> / <code>alice</code> and <code>bob</code> / <code>bob</code>.</p>`

var pageTmpl = template.Must(template.New("page").Parse(pageHead("") + `{{if .Error}}<p class="err">{{.Error}}</p>{{if .Hint}}<p>{{.Hint}}</p>{{end}}{{end}}
{{if .Form}}<div class="box">
<p><b>{{.ClientID}}</b> asks for: {{range .Scopes}}<code>{{.}}</code> {{end}}</p>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit" name="consent" value="allow">Sign in and allow</button>
<button type="submit" name="consent" value="deny">Deny</button>
</form></div>
` + demoUsersNote + `
{{end}}
</body></html>`))

// pageData fills pageTmpl.
type pageData struct {
	Title, Error, Hint, ClientID, Action, Style string
	// CSRF is the form's anti-forgery value (forms.go).
	CSRF   string
	Scopes []string
	Hidden map[string]string
	Form   bool
}

// renderPage writes the login page (or an error page in its place).
func (s *Server) renderPage(w http.ResponseWriter, status int, d pageData) {
	d.Style = string(s.cfg.Style)
	// No form-action: browsers apply it to the redirect that follows the
	// form post, which goes to the client's (loopback) redirect URI.
	writePage(w, status, "", pageTmpl, d)
}

// writePage writes a server-rendered HTML page that may not be framed or
// cached, under a CSP that allows inline styles and nothing else, plus
// extraCSP's directives.
func writePage(w http.ResponseWriter, status int, extraCSP string, t *template.Template, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"+extraCSP)
	w.WriteHeader(status)
	_ = t.Execute(w, data)
}

// handleLogout is the end-session endpoint: it only shows a page.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	s.publish(r, "", 200, "logout page")
	s.renderPage(w, 200, pageData{Title: "You are signed out"})
}
