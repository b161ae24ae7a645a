{{alter "ad_events"}} ADD COLUMN {{if .AddColumnIfNotExists}}IF NOT EXISTS {{end}}product_id String AFTER impression_id{{redistribute "ad_events"}}
