-- table: documents
-- Every doc_id is the 16 hex digits the parser makes of a path. The review site names a page
-- after it, so an id a client wrote into the file (`../../x`) must never reach a page path.
SELECT doc_id, source_file
FROM documents
WHERE NOT regexp_full_match(doc_id, '[0-9a-f]{16}')
