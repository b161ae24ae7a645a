package kafka

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
	"github.com/adshift/adshift/sources/kafka/franz"
	"github.com/adshift/adshift/sources/kafka/kafkatest"
)

// TestSecureBrokerEveryClient runs the producer, a consumer group and the changelog restore —
// every kind of client adshift opens, the producer's doubling as the admin client — against a
// broker that demands TLS with client certificates and SASL, once per SASL mechanism.
func TestSecureBrokerEveryClient(t *testing.T) {
	const broker, topic = "broker.adshift.test", "secure"
	p := kafkatest.NewPKI(t, broker)
	addrs := kafkatest.StartSecureBroker(t, p, kafkatest.Topic{Name: topic, Partitions: 2})
	for _, mech := range []string{franz.MechanismPlain, franz.MechanismSCRAM256, franz.MechanismSCRAM512} {
		t.Run(mech, func(t *testing.T) {
			conn, err := franz.NewConnection(franz.Security{
				DialTimeout: 5 * time.Second,
				TLS: franz.TLS{Enabled: true, CAFile: p.CAFile, CertFile: p.ClientCert, KeyFile: p.ClientKey,
					ServerName: broker},
				SASL: franz.SASL{Mechanism: mech, Username: kafkatest.User, Password: kafkatest.Password},
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			out, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: addrs, Conn: conn,
				ExplicitPartitions: []string{topic}}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close(t.Context())
			if err := EnsureTopics(t.Context(), out.Client(), []TopicSpec{{Name: topic, Partitions: 2}}, false); err != nil {
				t.Fatalf("admin over TLS and %s: %v", mech, err)
			}
			recs := []pipeline.Record{
				{Topic: topic, Partition: 1, Key: []byte(mech + "-a"), Value: []byte("1")},
				{Topic: topic, Partition: 1, Key: []byte(mech + "-b"), Value: []byte("2")},
			}
			if err := out.Emit(t.Context(), recs); err != nil {
				t.Fatalf("produce over TLS and %s: %v", mech, err)
			}

			cl, err := NewChangelog(ChangelogConfig{Brokers: addrs, Topic: topic, Conn: conn}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			if err := cl.Restore(t.Context(), 1, func(k, _ []byte) error { keys = append(keys, string(k)); return nil }); err != nil {
				t.Fatalf("restore over TLS and %s: %v", mech, err)
			}
			if !strings.Contains(strings.Join(keys, ","), mech+"-a,"+mech+"-b") {
				t.Fatalf("restored keys %v, want %s-a and %s-b among them", keys, mech, mech)
			}

			cfg := testConfig(addrs, "secure-"+mech)
			cfg.Conn = conn
			stage := newFakeStage(topic)
			g, err := NewGroup(cfg, stage, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			stop := runGroup(t, g, stage)
			stage.waitFor(t, "the records produced so far", func() bool { return stage.count() >= len(recs) })
			if err := stop(); err != nil {
				t.Fatalf("consumer group over TLS and %s: %v", mech, err)
			}
		})
	}
}

// TestSecureBrokerRefusesWrongCredentials checks that what a user gets wrong — the password, the
// authority, the client certificate, TLS itself — fails with an error rather than hanging or
// passing.
func TestSecureBrokerRefusesWrongCredentials(t *testing.T) {
	const broker, topic = "broker.adshift.test", "secure"
	p := kafkatest.NewPKI(t, broker)
	other := kafkatest.NewPKI(t, broker)
	addrs := kafkatest.StartSecureBroker(t, p, kafkatest.Topic{Name: topic, Partitions: 2})
	good := franz.Security{
		DialTimeout: 2 * time.Second,
		TLS:         franz.TLS{Enabled: true, CAFile: p.CAFile, CertFile: p.ClientCert, KeyFile: p.ClientKey, ServerName: broker},
		SASL:        franz.SASL{Mechanism: franz.MechanismSCRAM512, Username: kafkatest.User, Password: kafkatest.Password},
	}
	f := func(name string, change func(*franz.Security)) {
		t.Helper()
		s := good
		change(&s)
		conn, err := franz.NewConnection(s, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: addrs, Conn: conn}, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer out.Close(t.Context())
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if err := EnsureTopics(ctx, out.Client(), []TopicSpec{{Name: topic, Partitions: 2}}, false); err == nil {
			t.Errorf("%s: the broker accepted the client", name)
		}
	}
	f("wrong password", func(s *franz.Security) { s.SASL.Password = "guess" })
	f("PLAIN with the wrong password", func(s *franz.Security) {
		s.SASL = franz.SASL{Mechanism: franz.MechanismPlain, Username: "adshift", Password: "guess"}
	})
	f("no SASL", func(s *franz.Security) { s.SASL = franz.SASL{} })
	f("another authority", func(s *franz.Security) { s.TLS.CAFile = other.CAFile })
	f("a client certificate the broker does not trust", func(s *franz.Security) {
		s.TLS.CertFile, s.TLS.KeyFile = other.ClientCert, other.ClientKey
	})
	f("another server name", func(s *franz.Security) { s.TLS.ServerName = "elsewhere.test" })
	f("no TLS", func(s *franz.Security) { s.TLS = franz.TLS{} })
}
