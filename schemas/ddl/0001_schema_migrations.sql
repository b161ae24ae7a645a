{{create "schema_migrations"}}
(
    version    UInt32,
    name       String,
    applied_at DateTime
)
ENGINE = {{engine "ReplacingMergeTree" "schema_migrations" "applied_at"}}
ORDER BY version{{distributed "schema_migrations"}}
