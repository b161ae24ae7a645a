package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeCommands returns every adshift command line of the sh blocks of a markdown file, with
// continuations joined, comments and variables taken off: the words after "bin/adshift".
func readmeCommands(t *testing.T, path string) [][]string {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllSubmatch(text, -1) {
		joined := strings.ReplaceAll(string(block[1]), "\\\n", " ")
		for line := range strings.Lines(joined) {
			line, _, _ = strings.Cut(line, " # ")
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			for _, part := range strings.Split(line, "&&") {
				words := strings.Fields(part)
				for i, w := range words {
					if w == "bin/adshift" && i+1 < len(words) {
						out = append(out, words[i+1:])
					}
				}
			}
		}
	}
	return out
}

// withOptions expands "[--json]" and "[--html FILE]" into the command without them and with all
// of them, FILE and DIR placeholders written as a file of the test's.
func withOptions(t *testing.T, args []string) [][]string {
	var bare, full []string
	file := filepath.Join(t.TempDir(), "out")
	inOption := false
	for _, w := range args {
		opt := strings.HasPrefix(w, "[") || inOption
		inOption = opt && !strings.HasSuffix(w, "]")
		w = strings.Trim(w, "[]")
		if w == "FILE" {
			w = file
		}
		if !opt {
			bare = append(bare, w)
		}
		full = append(full, w)
	}
	if len(bare) == len(full) {
		return [][]string{bare}
	}
	return [][]string{bare, full}
}

// Every adshift command the README prints is one adshift accepts as printed: the command exists,
// its flags, values and flag groups are valid, and the data files it names exist (from the
// repository's root, beside ../shared). Running them is for the tests of each command and for
// TestEveryShippedDatasetMakesAds; this catches the README drifting from the binary.
func TestReadmeCommandsAreAccepted(t *testing.T) {
	commands := append(readmeCommands(t, "../../README.md"), readmeCommands(t, readmeDatasets)...)
	if len(commands) < 15 {
		t.Fatalf("found %d adshift commands in the README, want its Running it block and more", len(commands))
	}
	for _, printed := range commands {
		for _, args := range withOptions(t, printed) {
			line := "bin/adshift " + strings.Join(args, " ")
			c, rest, err := newRoot().Find(args)
			if err == nil {
				err = c.ParseFlags(rest)
			}
			if err == nil {
				err = c.ValidateArgs(c.Flags().Args())
			}
			if err == nil {
				err = c.ValidateRequiredFlags()
			}
			if err == nil {
				err = c.ValidateFlagGroups()
			}
			if err != nil {
				t.Errorf("%s: %v", line, err)
				continue
			}
			if f := c.Flags().Lookup("file"); f != nil && f.Value.String() != "" {
				if _, err := os.Stat(filepath.Join("../..", f.Value.String())); err != nil {
					t.Errorf("%s: %v", line, err)
				}
			}
		}
	}
}
