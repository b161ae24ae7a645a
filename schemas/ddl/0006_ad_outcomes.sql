CREATE VIEW IF NOT EXISTS {{db}}.ad_outcomes{{oncluster}} AS
SELECT event_id, kind, ad_id, impression_id, product_id, user, revenue, currency, order_id, attribution, event_time,
       segment, arm, `group`, propensity, experiment, generator_kind, model, tokens
FROM
(
    SELECT event_id, any(kind) AS kind, any(ad_id) AS ad_id, any(impression_id) AS impression_id,
           any(product_id) AS product_id, any(user) AS user, any(revenue) AS revenue, any(currency) AS currency,
           any(order_id) AS order_id, any(attribution) AS attribution, any(event_time) AS event_time
    FROM {{db}}.ad_events
    GROUP BY event_id
)
ANY LEFT JOIN
(
    SELECT ad_id, any(segment) AS segment, any(arm) AS arm, any(`group`) AS `group`, any(propensity) AS propensity,
           any(experiment) AS experiment, any(generator_kind) AS generator_kind, any(model) AS model,
           any(tokens) AS tokens
    FROM {{db}}.ads
    GROUP BY ad_id
)
USING ad_id
