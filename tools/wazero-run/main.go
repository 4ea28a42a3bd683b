// wazero-run runs a Bacalhau wasm job spec locally the way a Bacalhau compute node's
// wasm executor runs it, on wazero (the engine Bacalhau embeds), and leaves what
// `bacalhau job get` would download: stdout, stderr, exitCode and one folder per
// result path.
//
//	wazero-run [flags] SPEC.json RESULTS_DIR
//
// What it does as a node does (Bacalhau pkg/executor/wasm, pkg/compute, pkg/storage):
//   - runtime: wazero.NewRuntimeConfig() (the compiler where supported), core features
//     V2, WithCloseOnContextDone(true), no compilation cache, memory limited to
//     ceil(Resources.Memory / 64 KiB) pages, Resources.Memory parsed as go-humanize
//     does (512Mb = 512,000,000 bytes; MiB = 1024*1024), 512Mb when absent;
//   - argv ["", Parameters...], the module's working directory "/", no preopen but "/";
//   - environment: Task.Env, then BACALHAU_EXECUTION_ID, _JOB_ID, _JOB_TYPE,
//     _PARTITION_INDEX and _PARTITION_COUNT, set in sorted order;
//   - one fs.FS at "/": each input mounted at its Target (urlDownload: Target is a
//     folder holding the file named after the URL's last path element), each result
//     path at "/<Name>" through a filesystem that creates any name opened there;
//   - EntryModule is a string naming an input's Target (a .wasm file, or a folder
//     holding exactly one);
//   - proc_exit(n) is exit code n, a return from the entrypoint is -1; a trap (or the
//     execution timeout) fails the execution: nothing is published for it;
//   - Count executions, each with its partition index; their results merged as
//     `bacalhau job get` merges them (stdout, stderr and exitCode appended, other files
//     moved into one folder).
//
// Remote sources cannot be fetched here: urlDownload, s3 and ipfs sources are served
// from stand-in files in the -stand-ins folder (a URL by its last path element, s3 by
// BUCKET/KEY, a file or a folder of objects under a prefix, ipfs by CID). inline and
// localDirectory sources work as on a node, and s3 object partitioning too.
//
// Exit status: 0 every execution exited 0; 1 some execution exited non-zero; 3 some
// execution failed (trap, timeout, module not loadable); 2 the spec or the arguments
// are unusable.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// Job is the part of a Bacalhau job spec the wasm executor reads. encoding/json
// matches keys case-insensitively, as Bacalhau's own decoding does.
type Job struct {
	Name  string
	Type  string
	Count int
	Tasks []Task
}

// Task is a job's one task.
type Task struct {
	Name         string
	Engine       Engine
	InputSources []InputSource
	ResultPaths  []ResultPath
	Env          map[string]string
	Resources    struct{ CPU, Memory string }
	Timeouts     struct{ ExecutionTimeout int64 }
}

// Engine is the task's engine spec.
type Engine struct {
	Type   string
	Params json.RawMessage
}

// WasmParams are the wasm engine's parameters (Bacalhau pkg/executor/wasm/models).
type WasmParams struct {
	EntryModule   json.RawMessage
	Entrypoint    string
	Parameters    []string
	ImportModules []string
}

// InputSource is one input of the task.
type InputSource struct {
	Target string
	Source struct {
		Type   string
		Params map[string]any
	}
}

// ResultPath is one published folder of the task.
type ResultPath struct{ Name, Path string }

// The default memory of a Bacalhau job.
const defaultMemory = "512Mb"

const wasmPageSize = 65536

type options struct {
	standIns           string
	closeOnContextDone bool
	only               int
	timing             bool
}

func main() {
	var opt options
	flag.StringVar(&opt.standIns, "stand-ins", "", "folder of stand-in files for urlDownload, s3 and ipfs sources")
	flag.BoolVar(&opt.closeOnContextDone, "close-on-context-done", true, "wazero's WithCloseOnContextDone, as Bacalhau sets it (false only to measure its cost)")
	flag.IntVar(&opt.only, "execution", -1, "run only this partition index (default: all Count executions)")
	flag.BoolVar(&opt.timing, "timing", false, "print compile and run times (seconds) of each execution to stderr")
	compileOnly := flag.String("compile", "", "only compile this module under Bacalhau's runtime settings, 5 times, and print the best time in seconds")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: wazero-run [flags] SPEC.json RESULTS_DIR\n\n"+
			"Runs a Bacalhau wasm job spec as a compute node would, on wazero, and writes what\n"+
			"`bacalhau job get` downloads into RESULTS_DIR (which must not exist yet).\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *compileOnly != "" {
		seconds, err := compileTime(*compileOnly, opt.closeOnContextDone)
		if err != nil {
			fmt.Fprintf(os.Stderr, "wazero-run: %s: %v\n", *compileOnly, err)
			os.Exit(2)
		}
		fmt.Printf("%.3f\n", seconds)
		os.Exit(0)
	}
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	code, err := run(flag.Arg(0), flag.Arg(1), opt)
	if err != nil {
		fmt.Fprintf(os.Stderr, "wazero-run: %s: %v\n", flag.Arg(0), err)
		os.Exit(2)
	}
	os.Exit(code)
}

// outcome is what one execution ended with.
type outcome struct {
	index    int
	exitCode int64
	failure  error // a failed execution publishes nothing
	dir      string
}

func run(specPath, resultsDir string, opt options) (int, error) {
	text, err := os.ReadFile(specPath)
	if err != nil {
		return 0, err
	}
	var job Job
	if err := json.Unmarshal(text, &job); err != nil {
		return 0, fmt.Errorf("not a JSON job spec: %w", err)
	}
	if len(job.Tasks) != 1 {
		return 0, fmt.Errorf("the job has %d tasks; a batch job has one", len(job.Tasks))
	}
	task := job.Tasks[0]
	if !strings.EqualFold(task.Engine.Type, "wasm") {
		return 0, fmt.Errorf("engine type is %q, not wasm", task.Engine.Type)
	}
	var params WasmParams
	if err := json.Unmarshal(task.Engine.Params, &params); err != nil {
		return 0, fmt.Errorf("wasm engine params: %w", err)
	}
	var entry string
	if err := json.Unmarshal(params.EntryModule, &entry); err != nil || entry == "" {
		return 0, errors.New("EntryModule must be a string naming an input's Target (the object form is Bacalhau's legacy one)")
	}
	if params.Entrypoint == "" {
		params.Entrypoint = "_start"
	}
	memory := task.Resources.Memory
	if memory == "" {
		memory = defaultMemory
	}
	memoryBytes, err := parseBytes(memory)
	if err != nil {
		return 0, fmt.Errorf("Resources.Memory: %w", err)
	}
	pages := memoryBytes / wasmPageSize
	if memoryBytes%wasmPageSize != 0 {
		pages++
	}
	if pages > 65536 {
		return 0, fmt.Errorf("Resources.Memory %s is more than the 4 GiB a wasm32 module can address", memory)
	}
	count := job.Count
	if count < 1 {
		count = 1
	}
	if _, err := os.Stat(resultsDir); err == nil {
		return 0, fmt.Errorf("%s already exists", resultsDir)
	}
	work, err := os.MkdirTemp("", "wazero-run-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(work)

	var outcomes []outcome
	for index := 0; index < count; index++ {
		if opt.only >= 0 && index != opt.only {
			continue
		}
		dir := filepath.Join(work, fmt.Sprintf("execution-%d", index))
		o, err := execute(job, task, params, entry, uint32(pages), index, count, dir, opt)
		if err != nil {
			return 0, err
		}
		outcomes = append(outcomes, o)
	}
	if len(outcomes) == 0 {
		return 0, fmt.Errorf("no execution %d: the job's Count is %d", opt.only, count)
	}
	return publish(outcomes, resultsDir)
}

// execute runs one execution into dir (stdout, stderr, exitCode, result folders).
func execute(job Job, task Task, params WasmParams, entry string, pages uint32, index, count int, dir string, opt options) (outcome, error) {
	o := outcome{index: index, dir: dir}
	root := newMountDir()
	staging := filepath.Join(dir, ".inputs")
	for i, input := range task.InputSources {
		if input.Target == "" {
			return o, fmt.Errorf("input source %d has no Target", i)
		}
		host, target, err := stage(input, filepath.Join(staging, strconv.Itoa(i)), opt.standIns, index, count)
		if err != nil {
			return o, fmt.Errorf("input %s: %w", input.Target, err)
		}
		var filesystem fs.FS
		if info, err := os.Stat(host); err == nil && info.IsDir() {
			filesystem = os.DirFS(host)
		} else {
			filesystem = fileFS(host)
		}
		if err := root.mount(target, filesystem); err != nil {
			return o, fmt.Errorf("input %s: %w", input.Target, err)
		}
	}
	for _, result := range task.ResultPaths {
		if result.Name == "" || result.Path == "" {
			return o, errors.New("a result path needs a Name and a Path")
		}
		for _, input := range task.InputSources {
			if input.Target == result.Name {
				return o, fmt.Errorf("result path %q conflicts with an input's Target", result.Name)
			}
		}
		host := filepath.Join(dir, "results", result.Name)
		if err := os.MkdirAll(host, 0o755); err != nil {
			return o, err
		}
		if err := root.mount(result.Name, touchFS(host)); err != nil {
			return o, fmt.Errorf("result path %s: %w", result.Name, err)
		}
	}

	env := map[string]string{}
	for k, v := range task.Env {
		if strings.HasPrefix(v, "env:") {
			return o, fmt.Errorf("Env %s: host variables (%s) exist only on a node", k, v)
		}
		env[k] = v
	}
	jobID := "j-" + job.Name
	env["BACALHAU_EXECUTION_ID"] = fmt.Sprintf("e-%s-%d", job.Name, index)
	env["BACALHAU_JOB_ID"] = jobID
	env["BACALHAU_JOB_TYPE"] = job.Type
	env["BACALHAU_PARTITION_INDEX"] = strconv.Itoa(index)
	env["BACALHAU_PARTITION_COUNT"] = strconv.Itoa(count)
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	stdout, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		return o, err
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		return o, err
	}
	defer stderr.Close()

	config := wazero.NewModuleConfig().
		WithStartFunctions().
		WithStdout(stdout).
		WithStderr(stderr).
		WithArgs(append([]string{""}, params.Parameters...)...).
		WithSysNanosleep().
		WithSysNanotime().
		WithSysWalltime().
		WithFS(root)
	for _, k := range keys {
		config = config.WithEnv(k, env[k])
	}

	ctx := context.Background()
	if task.Timeouts.ExecutionTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(task.Timeouts.ExecutionTimeout)*time.Second)
		defer cancel()
	}
	runtime := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2).
		WithCloseOnContextDone(opt.closeOnContextDone).
		WithMemoryLimitPages(pages))
	defer runtime.Close(context.Background())

	fail := func(format string, args ...any) (outcome, error) {
		o.failure = fmt.Errorf(format, args...)
		return o, nil
	}
	modulePath, err := resolveModule(root, entry)
	if err != nil {
		return fail("failed to load entry module %s: %v", entry, err)
	}
	code, err := fs.ReadFile(root, strings.TrimPrefix(modulePath, "/"))
	if err != nil {
		return fail("failed to load entry module %s: %v", entry, err)
	}
	compileStart := time.Now()
	compiled, err := runtime.CompileModule(ctx, code)
	if err != nil {
		return fail("failed to compile entry module %s: %v", entry, err)
	}
	compileTime := time.Since(compileStart)
	for _, imported := range compiled.ImportedFunctions() {
		module, _, _ := imported.Import()
		if module != wasi_snapshot_preview1.ModuleName {
			return fail("the entry module imports %q; only WASI preview 1 is provided here", module)
		}
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, runtime); err != nil {
		return fail("WASI: %v", err)
	}
	runStart := time.Now()
	instance, err := runtime.InstantiateModule(ctx, compiled, config.WithName(modulePath))
	if err != nil {
		return fail("failed to instantiate entry module %s: %v", entry, err)
	}
	function := instance.ExportedFunction(params.Entrypoint)
	if _, found := instance.ExportedFunctionDefinitions()[params.Entrypoint]; !found || function == nil {
		return fail("unable to find the entrypoint '%s' in the WASM module", params.Entrypoint)
	}
	_, callErr := function.Call(ctx)
	runTime := time.Since(runStart)
	if opt.timing {
		fmt.Fprintf(os.Stderr, "wazero-run: execution %d: compile %.3f s, run %.3f s\n", index, compileTime.Seconds(), runTime.Seconds())
	}
	o.exitCode = -1
	var exit *sys.ExitError
	if errors.As(callErr, &exit) {
		switch exit.ExitCode() {
		case sys.ExitCodeDeadlineExceeded:
			return fail("the execution timed out after %d s", task.Timeouts.ExecutionTimeout)
		case sys.ExitCodeContextCanceled:
			return fail("the execution was cancelled")
		}
		o.exitCode = int64(exit.ExitCode())
	} else if callErr != nil {
		return fail("the module trapped: %v", callErr)
	}
	if err := os.RemoveAll(staging); err != nil {
		return o, err
	}
	return o, os.WriteFile(filepath.Join(dir, "exitCode"), []byte(strconv.FormatInt(o.exitCode, 10)), 0o644)
}

// stage makes an input source's file available on the host and returns its host path
// and the path where the module sees it.
func stage(input InputSource, dir string, standIns string, index, count int) (string, string, error) {
	param := func(key string) string {
		for k, v := range input.Source.Params {
			if strings.EqualFold(k, key) {
				s, _ := v.(string)
				return s
			}
		}
		return ""
	}
	standIn := func(name, what string) (string, error) {
		if standIns == "" {
			return "", fmt.Errorf("%s needs a node to fetch it; give -stand-ins DIR with a file %s", what, name)
		}
		p := filepath.Join(standIns, filepath.FromSlash(name))
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: no stand-in %s", what, p)
		}
		return p, nil
	}
	switch strings.ToLower(input.Source.Type) {
	case "inline":
		data, mime, err := decodeDataURL(param("URL"))
		if err != nil {
			return "", "", err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", "", err
		}
		if mime == "application/gzip" {
			// A tar.gz: Bacalhau unpacks it into a folder at Target.
			host := filepath.Join(dir, "folder")
			return host, input.Target, untar(data, host)
		}
		host := filepath.Join(dir, "file")
		return host, input.Target, os.WriteFile(host, data, 0o644)
	case "urldownload":
		raw := param("URL")
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return "", "", fmt.Errorf("urlDownload URL %q is not an http(s) URL", raw)
		}
		name := path.Base(u.Path)
		if name == "." || name == "/" {
			return "", "", fmt.Errorf("urlDownload URL %q has no file name (a node would make one up)", raw)
		}
		host, err := standIn(name, "urlDownload "+raw)
		// Bacalhau treats Target as a folder: the file lands inside it.
		return host, path.Join(input.Target, name), err
	case "s3":
		// Target is a folder holding the objects (a key's last element, or the paths
		// below a prefix), those of this execution's partition only when the source
		// asks for object partitioning (fnv32a of the full key, modulo Count).
		bucket, key := param("Bucket"), param("Key")
		host, err := standIn(path.Join(bucket, key), "s3 source s3://"+bucket+"/"+key)
		if err != nil {
			return "", "", err
		}
		partitioned := false
		if p, ok := input.Source.Params["Partition"].(map[string]any); ok {
			kind, _ := p["Type"].(string)
			switch strings.ToLower(kind) {
			case "", "none":
			case "object":
				partitioned = true
			default:
				return "", "", fmt.Errorf("s3 partition type %q is not supported here", kind)
			}
		}
		folder := filepath.Join(dir, "s3")
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return "", "", err
		}
		info, err := os.Stat(host)
		if err != nil {
			return "", "", err
		}
		if !info.IsDir() {
			if partitioned && fnv32a(key)%uint32(count) != uint32(index) {
				return folder, input.Target, nil
			}
			return folder, input.Target, copyFile(host, filepath.Join(folder, path.Base(key)))
		}
		prefix := strings.TrimSuffix(key, "/")
		err = filepath.WalkDir(host, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(host, p)
			full := prefix + "/" + filepath.ToSlash(rel)
			if partitioned && fnv32a(full)%uint32(count) != uint32(index) {
				return nil
			}
			target := filepath.Join(folder, rel)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			return copyFile(p, target)
		})
		return folder, input.Target, err
	case "ipfs":
		host, err := standIn(param("CID"), "ipfs source")
		return host, input.Target, err
	case "localdirectory":
		// A folder of the node's own, mounted as it is.
		host := param("SourcePath")
		if _, err := os.Stat(host); err != nil {
			return "", "", fmt.Errorf("localDirectory: %w", err)
		}
		return host, input.Target, nil
	default:
		return "", "", fmt.Errorf("source type %q is not supported here", input.Source.Type)
	}
}

// untar unpacks a gzipped tar archive of plain files and folders into dir.
func untar(data []byte, dir string) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("inline application/gzip data is not gzip: %w", err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		header, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("inline tar archive: %w", err)
		}
		name := path.Clean(header.Name)
		if !fs.ValidPath(name) {
			return fmt.Errorf("inline tar archive: invalid name %q", header.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch header.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			file, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(file, tr)
			if cerr := file.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}

func fnv32a(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

func decodeDataURL(raw string) ([]byte, string, error) {
	rest, ok := strings.CutPrefix(raw, "data:")
	if !ok {
		return nil, "", errors.New("an inline source's URL is not a data: URL")
	}
	meta, data, ok := strings.Cut(rest, ",")
	if !ok {
		return nil, "", errors.New("a data: URL has no comma")
	}
	mime, _, _ := strings.Cut(meta, ";")
	if strings.HasSuffix(meta, ";base64") {
		decoded, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return nil, "", fmt.Errorf("bad base64 in a data: URL: %w", err)
		}
		return decoded, mime, nil
	}
	text, err := url.PathUnescape(data)
	return []byte(text), mime, err
}

// resolveModule finds the module file: the path itself, or the one .wasm file of a folder.
func resolveModule(root fs.FS, name string) (string, error) {
	rel := strings.TrimPrefix(path.Clean("/"+name), "/")
	info, err := fs.Stat(root, rel)
	if err != nil {
		return "", fmt.Errorf("module not found: %v", err)
	}
	if !info.IsDir() {
		return "/" + rel, nil
	}
	entries, err := fs.ReadDir(root, rel)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range entries {
		if !e.IsDir() && path.Ext(e.Name()) == ".wasm" {
			found = append(found, e.Name())
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("module not found: %s holds %d .wasm files, not one", name, len(found))
	}
	return "/" + path.Join(rel, found[0]), nil
}

// parseBytes parses a size as go-humanize's ParseBytes (Bacalhau's Resources parser):
// SI units by default (k, kb, m, mb, ...), IEC with an i (ki, kib, mi, mib, ...),
// case-insensitive, commas ignored.
func parseBytes(s string) (uint64, error) {
	last := 0
	for _, r := range s {
		if !(unicode.IsDigit(r) || r == '.' || r == ',') {
			break
		}
		last++
	}
	number := strings.ReplaceAll(s[:last], ",", "")
	f, err := strconv.ParseFloat(number, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size: %w", s, err)
	}
	units := map[string]float64{"": 1, "b": 1}
	for i, p := range []string{"k", "m", "g", "t", "p", "e"} {
		units[p] = math.Pow(1000, float64(i+1))
		units[p+"b"] = units[p]
		units[p+"i"] = math.Pow(1024, float64(i+1))
		units[p+"ib"] = units[p+"i"]
	}
	unit := strings.ToLower(strings.TrimSpace(s[last:]))
	m, ok := units[unit]
	if !ok {
		return 0, fmt.Errorf("%q: unhandled size name %q", s, unit)
	}
	f *= m
	if f >= math.MaxUint64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return uint64(f), nil
}

// publish merges the executions that did not fail into resultsDir as `bacalhau job get`
// does, and returns the exit status of wazero-run.
func publish(outcomes []outcome, resultsDir string) (int, error) {
	status := 0
	var published []outcome
	for _, o := range outcomes {
		switch {
		case o.failure != nil:
			fmt.Fprintf(os.Stderr, "wazero-run: execution %d failed, nothing published: %v\n", o.index, o.failure)
			if stderr, err := os.ReadFile(filepath.Join(o.dir, "stderr")); err == nil && len(stderr) > 0 {
				fmt.Fprintf(os.Stderr, "wazero-run: its stderr so far:\n%s", stderr)
			}
			status = 3
		default:
			if o.exitCode != 0 && status == 0 {
				status = 1
			}
			published = append(published, o)
		}
	}
	if len(published) == 0 {
		fmt.Fprintf(os.Stderr, "wazero-run: no results published, so %s is not written (bacalhau job get: \"No results found\")\n", resultsDir)
		return status, nil
	}
	if err := os.MkdirAll(resultsDir, 0o755); err != nil {
		return 0, err
	}
	appendMode := len(published) > 1
	for _, o := range published {
		for _, name := range []string{"stdout", "stderr", "exitCode"} {
			if err := appendFile(filepath.Join(o.dir, name), filepath.Join(resultsDir, name)); err != nil {
				return 0, err
			}
		}
		results := filepath.Join(o.dir, "results")
		err := filepath.WalkDir(results, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(results, p)
			target := filepath.Join(resultsDir, rel)
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			if _, err := os.Stat(target); err == nil && appendMode {
				fmt.Fprintf(os.Stderr, "wazero-run: execution %d overwrites %s written by another execution\n", o.index, rel)
			}
			return os.Rename(p, target)
		})
		if err != nil {
			return 0, err
		}
	}
	return status, nil
}

func appendFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// compileTime is the best of 5 compilations of a module, each on a fresh runtime as a
// node makes one per execution (no compilation cache).
func compileTime(modulePath string, closeOnContextDone bool) (float64, error) {
	code, err := os.ReadFile(modulePath)
	if err != nil {
		return 0, err
	}
	best := math.Inf(1)
	for i := 0; i < 5; i++ {
		ctx := context.Background()
		runtime := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2).
			WithCloseOnContextDone(closeOnContextDone))
		start := time.Now()
		_, err := runtime.CompileModule(ctx, code)
		elapsed := time.Since(start).Seconds()
		runtime.Close(ctx)
		if err != nil {
			return 0, err
		}
		best = math.Min(best, elapsed)
	}
	return best, nil
}
