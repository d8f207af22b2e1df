// Command relpack writes the release archives and the checksums file of
// scripts/release.sh, byte for byte the same on every machine (no tar, gzip
// or zip of the host, whose versions and defaults differ):
//
//	relpack archive -o NAME.tar.gz|NAME.zip -mtime UNIX FILE...
//	relpack checksums -o FILE ARCHIVE...
//
// An archive holds each FILE under its base name, entries sorted by name,
// every entry dated -mtime (the commit time), owned by uid/gid 0 with no
// user or group name, mode 0755 when the file is executable and 0644
// otherwise. The gzip header carries no name and no time. The checksums file
// has one `SHA256  NAME` line per archive, sorted by name, the format
// `sha256sum -c` and `shasum -a 256 -c` read.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "relpack:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: relpack archive|checksums -o OUT FILE ...; see the package comment")
	}
	fset := flag.NewFlagSet("relpack "+args[0], flag.ContinueOnError)
	out := fset.String("o", "", "output `file`")
	mtime := fset.Int64("mtime", -1, "time of every archive entry, in seconds since 1970 (UTC)")
	if err := fset.Parse(args[1:]); err != nil {
		return err
	}
	if *out == "" || fset.NArg() == 0 {
		return errors.New("-o and at least one file are required")
	}
	var data []byte
	var err error
	switch args[0] {
	case "archive":
		if *mtime < 0 {
			return errors.New("archive: -mtime is required")
		}
		data, err = archive(*out, time.Unix(*mtime, 0).UTC(), fset.Args())
	case "checksums":
		data, err = checksums(fset.Args())
	default:
		return fmt.Errorf("unknown command %q: want archive or checksums", args[0])
	}
	if err != nil {
		return err
	}
	return os.WriteFile(*out, data, 0o644)
}

type entry struct {
	name string
	mode int64
	data []byte
}

// readEntries reads files, named by base name and sorted.
func readEntries(files []string) ([]entry, error) {
	seen := map[string]bool{}
	var entries []entry
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", f)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(f)
		if seen[name] {
			return nil, fmt.Errorf("two files named %s", name)
		}
		seen[name] = true
		mode := int64(0o644)
		if info.Mode().Perm()&0o111 != 0 {
			mode = 0o755
		}
		entries = append(entries, entry{name: name, mode: mode, data: data})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	return entries, nil
}

func archive(out string, mtime time.Time, files []string) ([]byte, error) {
	entries, err := readEntries(files)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return nil, err
		}
		tw := tar.NewWriter(gz)
		for _, e := range entries {
			hdr := &tar.Header{
				Typeflag: tar.TypeReg,
				Name:     e.name,
				Mode:     e.mode,
				Size:     int64(len(e.data)),
				ModTime:  mtime,
				Format:   tar.FormatUSTAR,
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return nil, err
			}
			if _, err := tw.Write(e.data); err != nil {
				return nil, err
			}
		}
		if err := tw.Close(); err != nil {
			return nil, err
		}
		if err := gz.Close(); err != nil {
			return nil, err
		}
	case strings.HasSuffix(out, ".zip"):
		zw := zip.NewWriter(&buf)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestCompression)
		})
		for _, e := range entries {
			hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
			hdr.SetMode(os.FileMode(e.mode))
			w, err := zw.CreateHeader(hdr)
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(e.data); err != nil {
				return nil, err
			}
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: want a .tar.gz or .zip name", out)
	}
	return buf.Bytes(), nil
}

func checksums(files []string) ([]byte, error) {
	entries, err := readEntries(files)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, e := range entries {
		sum := sha256.Sum256(e.data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), e.name)
	}
	return []byte(b.String()), nil
}
