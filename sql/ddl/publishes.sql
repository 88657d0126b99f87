-- Generated from pipelines/schema/tables.py::Publishes by `python -m pipelines.schema.ddl --write`.
-- Do not edit by hand: change the Pandera model and regenerate.
CREATE TABLE publishes (
    publish_id VARCHAR NOT NULL,
    publish_number BIGINT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    run_id VARCHAR,
    seeds_dir VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    warehouse_fingerprint VARCHAR NOT NULL,
    file_modified_ns BIGINT NOT NULL,
    how VARCHAR NOT NULL,
    documents_total BIGINT NOT NULL,
    facts_total BIGINT NOT NULL,
    files_carried BIGINT NOT NULL,
    documents_dropped BIGINT NOT NULL,
    PRIMARY KEY (publish_id)
);
COMMENT ON TABLE publishes IS 'One row per publish of this warehouse file, the newest last: what made the file, from which folder, and the modification time it left the file with. A run reads the newest row to know what the file is (the state lives in the warehouse, not in Dagster''s run history).';
COMMENT ON COLUMN publishes.publish_id IS 'Key of the publish';
COMMENT ON COLUMN publishes.publish_number IS '1 for the file''s first publish, then one more for each: the newest is the highest (times can tie within a second)';
COMMENT ON COLUMN publishes.published_at IS 'When the publish built the file (UTC)';
COMMENT ON COLUMN publishes.run_id IS 'The Dagster run that published, empty outside Dagster';
COMMENT ON COLUMN publishes.seeds_dir IS 'The folder the documents were read from (absolute path)';
COMMENT ON COLUMN publishes.pipeline_version IS 'Version of the parser and extractor';
COMMENT ON COLUMN publishes.warehouse_fingerprint IS 'The warehouse code that wrote the file: pipeline version, storage version, SQL, schema, claims';
COMMENT ON COLUMN publishes.file_modified_ns IS 'The modification time (ns since the epoch) the publish gave the file; another time on disk means another process wrote to it since';
COMMENT ON COLUMN publishes.how IS 'new_file: every row written into a new file; delta: the change applied to a copy of the published file';
COMMENT ON COLUMN publishes.documents_total IS 'Documents the file holds after this publish';
COMMENT ON COLUMN publishes.facts_total IS 'Numeric facts the file holds after this publish';
COMMENT ON COLUMN publishes.files_carried IS 'Unchanged files whose rows were kept, not made again';
COMMENT ON COLUMN publishes.documents_dropped IS 'Documents the file held before and no longer does';
