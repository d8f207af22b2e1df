package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// files writes an executable and a document into a fresh folder, with
// arbitrary modes and times that must not reach the archive.
func files(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "eks-sg-lint")
	doc := filepath.Join(dir, "README.md")
	if err := os.WriteFile(bin, []byte("\x7fELF binary"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte("# readme\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(doc, old, old); err != nil {
		t.Fatal(err)
	}
	return []string{bin, doc} // unsorted on purpose
}

var commitTime = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

func TestTarGz(t *testing.T) {
	fs := files(t)
	a, err := archive("x.tar.gz", commitTime, fs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(fs[0], time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	b, err := archive("x.tar.gz", commitTime, []string{fs[1], fs[0]})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two archives of the same files differ (file order or times leaked in)")
	}
	gz, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header name %q time %v, want neither", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	want := []struct {
		name string
		mode int64
		body string
	}{{"README.md", 0o644, "# readme\n"}, {"eks-sg-lint", 0o755, "\x7fELF binary"}}
	for i := 0; ; i++ {
		h, err := tr.Next()
		if err == io.EOF {
			if i != len(want) {
				t.Errorf("%d entries, want %d", i, len(want))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Fatalf("unexpected entry %s", h.Name)
		}
		body, _ := io.ReadAll(tr)
		w := want[i]
		if h.Name != w.name || h.Mode != w.mode || string(body) != w.body || !h.ModTime.Equal(commitTime) ||
			h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || h.Typeflag != tar.TypeReg {
			t.Errorf("entry %d: %+v %q, want %s mode %o dated %v owned by 0:0", i, h, body, w.name, w.mode, commitTime)
		}
	}
}

func TestZip(t *testing.T) {
	fs := files(t)
	a, err := archive("x.zip", commitTime, fs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := archive("x.zip", commitTime, []string{fs[1], fs[0]})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two zips of the same files differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2 || zr.File[0].Name != "README.md" || zr.File[1].Name != "eks-sg-lint" {
		t.Fatalf("entries %v, want README.md then eks-sg-lint", zr.File)
	}
	for i, mode := range []os.FileMode{0o644, 0o755} {
		f := zr.File[i]
		if f.Mode() != mode || !f.Modified.Equal(commitTime) || f.Method != zip.Deflate {
			t.Errorf("%s: mode %v, modified %v, method %d; want %v, %v, deflate", f.Name, f.Mode(), f.Modified, f.Method, mode, commitTime)
		}
	}
}

func TestChecksums(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"b.zip": "b", "a.tar.gz": "a"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := checksums([]string{filepath.Join(dir, "b.zip"), filepath.Join(dir, "a.tar.gz")})
	if err != nil {
		t.Fatal(err)
	}
	// sha256("a") and sha256("b"), as sha256sum prints them.
	want := "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  a.tar.gz\n" +
		"3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.zip\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRejects(t *testing.T) {
	fs := files(t)
	if _, err := archive("x.tar", commitTime, fs); err == nil {
		t.Error("x.tar: want an error (only .tar.gz and .zip)")
	}
	if _, err := archive("x.zip", commitTime, []string{fs[0], fs[0]}); err == nil {
		t.Error("the same name twice: want an error")
	}
	if err := run([]string{"archive", "-o", filepath.Join(t.TempDir(), "x.zip"), fs[0]}); err == nil {
		t.Error("archive without -mtime: want an error")
	}
}
