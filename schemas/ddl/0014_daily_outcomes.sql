{{- /*
ad_outcomes again, reading ad_events and ads FINAL (ReplacingMergeTree's own dedup by id, within a
partition, where every copy of a row lies) instead of grouping both whole tables by id first: a
dashboard's time filter on event_time then prunes ad_events' monthly partitions (on 18.16 with
enable_optimize_predicate_expression = 1, the default since 19.x).

outcomes_daily holds distinct events per day and strategy cell as uniqExact states of their ids,
and conversion revenue as the set of (event id, revenue) pairs: a materialized view sees every
insert, redeliveries included, and both states merge a duplicate away, so the figures stay
exact. The view looks each event's ad up in ad_strategies, a Join table fed from ads as they
land, so an insert costs its own rows, not a read of ads. An event whose ad had not landed yet
counts under an empty strategy. Rows written before this migration are backfilled (twice is
harmless, as above). On a cluster neither is made: a replica's Join table sees only the ads
inserted through it, and ads and events are sharded by different ids.
*/ -}}
DROP TABLE IF EXISTS {{db}}.ad_outcomes{{oncluster}};
CREATE VIEW IF NOT EXISTS {{db}}.ad_outcomes{{oncluster}} AS
SELECT event_id, kind, ad_id, impression_id, product_id, user, revenue, currency, order_id, attribution, event_time,
       segment, arm, `group`, propensity, experiment, generator_kind, model, tokens
FROM {{db}}.ad_events FINAL
ANY LEFT JOIN
(
    SELECT ad_id, segment, arm, `group`, propensity, experiment, generator_kind, model, tokens
    FROM {{db}}.ads FINAL
)
USING ad_id
{{- if not .Cluster}};
CREATE TABLE IF NOT EXISTS {{db}}.ad_strategies
(
    ad_id          String,
    experiment     {{lowcard}},
    segment        {{lowcard}},
    arm            {{lowcard}},
    `group`        {{lowcard}},
    generator_kind {{lowcard}}
)
ENGINE = Join(ANY, LEFT, ad_id);
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.ad_strategies_mv TO {{db}}.ad_strategies AS
SELECT ad_id, experiment, segment, arm, `group`, generator_kind FROM {{db}}.ads;
INSERT INTO {{db}}.ad_strategies (ad_id, experiment, segment, arm, `group`, generator_kind)
SELECT ad_id, experiment, segment, arm, `group`, generator_kind FROM {{db}}.ads;
CREATE TABLE IF NOT EXISTS {{db}}.outcomes_daily
(
    day            Date,
    experiment     {{lowcard}},
    segment        {{lowcard}},
    arm            {{lowcard}},
    `group`        {{lowcard}},
    generator_kind {{lowcard}},
    kind           {{lowcard}},
    attribution    {{lowcard}},
    currency       {{lowcard}},
    events         AggregateFunction(uniqExact, String),
    revenue        AggregateFunction(groupUniqArray, Tuple(String, Float64))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, experiment, segment, arm, `group`, generator_kind, kind, attribution, currency);
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.outcomes_daily_mv TO {{db}}.outcomes_daily AS
{{- template "daily" .}};
INSERT INTO {{db}}.outcomes_daily (day, experiment, segment, arm, `group`, generator_kind, kind, attribution, currency, events, revenue)
{{- template "daily" .}}
{{- end}}
{{- define "daily"}}
SELECT toDate(event_time) AS day, experiment, segment, arm, `group`, generator_kind, kind, attribution, currency,
       uniqExactState(event_id) AS events,
       groupUniqArrayState(tuple(if(kind = 'conversion', event_id, ''), if(kind = 'conversion', revenue, 0))) AS revenue
FROM {{db}}.ad_events
ANY LEFT JOIN {{db}}.ad_strategies USING ad_id
GROUP BY day, experiment, segment, arm, `group`, generator_kind, kind, attribution, currency
{{- end}}
