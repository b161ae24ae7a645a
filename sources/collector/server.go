package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// Server serves a Handler on collector.addr.
type Server struct {
	h   *Handler
	srv *http.Server
	ln  net.Listener
	log *slog.Logger
}

// NewServer builds the handler (see New) and listens on cfg.Addr, so a taken port fails here,
// before anything runs.
func NewServer(cfg Config, topics pipeline.Topics, out pipeline.Emitter, logger *slog.Logger, reg prometheus.Registerer) (*Server, error) {
	h, err := New(cfg, topics, out, logger, reg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", h.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("collector: listen on %s: %w", h.cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelWarn),
	}
	return &Server{h: h, srv: srv, ln: ln, log: h.log}, nil
}

// Addr returns the address the server listens on (the port chosen, for ":0").
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Run serves until ctx ends, then stops taking requests and waits for those in flight, each
// bounded by ack_timeout, to be answered.
func (s *Server) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	s.log.Info("collector listening", "addr", s.Addr())
	select {
	case err := <-errc:
		return fmt.Errorf("collector on %s: %w", s.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.h.cfg.AckTimeout+time.Second)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("collector: shut down: %w", err)
	}
	return nil
}
