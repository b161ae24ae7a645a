// Package config holds adshift's one typed Config: its defaults, how it is read (an optional YAML
// file, ADSHIFT_* environment variables and command-line flags, later ones winning), its
// validation, and how it is printed with secrets masked. It is the only package besides cmd that
// touches viper; everything else receives its part of Config as a typed struct.
package config
