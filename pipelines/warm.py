"""Imported by the worker pool's fork server: loads the parser's and the engine's lexicons
and compiled patterns once, so every forked worker starts with them instead of building
them again on its first document. The fork server dies with the process that started it.
"""

from pipelines.parallel import die_with_parent

die_with_parent()  # first, before the imports that take a second

from pipelines.extract.engine import extract_facts
from pipelines.ingest.records import parse_document

for _sample, _language in (("中国市场规模达到1739.6亿元，增长7.4%。", "zh-Hans"), ("中國佔全球60%。", "zh-Hant"),
                           ("Nvidia lost $5 billion, 20% of its sales.", "en")):
    extract_facts(_sample, _language, reference_year=2025)
    parse_document("warm.txt", "\n\n".join([_sample * 8] * 4).encode())
