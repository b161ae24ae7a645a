{{alter "ads"}} ADD COLUMN {{if .AddColumnIfNotExists}}IF NOT EXISTS {{end}}pre_events UInt64 DEFAULT 0{{redistribute "ads"}}
