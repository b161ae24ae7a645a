// Command mutate measures how much of a package's code its tests really check: it makes one
// small change at a time (a comparison flipped at its boundary or negated, && and || exchanged,
// + and -, * and / exchanged, an if condition negated, an integer constant moved by one, ++ and
// -- exchanged, a statement removed), runs the package's tests against it through go's -overlay
// (the tree is never touched), and counts the changes a test noticed. The score is killed over
// the mutants that compiled. A seeded sample of -n mutants per package keeps a run short.
//
//	go run ./scripts/mutate [-n 60] [-seed 1] [-since REV] [-v] [packages]   (default ./pipeline/... ./schemas)
//
// It prints a table of packages and writes var/mutation/summary.json
// ({"package": {"score": x, "mutants": n}}); -v lists the mutants that lived.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	n := flag.Int("n", 60, "mutants sampled per package (0: all)")
	seed := flag.Uint64("seed", 1, "the sample's seed")
	since := flag.String("since", "", "only packages with Go files changed since this git revision")
	verbose := flag.Bool("v", false, "list the mutants no test noticed")
	jsonPath := flag.String("json", "var/mutation/summary.json", "where to write the summary")
	timeout := flag.Duration("timeout", 3*time.Minute, "a mutant's test run longer than this counts as noticed")
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./pipeline/...", "./schemas"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, patterns, *since, *n, *seed, *timeout, *verbose, *jsonPath); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(1)
	}
}

// score is one package's result.
type score struct {
	Score   float64 `json:"score"`
	Mutants int     `json:"mutants"` // that compiled
	Killed  int     `json:"killed"`
	lived   []site
}

func run(ctx context.Context, patterns []string, since string, n int, seed uint64, timeout time.Duration, verbose bool, jsonPath string) error {
	pkgs, err := listPackages(patterns, since)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mutate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	scores := map[string]*score{}
	for _, p := range pkgs {
		sc, err := mutatePackage(ctx, dir, p, n, seed, timeout)
		if err != nil {
			return fmt.Errorf("%s: %w", p.ImportPath, err)
		}
		if sc != nil {
			scores[p.ImportPath] = sc
		}
	}
	printTable(scores, verbose)
	return writeSummary(jsonPath, scores)
}

// pkg is what go list says of a package.
type pkg struct {
	ImportPath                string
	Dir                       string
	GoFiles                   []string
	TestGoFiles, XTestGoFiles []string
}

func listPackages(patterns []string, since string) ([]pkg, error) {
	out, err := exec.Command("go", append([]string{"list", "-json"}, patterns...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var changed map[string]bool
	if since != "" {
		files, err := exec.Command("git", "diff", "--name-only", since, "--", "*.go").Output()
		if err != nil {
			return nil, fmt.Errorf("git diff %s: %w", since, err)
		}
		changed = map[string]bool{}
		for _, f := range strings.Fields(string(files)) {
			abs, _ := filepath.Abs(filepath.Dir(f))
			changed[abs] = true
		}
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			return nil, err
		}
		if len(p.TestGoFiles)+len(p.XTestGoFiles) == 0 || (changed != nil && !changed[p.Dir]) {
			continue
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// mutatePackage samples n of the package's mutants and runs each; nil when the package offers
// none.
func mutatePackage(ctx context.Context, dir string, p pkg, n int, seed uint64, timeout time.Duration) (*score, error) {
	if v, err := goTest(ctx, p.ImportPath, timeout); err != nil || v != lived {
		return nil, fmt.Errorf("its tests do not pass as they are (%v)", err)
	}
	var all []site
	for _, f := range p.GoFiles {
		ss, err := sitesOf(filepath.Join(p.Dir, f))
		if err != nil {
			return nil, err
		}
		all = append(all, ss...)
	}
	if len(all) == 0 {
		return nil, nil
	}
	r := rand.New(rand.NewPCG(seed, 0x6d757461))
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	sc := &score{}
	start := time.Now()
	for _, s := range all {
		if n > 0 && sc.Mutants >= n {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, err := runMutant(ctx, dir, p.ImportPath, s, timeout)
		if err != nil {
			return nil, err
		}
		switch v {
		case killed:
			sc.Mutants++
			sc.Killed++
		case lived:
			sc.Mutants++
			sc.lived = append(sc.lived, s)
		}
		fmt.Fprintf(os.Stderr, "\rmutate %s: %d of %d mutants, %d noticed (%s)", p.ImportPath, sc.Mutants, n, sc.Killed, time.Since(start).Round(time.Second))
	}
	fmt.Fprintln(os.Stderr)
	if sc.Mutants > 0 {
		sc.Score = float64(sc.Killed) / float64(sc.Mutants)
	}
	return sc, nil
}

func printTable(scores map[string]*score, verbose bool) {
	names := make([]string, 0, len(scores))
	for name := range scores {
		names = append(names, name)
	}
	slices.Sort(names)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "package\tmutants\tnoticed\tscore")
	for _, name := range names {
		sc := scores[name]
		fmt.Fprintf(w, "%s\t%d\t%d\t%.0f%%\n", name, sc.Mutants, sc.Killed, 100*sc.Score)
	}
	w.Flush()
	if !verbose {
		return
	}
	for _, name := range names {
		for _, s := range scores[name].lived {
			wd, _ := os.Getwd()
			rel, _ := filepath.Rel(wd, s.file)
			fmt.Printf("lived  %s:%d  %s\n", rel, s.line, s.what)
		}
	}
}

func writeSummary(path string, scores map[string]*score) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(scores, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
