// Package fakebook is FakeBook, the small book API that shows scopes at
// work: a read token lists books, only an admin token adds one, and a bad
// token is refused with the reason (RFC 6750 §3). It validates tokens with
// oauth/validate, against the embedded authorization server or any issuer.
package fakebook

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/internal/httpguard"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// The scopes FakeBook's routes require.
const (
	ScopeRead   = "fakebookapi.read"
	ScopeAdmin  = "fakebookapi.admin"
	ScopeScoped = "test_api_access" // /api/private-scoped, as in the classic tutorial
)

// Config configures a Server.
type Config struct {
	// Validator checks bearer tokens (local JWT validation or introspection).
	Validator validate.TokenValidator
	// Events receives one event per request; nil discards.
	Events *events.Bus
	// Name is the server its events name; "" means "fakebook". A lab's
	// weakened FakeBook says so on every event.
	Name string
	// Realm names the protection space in WWW-Authenticate; "" means "fakebook".
	Realm string
	// Books seeds the catalogue; nil means Seed().
	Books []Book
	// MaxBooks bounds the catalogue; 0 means DefaultMaxBooks. A POST or a
	// PUT of a new book beyond it is refused with 409 catalogue_full.
	MaxBooks int
	// BodyTimeout is how long a request body may take to arrive once the
	// headers are in (0: 10 s, as the authorization server): a client that
	// drips a book a byte at a time is refused instead of holding a
	// connection open.
	BodyTimeout time.Duration
}

// Server is a FakeBook instance with its own in-memory catalogue.
type Server struct {
	cfg     Config
	store   *store
	mux     *http.ServeMux
	handler http.Handler
	details detailLines // the lines last written for the events' details
}

// New returns a FakeBook server.
func New(cfg Config) *Server {
	if cfg.Realm == "" {
		cfg.Realm = "fakebook"
	}
	if cfg.MaxBooks <= 0 {
		cfg.MaxBooks = DefaultMaxBooks
	}
	seed := cfg.Books
	if seed == nil {
		seed = Seed()
	}
	s := &Server{cfg: cfg, store: newStore(seed, cfg.MaxBooks), mux: http.NewServeMux()}
	s.routes()
	s.handler = httpguard.BodyDeadline(s.mux, cfg.BodyTimeout)
	return s
}

// Handler returns FakeBook's handler: its own ServeMux, behind the request
// body's read deadline.
func (s *Server) Handler() http.Handler { return s.handler }

// Len returns how many books the catalogue holds.
func (s *Server) Len() int { return s.store.len() }

func (s *Server) routes() {
	s.handle("GET /books", ScopeRead, s.listBooks)
	s.handle("POST /books", ScopeAdmin, s.createBook)
	s.handle("GET /books/{id}", ScopeRead, s.getBook)
	s.handle("PUT /books/{id}", ScopeAdmin, s.putBook)
	s.handle("DELETE /books/{id}", ScopeAdmin, s.deleteBook)
	s.handle("GET /api/public", "", s.public)
	s.handle("GET /api/private", anyToken, s.private)
	s.handle("GET /api/private-scoped", ScopeScoped, s.privateScoped)
	// Any other method on a known path: 405 with Allow (RFC 9110 §15.5.6),
	// as JSON like every other error.
	for path, allow := range map[string]string{
		"/books": "GET, HEAD, POST", "/books/{id}": "GET, HEAD, PUT, DELETE",
		"/api/public": "GET, HEAD", "/api/private": "GET, HEAD", "/api/private-scoped": "GET, HEAD",
	} {
		s.handle(path, "", methodNotAllowed(allow))
	}
	s.handle("/", "", s.notFound)
}

func methodNotAllowed(allow string) func(*exchange) {
	return func(x *exchange) {
		x.w.Header().Set("Allow", allow)
		x.fail(http.StatusMethodNotAllowed, "method_not_allowed", x.r.Method+" is not allowed here; use "+allow, "")
	}
}

// anyToken marks a route that needs a valid token but no scope.
const anyToken = "\x00any"

func (s *Server) listBooks(x *exchange) {
	body, n := s.store.listJSON()
	x.code, x.decision = http.StatusOK, "listed "+strconv.Itoa(n)+" books"
	x.w.Header().Set("Content-Type", "application/json")
	x.w.Header().Set("Cache-Control", "no-store")
	x.w.WriteHeader(http.StatusOK)
	_, _ = x.w.Write(body)
}

func (s *Server) getBook(x *exchange) {
	id, ok := x.bookID()
	if !ok {
		return
	}
	b, ok := s.store.get(id)
	if !ok {
		x.fail(http.StatusNotFound, "not_found", fmt.Sprintf("no book with id %d", id), "")
		return
	}
	x.json(http.StatusOK, b, "returned book %d", id)
}

// bookID reads the {id} of the URL; one that is not a whole number names
// no book (404, as the tutorial's Flask route /books/<int:book_id>).
func (x *exchange) bookID() (int, bool) {
	raw := x.r.PathValue("id")
	id, ok := parseID(raw)
	if !ok {
		x.fail(http.StatusNotFound, "not_found", fmt.Sprintf("no book with id %q: ids are whole numbers from 1, e.g. /books/1", raw), "")
	}
	return id, ok
}

func (s *Server) createBook(x *exchange) {
	b, be := readBook(x.w, x.r)
	if be != nil {
		x.badBody(be)
		return
	}
	b, out := s.store.create(b)
	switch out {
	case idTaken:
		x.fail(http.StatusConflict, "conflict", fmt.Sprintf("a book with id %d already exists; PUT /books/%d replaces it", b.ID, b.ID), "id")
		return
	case full:
		x.full()
		return
	case noNextID:
		x.fail(http.StatusConflict, "conflict", fmt.Sprintf("no id follows the largest, %d; send a free id", MaxID), "id")
		return
	}
	x.w.Header().Set("Location", fmt.Sprintf("/books/%d", b.ID))
	x.json(http.StatusCreated, b, "created book %d", b.ID)
}

// full refuses a new book when the catalogue holds MaxBooks: 409, a
// conflict with the catalogue's state that a DELETE resolves (RFC 9110
// §15.5.10).
func (x *exchange) full() {
	x.fail(http.StatusConflict, CodeCatalogueFull, fmt.Sprintf("the catalogue is full (%d books, the most FakeBook keeps); DELETE /books/{id} to make room, or restart it to get the five books back", x.s.cfg.MaxBooks), "")
}

// CodeCatalogueFull is the error code of a POST or PUT refused because the
// catalogue holds Config.MaxBooks books.
const CodeCatalogueFull = "catalogue_full"

// putBook replaces or creates the book at the URL (RFC 9110 §9.3.4): 200
// when replaced, 201 when created.
func (s *Server) putBook(x *exchange) {
	id, ok := x.bookID()
	if !ok {
		return
	}
	b, be := readBook(x.w, x.r)
	if be != nil {
		x.badBody(be)
		return
	}
	// The body's id may be left out but must not disagree with the URL.
	if b.ID == 0 {
		b.ID = id
	}
	if b.ID != id {
		x.badBody(badRequest("id", fmt.Sprintf("id is %d in the body but %d in the URL", b.ID, id)))
		return
	}
	switch s.store.put(b) {
	case full:
		x.full()
	case created:
		x.w.Header().Set("Location", fmt.Sprintf("/books/%d", b.ID))
		x.json(http.StatusCreated, b, "created book %d", b.ID)
	default:
		x.json(http.StatusOK, b, "replaced book %d", b.ID)
	}
}

func (s *Server) deleteBook(x *exchange) {
	id, ok := x.bookID()
	if !ok {
		return
	}
	if !s.store.delete(id) {
		x.fail(http.StatusNotFound, "not_found", fmt.Sprintf("no book with id %d", id), "")
		return
	}
	x.status(http.StatusNoContent, fmt.Sprintf("deleted book %d", id))
}

func (s *Server) public(x *exchange) {
	x.json(http.StatusOK, map[string]string{"message": "Hello from a public endpoint! You don't need to be authenticated to see this."}, "public: no token needed")
}

func (s *Server) private(x *exchange) {
	x.json(http.StatusOK, map[string]string{"message": "Hello from a private endpoint! You need to be authenticated to see this."}, "private: token valid")
}

func (s *Server) privateScoped(x *exchange) {
	x.json(http.StatusOK, map[string]string{"message": "Hello from a private endpoint! You need to be authenticated and have a scope of " + ScopeScoped + " to see this."}, "private-scoped: token has "+ScopeScoped)
}

func (s *Server) notFound(x *exchange) {
	x.fail(http.StatusNotFound, "not_found", "no such route; try GET /books, /books/{id}, /api/public, /api/private, /api/private-scoped", "")
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
	Field       string `json:"field,omitempty"`
	Scope       string `json:"scope,omitempty"`
	Check       string `json:"failed_check,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
