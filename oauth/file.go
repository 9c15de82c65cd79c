package oauth

import (
	"fmt"
	"io"
	"os"
)

// MaxSmallFile bounds what the workbench reads of a file the user names for
// a secret or a key (--secret-file, --client-key, a profile's secret_file
// or client_key_file): a secret is a line and a private key a few KB.
const MaxSmallFile = 64 << 10

// MaxConfigFile bounds a configuration file (the profiles file, serve's
// --clients): a few KB of JSON each.
const MaxConfigFile = 1 << 20

// ReadFileAtMost reads the file at path and fails, without reading
// further, when it holds more than limit bytes. A path given by mistake
// (/dev/zero, a FIFO nobody writes to the end, a disk image, a log) must
// not make a command read without end or hold gigabytes.
func ReadFileAtMost(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %s, more than such a file holds: is it the right file?", path, byteSize(limit))
	}
	return b, nil
}
