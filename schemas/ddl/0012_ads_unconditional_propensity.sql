{{alter "ads"}} ADD COLUMN {{if .AddColumnIfNotExists}}IF NOT EXISTS {{end}}unconditional_propensity Float64 DEFAULT 0 AFTER propensity{{redistribute "ads"}}
