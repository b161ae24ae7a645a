{{create "ad_events"}}
(
    event_id      String,
    kind          {{lowcard}},
    ad_id         String,
    impression_id String,
    user          String,
    revenue       Float64,
    currency      {{lowcard}},
    order_id      String,
    attribution   {{lowcard}},
    event_time    DateTime
)
ENGINE = {{engine "ReplacingMergeTree" "ad_events"}}
PARTITION BY toYYYYMM(event_time)
ORDER BY event_id
{{- distributed "ad_events"}}
