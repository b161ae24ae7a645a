{{create "failed_events"}}
(
    failure_id String,
    kind       {{lowcard}},
    detail     String,
    stage      {{lowcard}},
    topic      {{lowcard}},
    partition  Int32,
    offset     Int64,
    payload    String,
    failed_at  DateTime
)
ENGINE = {{engine "ReplacingMergeTree" "failed_events"}}
PARTITION BY toYYYYMM(failed_at)
ORDER BY failure_id
{{- if .TTL}}
TTL failed_at + INTERVAL 90 DAY
{{- end}}
{{- distributed "failed_events"}}
