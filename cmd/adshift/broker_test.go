package main

import (
	"bytes"
	"strings"
	"testing"
)

// `adshift broker` is for when there is no other broker: with kafka.brokers set it says so
// instead of starting a second cluster nobody uses.
func TestBrokerRefusesWhenBrokersAreSet(t *testing.T) {
	t.Setenv("ADSHIFT_KAFKA_BROKERS", "127.0.0.1:1")
	root := newRoot()
	var out bytes.Buffer
	root.SetArgs([]string{"broker"})
	root.SetOut(&out)
	root.SetErr(&out)
	err := root.ExecuteContext(t.Context())
	if err == nil || !strings.Contains(err.Error(), "kafka.brokers is set") {
		t.Fatalf("adshift broker with kafka.brokers set: %v, want it refused naming kafka.brokers", err)
	}
}
