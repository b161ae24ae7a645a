package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

// readmeDatasets is the README's section pairing each dataset with its catalogue: its commands are
// the test's cases, run as printed.
const readmeDatasets = "testdata/readme-datasets.md"

// datasetBlock is one dataset's commands in that section: a comment naming it, then
// "[VAR=value …] bin/adshift …" lines.
type datasetBlock struct {
	name     string
	commands [][]string // each: the VAR=value words, then the adshift arguments
}

// readmeBlocks reads the sh block of the section, split at its comment lines.
func readmeBlocks(t *testing.T) (string, []datasetBlock) {
	t.Helper()
	text, err := os.ReadFile(readmeDatasets)
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindSubmatch(text)
	if block == nil {
		t.Fatalf("%s has no sh block", readmeDatasets)
	}
	var blocks []datasetBlock
	for line := range strings.Lines(string(block[1])) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "# "):
			blocks = append(blocks, datasetBlock{name: strings.TrimRight(strings.Fields(line)[1], ":,")})
		case line != "" && len(blocks) > 0:
			blocks[len(blocks)-1].commands = append(blocks[len(blocks)-1].commands, strings.Fields(line))
		}
	}
	return string(block[1]), blocks
}

// splitCommand separates "VAR=value … bin/adshift args" into its variables and arguments.
func splitCommand(t *testing.T, words []string) (map[string]string, []string) {
	t.Helper()
	env := map[string]string{}
	for len(words) > 0 && strings.Contains(words[0], "=") {
		k, v, _ := strings.Cut(words[0], "=")
		env[k], words = v, words[1:]
	}
	if len(words) < 2 || words[0] != "bin/adshift" {
		t.Fatalf("command %q: want [VAR=value …] bin/adshift <command>", strings.Join(words, " "))
	}
	return env, words[1:]
}

// The README's section and the copy the tests run are the same commands.
func TestReadmeDatasetsSectionIsTheTestedOne(t *testing.T) {
	tested, blocks := readmeBlocks(t)
	if len(blocks) != 4 {
		t.Fatalf("%d datasets in %s, want REES46, Taobao, Online Retail and Segment", len(blocks), readmeDatasets)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(readme, []byte("### Each dataset with its catalogue")); i >= 0 && !bytes.Contains(readme[i:], []byte(tested)) {
		t.Errorf("README.md's \"Each dataset with its catalogue\" commands differ from %s, which the tests run", readmeDatasets)
	}
}

// Every shipped dataset, paired with its catalogue as the README prints it, makes ads when its
// commands are run as printed (in a copy of the repository's layout, on the test's own broker,
// ports and database): under 1% of its events are late, every ad is for a product of that
// catalogue at its price and currency, and a product without a price gets copy that names none.
// The same replay under a wrong --format exits non-zero and says why.
func TestEveryShippedDatasetMakesAds(t *testing.T) {
	_, blocks := readmeBlocks(t)
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// The commands run from the repository's root, beside ../shared; var/ is the test's own.
	root := t.TempDir()
	for link, target := range map[string]string{"shared": filepath.Join(repo, "..", "shared"), "repo/data": filepath.Join(repo, "data")} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, link)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	clearAdshiftEnv(t)
	t.Chdir(filepath.Join(root, "repo"))
	for _, b := range blocks {
		t.Run(b.name, func(t *testing.T) { runDatasetBlock(t, b) })
	}
}

func runDatasetBlock(t *testing.T, b datasetBlock) {
	a := testApp(t) // the database, ports and broker address the commands run on; dropped at the end
	base := map[string]string{
		"ADSHIFT_CLICKHOUSE_ADDR": a.cfg.ClickHouse.Addr, "ADSHIFT_CLICKHOUSE_DATABASE": a.cfg.ClickHouse.Database,
		"ADSHIFT_KAFKA_EMBEDDED_ADDR": a.cfg.Kafka.EmbeddedAddr, "ADSHIFT_HTTP_ADDR": a.cfg.HTTP.Addr,
		"ADSHIFT_LOG_LEVEL": "warn",
	}
	var replayed bool
	var products map[string]schemas.Product
	stop := func() {}
	defer func() { stop() }()
	for _, words := range b.commands {
		env, args := splitCommand(t, words)
		for k, v := range base {
			t.Setenv(k, v)
		}
		for k, v := range env {
			t.Setenv(k, v)
		}
		switch args[0] {
		case "run":
			products = catalogueOf(t, env)
			stop = startCommand(t, args, a.cfg.HTTP.Addr)
		case "replay":
			replayWrongFormatExits(t, args)
			out := runCommand(t, args)
			var sent int
			if _, err := fmt.Sscanf(out, "replayed %d events", &sent); err != nil || sent == 0 {
				t.Fatalf("%s printed %q", strings.Join(words, " "), out)
			}
			checkAds(t, a, b.name, sent, products, args)
			replayed = true
		default:
			runCommand(t, args)
		}
	}
	if !replayed {
		t.Fatalf("the %s commands replay nothing", b.name)
	}
}

// catalogueOf loads the catalogue a run command's variables name (the default: the REES46 sample).
func catalogueOf(t *testing.T, env map[string]string) map[string]schemas.Product {
	t.Helper()
	format, path := env["ADSHIFT_CATALOG_FORMAT"], env["ADSHIFT_CATALOG_PATH"]
	if format == "" {
		format, path = dataset.FormatREES46, "data/sample/rees46-sample.csv"
	}
	products, _, err := dataset.LoadCatalog(format, path)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]schemas.Product{}
	for _, p := range products {
		byID[p.ID] = p
	}
	return byID
}

// runCommand runs adshift with args in process and returns what it printed on stdout.
func runCommand(t *testing.T, args []string) string {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	if err := root.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("adshift %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// startCommand starts "adshift run …" in process and waits for /healthz on httpAddr; the returned
// stop ends it.
func startCommand(t *testing.T, args []string, httpAddr string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	root := newRoot()
	root.SetArgs(args)
	go func() { done <- root.ExecuteContext(ctx) }()
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("adshift %s: %v", strings.Join(args, " "), err)
		}
	}
	waitFor(t, "adshift run to be healthy", 60*time.Second, func() bool {
		select {
		case err := <-done:
			t.Fatalf("adshift run exited: %v", err)
		default:
		}
		resp, err := http.Get("http://" + httpAddr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return stop
}

// replayWrongFormatExits runs the replay args with another --format: it must exit non-zero and name
// the format in its reason.
func replayWrongFormatExits(t *testing.T, args []string) {
	t.Helper()
	wrong := dataset.FormatREES46
	if strings.Contains(strings.Join(args, " "), "--format rees46") {
		wrong = dataset.FormatTaobao
	}
	bad := slicesReplaceFormat(args, wrong)
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(bad)
	err := root.ExecuteContext(t.Context())
	if code := exitCode(err); code == exitOK || !strings.Contains(err.Error(), wrong) {
		t.Errorf("adshift %s: exit %d, %v, want a non-zero exit naming %s\n%s", strings.Join(bad, " "), code, err, wrong, out.String())
	}
}

func slicesReplaceFormat(args []string, format string) []string {
	out := append([]string(nil), args...)
	for i := range out[:len(out)-1] {
		if out[i] == "--format" {
			out[i+1] = format
		}
	}
	return out
}

// checkAds waits until the running pipeline has read the sent events and the shifts they caused,
// then checks the late share and every ad on ads.ready against the catalogue.
func checkAds(t *testing.T, a *app, name string, sent int, products map[string]schemas.Product, args []string) {
	t.Helper()
	brokers := []string{a.cfg.Kafka.EmbeddedAddr}
	waitFor(t, "the features stage to read every event", 180*time.Second, func() bool {
		return counterOf(t, a.cfg.HTTP.Addr, "adshift_group_records_processed_total", "group", "adshift-features") >= float64(sent)
	})
	var shifts int64
	waitFor(t, "the creatives stage to read every shift", 180*time.Second, func() bool {
		shifts = endOffsets(t, brokers, a.cfg.Topics.Shifts.Name)
		return shifts > 0 && counterOf(t, a.cfg.HTTP.Addr, "adshift_group_records_processed_total", "group", "adshift-creatives") >= float64(shifts)
	})
	late := counterOf(t, a.cfg.HTTP.Addr, "adshift_features_failures_total", "kind", string(schemas.LateEvent))
	if late >= 0.01*float64(sent) {
		t.Errorf("%.0f of %d events dead-lettered as late_event, want under 1%%", late, sent)
	}
	var ads []schemas.Ad
	hairCare := 0
	for _, r := range readAll(t, brokers, a.cfg.Topics.Ads.Name) {
		ad, err := schemas.DecodeAd(r.Value)
		if err != nil {
			t.Fatalf("ads.ready holds a record that is no ad: %v", err)
		}
		ads = append(ads, ad)
		p, ok := products[ad.Product.ID]
		copy := ad.Creative.Headline + " " + ad.Creative.Body + " " + ad.Creative.CTA
		switch {
		case !ok:
			t.Errorf("ad %s for product %s, which is not in the catalogue", ad.AdID, ad.Product.ID)
		case ad.Product.Currency != p.Currency || ad.Product.Price != p.Price:
			t.Errorf("ad %s: product %+v, the catalogue has %+v", ad.AdID, ad.Product, p)
		case p.Price == 0 && strings.ContainsAny(copy, "0123456789$¥元"):
			t.Errorf("ad %s for a product without a price: copy %q", ad.AdID, copy)
		}
		if strings.HasPrefix(ad.Product.Category, "beauty_hygiene.hair_care") {
			hairCare++
		}
	}
	t.Logf("%s: %d events, %.0f late, %d shifts, %d ads, e.g. %q", name, sent, late, shifts, len(ads), adCopy(ads))
	if len(ads) == 0 {
		t.Errorf("no ads from %d shifts", shifts)
	}
	// The case: Segment's "Beauty & Hygiene/Hair Care" against BigBasket's beauty_hygiene.hair_care.*.
	if strings.Contains(strings.Join(args, " "), "segment-bigbasket") && hairCare == 0 {
		t.Errorf("no ad for a \"Beauty & Hygiene/Hair Care\" interest among %d ads", len(ads))
	}
}

// counterOf reads one counter of a running adshift's /metrics, summed over the series whose label
// has value.
func counterOf(t *testing.T, httpAddr, metric, label, value string) float64 {
	t.Helper()
	code, body := get(t, "http://"+httpAddr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	series := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(metric) + `\{([^}]*)\} (\S+)$`)
	sum := 0.0
	for _, m := range series.FindAllStringSubmatch(body, -1) {
		if !strings.Contains(","+m[1]+",", ","+label+`="`+value+`",`) {
			continue
		}
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			t.Fatalf("%s{%s} = %q: %v", metric, m[1], m[2], err)
		}
		sum += v
	}
	return sum
}

func adCopy(ads []schemas.Ad) string {
	if len(ads) == 0 {
		return ""
	}
	return ads[0].Creative.Headline + " / " + ads[0].Creative.Body
}
