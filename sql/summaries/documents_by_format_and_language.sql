-- Published documents per file shape and language.
-- table: documents
SELECT format, language, count(*) AS documents
FROM documents
GROUP BY ALL
ORDER BY format, language;
