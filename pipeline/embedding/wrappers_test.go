package embedding

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/adshift/adshift/pipeline/modelchain"
)

// recording is an embedding model that answers each text with its length and remembers every
// request it was sent; failAt makes request number failAt (from 1) fail, and short answers one
// vector too few.
type recording struct {
	mu     sync.Mutex
	calls  [][]string
	failAt int
	short  bool
	err    error
	empty  bool // answer empty vectors
}

func (r *recording) Embed(_ context.Context, texts []string) ([][]float32, error) {
	r.mu.Lock()
	r.calls = append(r.calls, slices.Clone(texts))
	n := len(r.calls)
	r.mu.Unlock()
	if n == r.failAt {
		return nil, cmpErr(r.err)
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if !r.empty {
			out[i] = []float32{float32(len(t)), 1}
		}
	}
	if r.short {
		out = out[1:]
	}
	return out, nil
}

func cmpErr(err error) error {
	if err == nil {
		return modelchain.ErrUnavailable
	}
	return err
}

func (r *recording) sizes() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for _, c := range r.calls {
		out = append(out, len(c))
	}
	return out
}

func TestBatchedSendsAtMostSizeTextsPerRequest(t *testing.T) {
	texts := []string{"a", "bb", "ccc", "dddd", "eeeee"}
	f := func(size int, want []int) {
		t.Helper()
		in := &recording{}
		vecs, err := NewBatched(in, size).Embed(t.Context(), texts)
		if err != nil {
			t.Fatal(err)
		}
		if got := in.sizes(); !slices.Equal(got, want) {
			t.Errorf("size %d: requests of %v texts, want %v", size, got, want)
		}
		if len(vecs) != len(texts) {
			t.Fatalf("size %d: %d vectors for %d texts", size, len(vecs), len(texts))
		}
		for i, v := range vecs {
			if int(v[0]) != len(texts[i]) {
				t.Errorf("size %d: vector %d is %v, not text %q's", size, i, v, texts[i])
			}
		}
	}
	f(2, []int{2, 2, 1})
	f(5, []int{5})
	f(6, []int{5})
	f(1, []int{1, 1, 1, 1, 1})
	f(0, []int{1, 1, 1, 1, 1}) // below 1: one text per request
	f(-3, []int{1, 1, 1, 1, 1})
}

func TestBatchedFailsAsSoonAsARequestDoes(t *testing.T) {
	texts := []string{"a", "b", "c", "d", "e"}
	in := &recording{failAt: 2}
	_, err := NewBatched(in, 2).Embed(t.Context(), texts)
	if !errors.Is(err, modelchain.ErrUnavailable) || !strings.Contains(err.Error(), "texts 2..3 of 5") {
		t.Fatalf("err %v, want ErrUnavailable naming texts 2..3 of 5", err)
	}
	if got := in.sizes(); !slices.Equal(got, []int{2, 2}) {
		t.Errorf("requests %v, want the failing one last", got)
	}
	_, err = NewBatched(&recording{short: true}, 2).Embed(t.Context(), texts)
	if err == nil || !strings.Contains(err.Error(), "texts 0..1 of 5: 1 vectors for 2 texts") {
		t.Fatalf("a model answering too few vectors: err %v", err)
	}
}

func newCache(t *testing.T, in Embedder, dir, model string) *Cache {
	t.Helper()
	c, err := NewCache(in, dir, model, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A text is asked for once, whatever the process: a repeated text in one call is one miss, and
// a later Cache over the same folder answers from disk.
func TestCacheAsksForEachTextOnce(t *testing.T) {
	dir := t.TempDir()
	in := &recording{}
	c := newCache(t, in, dir, "m")
	vecs, err := c.Embed(t.Context(), []string{"aa", "b", "aa"})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.calls) != 1 || !slices.Equal(in.calls[0], []string{"aa", "b"}) {
		t.Fatalf("the model was asked %q, want each distinct text once", in.calls)
	}
	for i, want := range []float32{2, 1, 2} {
		if vecs[i][0] != want {
			t.Errorf("vector %d = %v, want the text's", i, vecs[i])
		}
	}
	if got := c.Stats(); got != (CacheStats{Misses: 2}) {
		t.Errorf("stats %+v, want 2 misses", got)
	}
	if _, err := c.Embed(t.Context(), nil); err != nil || len(in.calls) != 1 {
		t.Fatalf("no texts: %v, %d requests", err, len(in.calls))
	}

	again := newCache(t, in, dir, "m")
	vecs, err = again.Embed(t.Context(), []string{"b", "aa"})
	if err != nil || len(in.calls) != 1 {
		t.Fatalf("a cached text was asked for again: %v, requests %q", err, in.calls)
	}
	if vecs[0][0] != 1 || vecs[1][0] != 2 {
		t.Errorf("vectors from disk %v", vecs)
	}
	if got := again.Stats(); got != (CacheStats{Hits: 2}) {
		t.Errorf("stats %+v, want 2 hits", got)
	}

	// Another model's vectors are not this one's, and the name does not run into the text.
	other := newCache(t, in, dir, "ma")
	if _, err := other.Embed(t.Context(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if got := other.Stats(); got.Misses != 1 {
		t.Errorf("model %q, text %q was found in model %q's cache: %+v", "ma", "a", "m", got)
	}
	h := sha256.Sum256([]byte("m\x00aa"))
	name := hex.EncodeToString(h[:])
	if _, err := os.Stat(filepath.Join(dir, name[:2], name+".vec")); err != nil {
		t.Errorf("the vector's file is not sha256(model, NUL, text): %v", err)
	}
}

// A torn file is a miss: the vector is fetched again and the file rewritten whole.
func TestCacheRefetchesACorruptFile(t *testing.T) {
	dir := t.TempDir()
	in := &recording{}
	c := newCache(t, in, dir, "m")
	if _, err := c.Embed(t.Context(), []string{"abc"}); err != nil {
		t.Fatal(err)
	}
	p := c.path("abc")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b[:len(b)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	vecs, err := c.Embed(t.Context(), []string{"abc"})
	if err != nil || vecs[0][0] != 3 || len(in.calls) != 2 {
		t.Fatalf("after a torn file: %v, %v, %d requests", vecs, err, len(in.calls))
	}
	if got := c.Stats(); got != (CacheStats{Misses: 2, Corrupt: 1}) {
		t.Errorf("stats %+v, want 2 misses, 1 corrupt", got)
	}
	if _, err := c.Embed(t.Context(), []string{"abc"}); err != nil || len(in.calls) != 2 {
		t.Fatalf("the rewritten file was not read: %v, %d requests", err, len(in.calls))
	}
	// A file that cannot be read (here a folder in its place) is corrupt too.
	if err := os.MkdirAll(c.path("dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Embed(t.Context(), []string{"dir"}); err != nil {
		t.Fatal(err)
	}
	if got := c.Stats(); got.Corrupt != 2 {
		t.Errorf("an unreadable entry: stats %+v, want 2 corrupt", got)
	}
	entries, err := os.ReadDir(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestCacheFailures(t *testing.T) {
	if _, err := NewCache(&recording{}, "", "m", nil); err == nil {
		t.Error("a cache with no folder was built")
	}
	dir := t.TempDir()
	boom := errors.New("boom")
	if _, err := newCache(t, &recording{failAt: 1, err: boom}, dir, "m").Embed(t.Context(), []string{"a"}); !errors.Is(err, boom) {
		t.Errorf("the model's error became %v", err)
	}
	if _, err := newCache(t, &recording{short: true}, dir, "m").Embed(t.Context(), []string{"a", "b"}); err == nil ||
		!strings.Contains(err.Error(), "1 vectors for 2 texts") {
		t.Errorf("too few vectors: %v", err)
	}
	// An empty vector is returned but not kept.
	in := &recording{empty: true}
	c := newCache(t, in, dir, "m")
	for range 2 {
		if _, err := c.Embed(t.Context(), []string{"e"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(in.calls) != 2 {
		t.Errorf("an empty vector was kept: %d requests, want 2", len(in.calls))
	}
}

// Anything but a whole, intact file decodes as nothing.
func TestDecodeVectorRefusesDamage(t *testing.T) {
	good := encodeVector([]float32{1, 2})
	if len(good) != 4+4+2*4+4 {
		t.Fatalf("a 2-float file is %d bytes, want 20", len(good))
	}
	f := func(name string, b []byte) {
		t.Helper()
		if v, ok := decodeVector(b); ok {
			t.Errorf("%s decoded to %v", name, v)
		}
	}
	f("zero dimension", encodeVector(nil))
	f("truncated", good[:len(good)-1])
	f("one byte more", append(slices.Clone(good), 0))
	f("header only", good[:12])
	for i := range good {
		b := slices.Clone(good)
		b[i] ^= 0x01
		f(fmt.Sprintf("byte %d flipped", i), b)
	}
	v, ok := decodeVector(good)
	if !ok || !slices.Equal(v, []float32{1, 2}) {
		t.Errorf("the intact file decoded to %v, %v", v, ok)
	}
}

// The guard counts each text's tokens, plus one, against the tokens-per-minute budget.
func TestGuardedBudgetsTokens(t *testing.T) {
	texts := []string{"abcdef", "ab"} // 2+1 and 0+1 tokens
	if got := estimateTokens(texts); got != 4 {
		t.Fatalf("estimateTokens = %d, want 4", got)
	}
	breaker := modelchain.BreakerConfig{Failures: 2}
	if _, err := NewGuarded(&recording{}, breaker, modelchain.LimitConfig{TokensPerMinute: 4}).Embed(t.Context(), texts); err != nil {
		t.Errorf("4 tokens in a budget of 4: %v", err)
	}
	in := &recording{}
	if _, err := NewGuarded(in, breaker, modelchain.LimitConfig{TokensPerMinute: 3}).Embed(t.Context(), texts); !errors.Is(err, modelchain.ErrBudget) {
		t.Errorf("4 tokens in a budget of 3: %v, want ErrBudget", err)
	}
	if len(in.calls) != 0 {
		t.Error("a request over budget reached the model")
	}
}

// After Failures failed requests the breaker opens: requests fail at once without reaching the
// model.
func TestGuardedOpensAfterFailures(t *testing.T) {
	in := &recording{failAt: -1}
	fail := &failing{}
	g := NewGuarded(fail, modelchain.BreakerConfig{Failures: 2}, modelchain.LimitConfig{})
	for i := range 2 {
		if g.BreakerState() != "closed" {
			t.Fatalf("breaker %s after %d failures, want closed", g.BreakerState(), i)
		}
		if _, err := g.Embed(t.Context(), []string{"a"}); !errors.Is(err, modelchain.ErrUnavailable) {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if g.BreakerState() != "open" {
		t.Fatalf("breaker %s after 2 failures, want open", g.BreakerState())
	}
	if _, err := g.Embed(t.Context(), []string{"a"}); !errors.Is(err, modelchain.ErrBreakerOpen) || fail.n != 2 {
		t.Fatalf("open breaker: %v, model asked %d times, want 2", err, fail.n)
	}
	vecs, err := NewGuarded(in, modelchain.BreakerConfig{}, modelchain.LimitConfig{}).Embed(t.Context(), []string{"abc"})
	if err != nil || len(vecs) != 1 || vecs[0][0] != 3 {
		t.Fatalf("a healthy model through the guard: %v, %v", vecs, err)
	}
}

type failing struct{ n int }

func (f *failing) Embed(context.Context, []string) ([][]float32, error) {
	f.n++
	return nil, modelchain.ErrUnavailable
}

// Mutants left alive on purpose: the capacity hint of encodeVector's buffer, and the
// permissions of the cache's folders (0o755 or another mode the process can write to).
