-- Every fact's text is exactly the body's code points start_char..end_char.
-- table: numeric_facts
SELECT f.fact_id, f.doc_id, f.start_char, f.end_char, f.text,
       substring(d.body, f.start_char + 1, f.end_char - f.start_char) AS body_span
FROM numeric_facts AS f
JOIN documents AS d USING (doc_id)
WHERE substring(d.body, f.start_char + 1, f.end_char - f.start_char) IS DISTINCT FROM f.text;
