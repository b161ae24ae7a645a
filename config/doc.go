// Package config holds adshift's one typed Config: its defaults, how it is read (an optional YAML
// file, ADSHIFT_* environment variables and command-line flags, later ones winning), its
// validation, and how it is printed with secrets masked. It is the only package besides cmd that
// touches viper; everything else receives its part of Config as a typed struct. Every section is
// its owning package's own Config type (two side by side, squashed, where one section configures
// two packages: llm, archive), and each package's Validate checks that section's keys; Validate
// here names the section and checks only what spans sections.
package config
