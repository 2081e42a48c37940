-- The compliance store. Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode.
-- One row per distinct audit event (its CloudEvents id is the key: a record delivered twice is
-- stored once), the AuditEvent JSON kept as received, and the facts the reports need.

create table audit_event (
    event_id          varchar(64)              primary key,
    event_type        varchar(64)              not null,
    recorded          timestamp with time zone not null,
    outcome           varchar(2)               not null,
    outcome_desc      varchar,
    service_id        varchar                  not null,
    client_issuer     varchar,
    client_subject    varchar,
    client_tenant     varchar,
    -- Patient reference or pseudonym: evidence for a single event, never in an aggregate report.
    patient           varchar,
    rule_pack_version varchar,
    event_source      varchar                  not null,
    kafka_topic       varchar                  not null,
    kafka_partition   integer                  not null,
    kafka_offset      bigint                   not null,
    stored_at         timestamp with time zone not null,
    resource_json     text                     not null
);

create index audit_event_by_type_and_time on audit_event (event_type, recorded);

create table invocation (
    event_id           varchar(64) primary key references audit_event (event_id),
    hook               varchar,
    hook_instance      varchar,
    user_ref           varchar,
    processing_time_ms bigint      not null
);

create table invocation_card (
    event_id  varchar(64)  not null references invocation (event_id),
    ordinal   integer      not null,
    card_uuid varchar(256) not null,
    rule_id   varchar(256) not null,
    indicator varchar(16)  not null,
    primary key (event_id, ordinal)
);

create index invocation_card_by_uuid on invocation_card (card_uuid);

create table feedback (
    event_id                varchar(64)  primary key references audit_event (event_id),
    card_uuid               varchar(256) not null,
    outcome                 varchar(16)  not null,
    outcome_timestamp       timestamp with time zone,
    override_reason_system  varchar,
    override_reason_code    varchar,
    override_reason_display varchar
);

create index feedback_by_card on feedback (card_uuid);

create table feedback_suggestion (
    event_id      varchar(64)  not null references feedback (event_id),
    ordinal       integer      not null,
    suggestion_id varchar(256) not null,
    primary key (event_id, ordinal)
);
