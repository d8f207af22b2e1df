// Package sarifschema compiles the official SARIF 2.1.0 JSON schema
// (testdata/sarif-schema-2.1.0.json) offline, for the tests that validate
// the tool's SARIF output.
package sarifschema

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// noNetwork refuses every URL the compiler did not get by AddResource:
// nothing is ever fetched.
type noNetwork struct{}

func (noNetwork) Load(url string) (any, error) { return nil, errors.New("refusing to load " + url) }

var (
	once   sync.Once
	schema *jsonschema.Schema
	err    error
)

// Path is the schema file in the repository's testdata.
func Path() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..", "testdata", "sarif-schema-2.1.0.json")
}

// Schema compiles the schema once per process, registered under its own id.
func Schema() (*jsonschema.Schema, error) {
	once.Do(func() {
		var f *os.File
		if f, err = os.Open(Path()); err != nil {
			return
		}
		defer f.Close() //nolint:errcheck // opened read-only
		var doc any
		if doc, err = jsonschema.UnmarshalJSON(f); err != nil {
			return
		}
		m, _ := doc.(map[string]any)
		id, _ := m["id"].(string)
		if id == "" {
			err = errors.New("schema has no id")
			return
		}
		c := jsonschema.NewCompiler()
		c.UseLoader(noNetwork{})
		c.AssertFormat()
		if err = c.AddResource(id, doc); err != nil {
			return
		}
		schema, err = c.Compile(id)
	})
	return schema, err
}

// Validate checks a SARIF document against the schema.
func Validate(data []byte) error {
	sch, err := Schema()
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
