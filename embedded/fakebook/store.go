package fakebook

import (
	"encoding/json"
	"sort"
	"sync"
)

// Book is one book in FakeBook's catalogue. Its id is a JSON integer, in
// and out, as in the tutorial's Flask FakeBook.
type Book struct {
	ID       int     `json:"id"`
	Title    string  `json:"title"`
	Author   string  `json:"author"`
	Cost     float64 `json:"cost"`
	NumPages int     `json:"num_pages"`
}

// DefaultMaxBooks bounds the catalogue: a room may POST in a loop, and
// every GET /books lists them all.
const DefaultMaxBooks = 1000

// store is the in-memory catalogue. One mutex guards the map, so N
// concurrent creates leave exactly N books: no lost updates.
type store struct {
	mu    sync.RWMutex
	books map[int]Book
	max   int
	// listing is GET /books' body for the books as they are, made on the
	// first listing after a change: a room lists far more than it writes.
	listing []byte
}

// outcome is what a create or put did.
type outcome int

const (
	created outcome = iota
	replaced
	idTaken
	full
	noNextID // the largest id is MaxID: a POST must name a free one
)

func newStore(seed []Book, max int) *store {
	s := &store{books: make(map[int]Book, len(seed)), max: max}
	for _, b := range seed {
		s.books[b.ID] = b
	}
	return s
}

// listJSON returns the catalogue as GET /books answers it (a JSON array
// sorted by id, newline-terminated as json.Encoder writes it) and how many
// books it holds. The bytes are shared: callers must not change them.
func (s *store) listJSON() ([]byte, int) {
	s.mu.RLock()
	b, n := s.listing, len(s.books)
	s.mu.RUnlock()
	if b != nil {
		return b, n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listing == nil {
		out := make([]Book, 0, len(s.books))
		for _, b := range s.books {
			out = append(out, b)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		enc, err := json.Marshal(out)
		if err != nil {
			return nil, 0 // Book always encodes; unreachable
		}
		s.listing = append(enc, '\n')
	}
	return s.listing, len(s.books)
}

func (s *store) get(id int) (Book, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.books[id]
	return b, ok
}

// create adds b unless its id is taken or the catalogue is full. An id of
// 0 is given the next one: one more than the largest (the tutorial's
// len(books)+1 would reuse an id after a DELETE).
func (s *store) create(b Book) (Book, outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.books) >= s.max {
		return b, full
	}
	if b.ID == 0 {
		for id := range s.books {
			b.ID = max(b.ID, id)
		}
		if b.ID++; b.ID > MaxID {
			return b, noNextID
		}
	}
	if _, taken := s.books[b.ID]; taken {
		return b, idTaken
	}
	s.set(b)
	return b, created
}

// put stores b, replacing the book with its id or adding it if the
// catalogue has room.
func (s *store) put(b Book) outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, existed := s.books[b.ID]; existed {
		s.set(b)
		return replaced
	}
	if len(s.books) >= s.max {
		return full
	}
	s.set(b)
	return created
}

// set stores b, and drops the listing it changes; s.mu is held. A refused
// write keeps the listing: a room POSTing to a full catalogue does not
// make every GET /books encode it again.
func (s *store) set(b Book) {
	s.books[b.ID] = b
	s.listing = nil
}

func (s *store) delete(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.books[id]; !ok {
		return false
	}
	delete(s.books, id)
	s.listing = nil // a deletion changes the listing
	return true
}

func (s *store) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.books)
}

// Seed is the catalogue a fresh FakeBook starts with: the five books of
// the tutorial's Flask FakeBook, with the same ids.
func Seed() []Book {
	return []Book{
		{ID: 1, Title: "And Then There Were None", Author: "Agatha Christie", Cost: 7.99, NumPages: 300},
		{ID: 2, Title: "A Study in Scarlet", Author: "Arthur Conan Doyle", Cost: 7.99, NumPages: 108},
		{ID: 3, Title: "The Day of the Jackal", Author: "Frederick Forsyth", Cost: 9.99, NumPages: 464},
		{ID: 4, Title: "The Wisdom of Father Brown", Author: "G.K. Chesterton", Cost: 7.99, NumPages: 136},
		{ID: 5, Title: "The Poet", Author: "Michael Connelly", Cost: 15.90, NumPages: 528},
	}
}
