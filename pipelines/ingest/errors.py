"""The one error type of the ingest layer: a file that cannot become a document."""

from __future__ import annotations


class RejectedFile(ValueError):
    """A file that cannot be read or parsed; ``stage`` and the message go to quarantine."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(reason)
        self.stage = stage
        self.reason = reason
