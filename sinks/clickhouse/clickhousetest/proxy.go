// Package clickhousetest holds what tests of ClickHouse paths share: a TCP proxy in front of a
// server that can cut the connection, standing in for a network failure or an outage without
// stopping a server other tests use. Its methods are safe for concurrent use.
package clickhousetest

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy forwards TCP connections to a server. While down it resets every open connection and
// every new one at once, as a server that went away would.
type Proxy struct {
	l      net.Listener
	target string

	mu       sync.Mutex
	up       bool
	conns    map[net.Conn]bool
	accepted int // connections let through, over the proxy's life
	refused  int // connections reset while down
	wg       sync.WaitGroup
}

// NewProxy starts a proxy to target on a free loopback port, up; it stops when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{l: l, target: target, up: true, conns: map[net.Conn]bool{}}
	p.wg.Go(p.accept)
	t.Cleanup(func() {
		l.Close()
		p.SetUp(false)
		p.wg.Wait()
	})
	return p
}

// Addr is the address clients dial instead of the server's.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

// SetUp lets connections through, or resets every open one and refuses new ones.
func (p *Proxy) SetUp(up bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = up
	if !up {
		for c := range p.conns {
			reset(c)
		}
	}
}

// Counts returns how many connections were let through and how many were reset while down.
func (p *Proxy) Counts() (accepted, refused int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted, p.refused
}

// reset closes c with a TCP reset rather than an orderly close, as a peer that vanished does.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

func (p *Proxy) accept() {
	for {
		client, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if !p.up {
			p.refused++
			p.mu.Unlock()
			reset(client)
			continue
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			reset(client)
			continue
		}
		p.accepted++
		p.conns[client], p.conns[server] = true, true
		p.mu.Unlock()
		pipe := func(dst, src net.Conn) {
			_, _ = io.Copy(dst, src)
			dst.Close()
			src.Close()
			p.mu.Lock()
			delete(p.conns, dst)
			delete(p.conns, src)
			p.mu.Unlock()
		}
		p.wg.Go(func() { pipe(server, client) })
		p.wg.Go(func() { pipe(client, server) })
	}
}
