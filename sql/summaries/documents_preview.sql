-- The first published documents, for the catalog's preview.
-- table: documents
SELECT source_file, format, language, title, publisher, published_at
FROM documents
ORDER BY source_file
LIMIT 10;
