package oauth

import (
	"html/template"
	"net/http"
)

// page is what the browser shows after the callback.
type page struct {
	status     int
	title, msg string
	ok         bool
}

func pageFor(err error) page {
	if err == nil {
		return page{status: http.StatusOK, ok: true, title: "Login complete",
			msg: "oauthlab received the authorization code. You can close this tab and go back to the terminal."}
	}
	e := Explain(err)
	msg := e.Error()
	if e.Try != "" {
		msg += " — " + e.Try
	}
	return page{status: http.StatusBadRequest, title: "Login failed", msg: msg}
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oauthlab: {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;line-height:1.5}
h1{font-size:1.4em}.ok{color:#1a7f37}.fail{color:#cf222e}</style></head>
<body><h1 class="{{if .OK}}ok{{else}}fail{{end}}">{{.Title}}</h1><p>{{.Msg}}</p></body></html>
`))

// writePage renders p; html/template escapes the server-provided text, so an
// error_description cannot inject markup.
func writePage(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, struct {
		Title, Msg string
		OK         bool
	}{p.title, p.msg, p.ok})
}
