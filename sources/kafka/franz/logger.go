package franz

import (
	"log/slog"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Logger forwards franz-go's client logs to l. The client's info logs (joins, assignments,
// commits) are debug detail for adshift.
func Logger(l *slog.Logger) kgo.Logger { return logger{l} }

type logger struct{ l *slog.Logger }

func (k logger) Level() kgo.LogLevel { return kgo.LogLevelInfo }

func (k logger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	switch level {
	case kgo.LogLevelError:
		k.l.Error(msg, keyvals...)
	case kgo.LogLevelWarn:
		k.l.Warn(msg, keyvals...)
	default:
		k.l.Debug(msg, keyvals...)
	}
}
