"""The review site: static HTML pages that show every published fact in its source.

Pure: ``marks`` lays facts and their evidence over a document's body, ``charts`` draws SVG.
``queries`` reads what the pages need from a warehouse connection, ``site`` turns those rows
into pages and writes the ones that changed. The ``review_site`` asset (``assets/review.py``)
wires it to the published warehouse (no Dagster below it).
"""
