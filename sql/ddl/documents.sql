-- Generated from pipelines/schema/tables.py::Documents by `python -m pipelines.schema.ddl --write`.
-- Do not edit by hand: change the Pandera model and regenerate.
CREATE TABLE documents (
    doc_id VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    author VARCHAR,
    publisher VARCHAR,
    editor VARCHAR,
    url VARCHAR,
    source_id VARCHAR,
    published_at TIMESTAMP,
    saved_at TIMESTAMP,
    language VARCHAR NOT NULL,
    title_language VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    related_headlines VARCHAR,
    followers_count BIGINT,
    views_count BIGINT,
    upvotes_count BIGINT,
    comments_count BIGINT,
    parse_warnings VARCHAR,
    pipeline_version VARCHAR NOT NULL,
    file_size_bytes BIGINT,
    file_modified_at TIMESTAMP,
    PRIMARY KEY (doc_id)
);
COMMENT ON TABLE documents IS 'One row per parsed article: header fields, cleaned body, languages, page metrics.';
COMMENT ON COLUMN documents.doc_id IS 'Stable key: a hash of source_file';
COMMENT ON COLUMN documents.source_file IS 'Path relative to the seeds folder, POSIX form';
COMMENT ON COLUMN documents.content_sha256 IS 'SHA-256 of the file''s bytes';
COMMENT ON COLUMN documents.format IS 'File shape: markdown, plain_text, blog, news, text, html (a saved web page) or pdf';
COMMENT ON COLUMN documents.title IS 'Article title';
COMMENT ON COLUMN documents.author IS 'Author, when the file names one';
COMMENT ON COLUMN documents.publisher IS 'Publisher or site, when the file names one';
COMMENT ON COLUMN documents.editor IS 'Responsible editor (news pages)';
COMMENT ON COLUMN documents.url IS 'Original address of the article';
COMMENT ON COLUMN documents.source_id IS 'The clipper''s own id of the article (front matter id)';
COMMENT ON COLUMN documents.published_at IS 'Publication time as written (no time zone)';
COMMENT ON COLUMN documents.saved_at IS 'When the article was clipped (no time zone)';
COMMENT ON COLUMN documents.language IS 'Language of the body: zh-Hans, zh-Hant, en or und';
COMMENT ON COLUMN documents.title_language IS 'Language of the title (may differ from the body)';
COMMENT ON COLUMN documents.body IS 'Cleaned body text; fact offsets point into it';
COMMENT ON COLUMN documents.related_headlines IS 'Related-links list of news pages, one per line';
COMMENT ON COLUMN documents.followers_count IS 'Page chrome: followers of the question';
COMMENT ON COLUMN documents.views_count IS 'Page chrome: view counter';
COMMENT ON COLUMN documents.upvotes_count IS 'Page chrome: upvotes, summed over the answers';
COMMENT ON COLUMN documents.comments_count IS 'Page chrome: comment counter';
COMMENT ON COLUMN documents.parse_warnings IS 'What was repaired while reading the file (invalid bytes replaced, an impossible date or a non-text header value left empty), ''; ''-separated';
COMMENT ON COLUMN documents.pipeline_version IS 'Version of the parser and extractor that made this row and its facts';
COMMENT ON COLUMN documents.file_size_bytes IS 'Size of the file when it was read, in bytes';
COMMENT ON COLUMN documents.file_modified_at IS 'The file''s modification time (UTC) when it was read; a run whose listing shows the same size and time does not read the file again. Empty when it had changed too recently to trust';
