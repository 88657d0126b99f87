-- BI view: each fact with the document it comes from. Explicit columns: this is a contract.
-- view: Each numeric fact with the title, author, publisher, URL, date and language of its document, what it is about (subject, metric, topic) and its value in US dollars, for dashboards.
-- The file stem is the view's name; its column comments are added from the Pandera models.
CREATE OR REPLACE VIEW fact_details AS
SELECT
    f.fact_id,
    f.doc_id,
    d.source_file,
    d.title,
    d.author,
    d.publisher,
    d.url,
    d.published_at,
    d.language,
    f.quantity_kind,
    f.value,
    f.value_high,
    f.unit,
    f.category,
    f.qualifier,
    f.year,
    f.text,
    f.start_char,
    f.end_char,
    f.sentence,
    f.subject,
    f.metric,
    f.topic,
    f.value_usd,
    f.value_high_usd,
    f.fx_rate_date,
    f.subject_text,
    f.subject_start,
    f.subject_end,
    f.metric_cue,
    f.metric_cue_start,
    f.metric_cue_end
FROM numeric_facts AS f
JOIN documents AS d USING (doc_id);
