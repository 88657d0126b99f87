"""Progress reports: every N items or every few seconds, with the rate, and the step's figures."""

from __future__ import annotations

from pipelines.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_reports_every_n_items_and_every_few_seconds():
    clock, lines = Clock(), []
    progress = Progress("files_parsed", 2500, lines.append, every_items=1000, every_seconds=5, clock=clock)
    for _ in range(999):
        clock.now += 0.001
        progress.advance()
    assert lines == []
    clock.now = 1.0
    progress.advance()  # the 1,000th
    assert lines == ["files_parsed: 1,000 of 2,500 (40%) in 1.0 s, 1,000/s, about 2 s to go"]
    clock.now += 6  # a slow stretch: reported after seconds, not items
    progress.advance()
    assert len(lines) == 2 and lines[-1].startswith("files_parsed: 1,001 of 2,500")
    figures = progress.finish()
    assert figures == {"files_parsed_items": 1001, "files_parsed_seconds": 7.0, "files_parsed_per_second": 143.0}
    assert len(lines) == 3


def test_silent_without_a_report_function():
    progress = Progress("documents_extracted", 0)
    progress.advance(3)
    assert progress.finish()["documents_extracted_items"] == 3
