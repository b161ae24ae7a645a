{{create "ads"}}
(
    ad_id           String,
    user            String,
    profile_version UInt64,
    product_id      String,
    product_title   String,
    brand           {{lowcard}},
    category        {{lowcard}},
    price           Float64,
    currency        {{lowcard}},
    headline        String,
    body            String,
    cta             String,
    locale          {{lowcard}},
    segment         {{lowcard}},
    arm             {{lowcard}},
    policy          {{lowcard}},
    propensity      Float64,
    experiment      {{lowcard}},
    `group`         {{lowcard}},
    generator_kind  {{lowcard}},
    model           {{lowcard}},
    prompt_version  {{lowcard}},
    tokens          UInt32,
    latency_ms      Int64,
    reason          {{lowcard}},
    created_at      DateTime,
    expires_at      DateTime
)
ENGINE = {{engine "ReplacingMergeTree" "ads"}}
PARTITION BY toYYYYMM(created_at)
ORDER BY ad_id
{{- distributed "ads"}}
