-- Generated from pipelines/schema/tables.py::Quarantine by `python -m pipelines.schema.ddl --write`.
-- Do not edit by hand: change the Pandera model and regenerate.
CREATE TABLE quarantine (
    source_file VARCHAR NOT NULL,
    content_sha256 VARCHAR,
    stage VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    detected_at TIMESTAMP NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    PRIMARY KEY (source_file)
);
COMMENT ON TABLE quarantine IS 'Files that could not become documents or facts, with the reason; kept, never dropped.';
COMMENT ON COLUMN quarantine.source_file IS 'Path relative to the seeds folder, POSIX form';
COMMENT ON COLUMN quarantine.content_sha256 IS 'SHA-256 of the bytes, null if they could not be read';
COMMENT ON COLUMN quarantine.stage IS 'Where it failed: read, parse or extract';
COMMENT ON COLUMN quarantine.reason IS 'What is wrong with the file';
COMMENT ON COLUMN quarantine.detected_at IS 'When this failure of this content was first seen (UTC)';
COMMENT ON COLUMN quarantine.pipeline_version IS 'Version of the parser and extractor that rejected the file';
