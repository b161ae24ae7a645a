{{- if and .InsertDedupToken (not .Cluster)}}
ALTER TABLE {{db}}.failed_events MODIFY SETTING non_replicated_deduplication_window = 1000
{{- end}}
