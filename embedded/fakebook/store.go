package fakebook

import (
	"sort"
	"sync"
)

// Book is one book in FakeBook's catalogue.
type Book struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Author   string  `json:"author"`
	Cost     float64 `json:"cost"`
	NumPages int     `json:"num_pages"`
}

// store is the in-memory catalogue. One mutex guards the map, so N
// concurrent creates leave exactly N books: no lost updates.
type store struct {
	mu    sync.RWMutex
	books map[string]Book
}

func newStore(seed []Book) *store {
	s := &store{books: make(map[string]Book, len(seed))}
	for _, b := range seed {
		s.books[b.ID] = b
	}
	return s
}

func (s *store) list() []Book {
	s.mu.RLock()
	out := make([]Book, 0, len(s.books))
	for _, b := range s.books {
		out = append(out, b)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return lessID(out[i].ID, out[j].ID) })
	return out
}

// lessID orders numeric ids numerically ("2" before "10"), then the rest.
func lessID(a, b string) bool {
	if len(a) != len(b) && isDigits(a) && isDigits(b) {
		return len(a) < len(b)
	}
	return a < b
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func (s *store) get(id string) (Book, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.books[id]
	return b, ok
}

// create adds b unless its id is taken.
func (s *store) create(b Book) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.books[b.ID]; taken {
		return false
	}
	s.books[b.ID] = b
	return true
}

// put stores b, reporting whether it was new.
func (s *store) put(b Book) (created bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, existed := s.books[b.ID]
	s.books[b.ID] = b
	return !existed
}

func (s *store) delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.books[id]
	delete(s.books, id)
	return ok
}

func (s *store) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.books)
}

// Seed is the catalogue a fresh FakeBook starts with.
func Seed() []Book {
	return []Book{
		{ID: "1", Title: "And Then There Were None", Author: "Agatha Christie", Cost: 7.99, NumPages: 300},
		{ID: "2", Title: "The Hobbit", Author: "J. R. R. Tolkien", Cost: 9.99, NumPages: 310},
		{ID: "3", Title: "Pride and Prejudice", Author: "Jane Austen", Cost: 5.49, NumPages: 432},
		{ID: "4", Title: "Nineteen Eighty-Four", Author: "George Orwell", Cost: 8.99, NumPages: 328},
		{ID: "5", Title: "The Little Prince", Author: "Antoine de Saint-Exupéry", Cost: 6.5, NumPages: 96},
	}
}
