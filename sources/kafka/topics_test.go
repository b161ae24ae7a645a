package kafka

import (
	"net"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
)

func TestEnsureTopics(t *testing.T) {
	addrs := startBroker(t, TopicSpec{Name: "existing", Partitions: 2})
	cl := newClient(t, addrs)
	adm := kadm.NewClient(cl)
	specs := []TopicSpec{
		{Name: "existing", Partitions: 8},
		{Name: "adshift.shifts", Partitions: 3},
		{Name: "adshift.profiles", Partitions: 3, Compacted: true},
	}

	err := EnsureTopics(t.Context(), cl, specs, false)
	if err == nil {
		t.Fatal("EnsureTopics without create succeeded with topics missing")
	}
	for _, want := range []string{"adshift.profiles, adshift.shifts", "kafka.create_topics"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "existing") {
		t.Errorf("error %q lists a topic that exists", err)
	}

	if err := EnsureTopics(t.Context(), cl, specs, true); err != nil {
		t.Fatalf("EnsureTopics with create: %v", err)
	}
	details, err := adm.ListTopics(t.Context())
	if err != nil {
		t.Fatalf("list topics: %v", err)
	}
	f := func(topic string, partitions int) {
		t.Helper()
		if got := len(details[topic].Partitions); got != partitions {
			t.Errorf("%s has %d partitions, want %d", topic, got, partitions)
		}
	}
	f("existing", 2) // left alone
	f("adshift.shifts", 3)
	f("adshift.profiles", 3)

	configs, err := adm.DescribeTopicConfigs(t.Context(), "adshift.profiles", "adshift.shifts")
	if err != nil {
		t.Fatalf("describe configs: %v", err)
	}
	for _, rc := range configs {
		policy := ""
		for _, c := range rc.Configs {
			if c.Key == "cleanup.policy" && c.Value != nil {
				policy = *c.Value
			}
		}
		want := "delete"
		if rc.Name == "adshift.profiles" {
			want = "compact"
		}
		if policy != want {
			t.Errorf("%s cleanup.policy = %q, want %q", rc.Name, policy, want)
		}
	}

	// Everything exists now: nothing to create, nothing missing.
	if err := EnsureTopics(t.Context(), cl, specs, false); err != nil {
		t.Errorf("EnsureTopics after creating: %v", err)
	}
}

func TestStartEmbeddedReportsAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = StartEmbedded(t.Context(), ln.Addr().String(), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("StartEmbedded on a taken port: error %v, want one saying the address is in use", err)
	}
}

func TestStartEmbeddedListensOnTheGivenPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // free a port to ask for

	e, err := StartEmbedded(t.Context(), addr, []TopicSpec{{Name: "clickstream", Partitions: 4}}, nil)
	if err != nil {
		t.Fatalf("StartEmbedded(%s): %v", addr, err)
	}
	defer e.Close()
	if got := e.Addrs(); len(got) != 1 || got[0] != addr {
		t.Fatalf("Addrs() = %v, want [%s]", got, addr)
	}
	details, err := kadm.NewClient(newClient(t, e.Addrs())).ListTopics(t.Context(), "clickstream")
	if err != nil {
		t.Fatalf("list topics: %v", err)
	}
	if got := len(details["clickstream"].Partitions); got != 4 {
		t.Errorf("clickstream has %d partitions, want 4", got)
	}
}
