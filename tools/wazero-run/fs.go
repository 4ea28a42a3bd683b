package main

// The filesystem a Bacalhau node gives a wasm execution, rebuilt from its documented
// behaviour: one fs.FS at "/" that mounts each input at its Target (a single file, or a
// directory) and each result path at "/<Name>" through a "touch" filesystem, which creates
// any name that is opened and does not exist yet. wazero adapts a plain fs.FS, so mkdir,
// rename, unlink, truncate and the like answer ENOSYS, open flags are ignored, and an
// existing file opens read-only: the same rules as on a node, because they come from
// the same wazero adapter.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// mountDir is a virtual directory whose entries are other filesystems.
type mountDir struct {
	mounts map[string]fs.FS
}

func newMountDir() *mountDir { return &mountDir{mounts: map[string]fs.FS{}} }

// split returns the first element of a slash path and the rest ("" when none).
func split(name string) (string, string) {
	name = strings.TrimLeft(path.Clean("/"+name), "/")
	first, rest, _ := strings.Cut(name, "/")
	return first, rest
}

// mount places filesystem at the slash path p, creating intermediate directories.
func (m *mountDir) mount(p string, filesystem fs.FS) error {
	first, rest := split(p)
	if first == "" {
		return fmt.Errorf("cannot mount at the root")
	}
	existing, taken := m.mounts[first]
	if rest == "" {
		if taken {
			return fmt.Errorf("%s is mounted twice", p)
		}
		m.mounts[first] = filesystem
		return nil
	}
	if !taken {
		existing = newMountDir()
		m.mounts[first] = existing
	}
	sub, ok := existing.(*mountDir)
	if !ok {
		return fmt.Errorf("cannot mount %s inside another mount", p)
	}
	return sub.mount(rest, filesystem)
}

func (m *mountDir) Open(name string) (fs.File, error) {
	first, rest := split(name)
	if first == "" {
		return &mountDirFile{m}, nil
	}
	filesystem, ok := m.mounts[first]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if rest == "" {
		rest = "."
	}
	return filesystem.Open(rest)
}

// mountDirFile is an open mountDir: a directory that lists its mounts.
type mountDirFile struct{ dir *mountDir }

func (f *mountDirFile) Stat() (fs.FileInfo, error) { return dirInfo{"."}, nil }
func (f *mountDirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: errors.New("is a directory")}
}
func (f *mountDirFile) Close() error { return nil }
func (f *mountDirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	names := make([]string, 0, len(f.dir.mounts))
	for name := range f.dir.mounts {
		names = append(names, name)
	}
	sort.Strings(names)
	var entries []fs.DirEntry
	for _, name := range names {
		file, err := f.dir.mounts[name].Open(".")
		if err != nil {
			return nil, err
		}
		info, err := file.Stat()
		_ = file.Close()
		if err != nil {
			return nil, err
		}
		entries = append(entries, fs.FileInfoToDirEntry(renamed{info, name}))
	}
	return entries, nil
}

type dirInfo struct{ name string }

func (d dirInfo) Name() string       { return d.name }
func (d dirInfo) Size() int64        { return 0 }
func (d dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (d dirInfo) ModTime() time.Time { return time.Time{} }
func (d dirInfo) IsDir() bool        { return true }
func (d dirInfo) Sys() any           { return nil }

type renamed struct {
	fs.FileInfo
	name string
}

func (r renamed) Name() string { return r.name }

// fileFS serves one host file as the root of a mount: only "." opens.
type fileFS string

func (f fileFS) Open(name string) (fs.File, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return os.Open(string(f))
}

// touchFS serves a host directory and creates any name opened there that does not
// exist, whatever the open was for (a stat too).
type touchFS string

func (t touchFS) Open(name string) (fs.File, error) {
	file, err := os.DirFS(string(t)).Open(name)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		return os.Create(filepath.Join(string(t), filepath.FromSlash(name)))
	}
	return file, err
}
