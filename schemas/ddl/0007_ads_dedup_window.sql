{{- if and .InsertDedupToken (not .Cluster)}}
ALTER TABLE {{db}}.ads MODIFY SETTING non_replicated_deduplication_window = 1000
{{- end}}
