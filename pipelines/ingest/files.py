"""List and read the seed folder: every regular file below it, hidden ones excluded.

The only file-system code of the ingest layer. A file that cannot be read is still
listed, with the error, so that it reaches the quarantine instead of vanishing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SeedFile:
    source_file: str  # relative to the seeds folder, POSIX form
    content: bytes | None
    read_error: str | None = None

    @property
    def content_sha256(self) -> str | None:
        return None if self.content is None else hashlib.sha256(self.content).hexdigest()


class SeedFolderError(ValueError):
    """The seeds folder setting does not name a folder (one line, for the run's failure)."""


def check_seed_folder(setting: str, value: str, cwd: Path) -> Path:
    """The folder that ``value`` (the ``setting`` as given) names, as an absolute path.

    A relative value is resolved against ``cwd``, the process's working directory; when it
    names no folder the error says the setting, the value, the absolute path and ``cwd``,
    since a relative path read from an unexpected directory is the usual cause.
    """
    root = (cwd / Path(value).expanduser()).absolute()
    problem = None
    if not root.exists():
        problem = "which does not exist"
    elif not root.is_dir():
        problem = "which is a file, not a folder"
    if problem:
        raise SeedFolderError(f"{setting}={value!r} resolves to {root}, {problem} (working directory {cwd})")
    return root


def list_seed_paths(seeds_dir: Path) -> list[Path]:
    """Regular files below ``seeds_dir`` in path order; dotfiles and dot-folders are skipped."""
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder not found: {seeds_dir}")
    paths = []
    for path in seeds_dir.rglob("*"):
        relative = path.relative_to(seeds_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() or path.is_symlink():
            paths.append(path)
    return sorted(paths, key=lambda p: p.relative_to(seeds_dir).as_posix())


def read_seed_files(seeds_dir: Path, only: set[str] | None = None, paths: list[Path] | None = None
                    ) -> Iterator[SeedFile]:
    """The files below ``seeds_dir`` (or just the relative paths in ``only``), read;
    ``paths`` is the folder's listing when the caller already made it."""
    for path in list_seed_paths(seeds_dir) if paths is None else paths:
        relative = path.relative_to(seeds_dir).as_posix()
        if only is not None and relative not in only:
            continue
        try:
            yield SeedFile(relative, path.read_bytes())
        except OSError as exc:
            yield SeedFile(relative, None, f"cannot read file: {exc.strerror or exc}")
