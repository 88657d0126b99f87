"""List and read the seed folder: every entry below it accounted for, nothing outside it read.

The only file-system code of the ingest layer. Every entry below the folder (dotfiles and
dot-folders aside) is listed: a regular file is read (up to a size cap); anything that is
not one (a FIFO, a socket, a device, a broken or looping link, a link that leads outside the
folder, a name that is not UTF-8, a folder that cannot be listed) is listed with the reason
it is not read, so that it reaches the quarantine instead of vanishing, and nothing can
block the run (files are opened non-blocking and checked to be regular before reading).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

DEFAULT_MAX_FILE_BYTES = 20_000_000

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


class SeedFolderError(ValueError):
    """The seeds folder setting does not name a folder (one line, for the run's failure)."""


@dataclass(frozen=True)
class ReadPolicy:
    """What may be read: how many bytes per file, and whether links may leave the folder."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    allow_outside_links: bool = False


@dataclass(frozen=True)
class SeedEntry:
    """One entry below the seeds folder: a file to read, or why it is not read."""

    source_file: str  # relative to the seeds folder, POSIX form (non-UTF-8 bytes escaped as \xNN)
    path: Path
    problem: str | None = None  # set: the entry is not read, and this is why
    unlisted_folder: bool = False  # a folder that could not be listed: its published files are kept
    size_bytes: int | None = None  # from the listing's stat (of the link's target for a link)
    modified_ns: int | None = None


@dataclass(frozen=True)
class FileStat:
    """A file's size and modification time (to the microsecond, as the warehouse stores it):
    what a run compares with the published record before it reads a file again."""

    size_bytes: int
    modified_at: dt.datetime

    # A file modified this close to when it was read may change again within the same clock
    # tick without its time moving: its time is not recorded, so the next run hashes it.
    RACY_SECONDS: ClassVar[float] = 2.0

    @staticmethod
    def _time(modified_ns: int) -> dt.datetime:
        return _EPOCH + dt.timedelta(microseconds=modified_ns // 1000)

    @classmethod
    def of(cls, entry: SeedEntry) -> FileStat | None:
        if entry.size_bytes is None or entry.modified_ns is None:
            return None
        return cls(entry.size_bytes, cls._time(entry.modified_ns))

    @classmethod
    def trusted(cls, status: os.stat_result, now_ns: int | None = None) -> FileStat | None:
        """The status of a file just read, or None when it was modified too recently to trust."""
        now_ns = time.time_ns() if now_ns is None else now_ns
        if now_ns - status.st_mtime_ns < cls.RACY_SECONDS * 1e9:
            return None
        return cls(status.st_size, cls._time(status.st_mtime_ns))


_EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class SeedFile:
    source_file: str
    content: bytes | None
    read_error: str | None = None
    unlisted_folder: bool = False

    @property
    def content_sha256(self) -> str | None:
        return None if self.content is None else hashlib.sha256(self.content).hexdigest()


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


def display_name(relative: str) -> str:
    """The path as text that any UTF-8 consumer accepts: undecodable bytes shown as \\xNN."""
    try:
        relative.encode("utf-8")
        return relative
    except UnicodeEncodeError:
        return os.fsencode(relative).decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _link_problem(path: Path, root: Path, policy: ReadPolicy) -> str | None:
    """Why a symbolic link is not followed, or None when its target may be read."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return f"broken symbolic link (to {display_name(os.readlink(path))})"
    except (RuntimeError, OSError) as exc:
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return "symbolic link loop"
        return f"symbolic link cannot be followed: {exc.strerror or exc}"
    if not policy.allow_outside_links and not target.is_relative_to(root.resolve()):
        return f"symbolic link to {display_name(str(target))}, outside the seeds folder: not read (SEEDS_ALLOW_OUTSIDE_LINKS)"
    return None


def list_seed_entries(seeds_dir: Path, policy: ReadPolicy = ReadPolicy()) -> list[SeedEntry]:
    """Every entry below ``seeds_dir`` in path order; dotfiles and dot-folders are skipped.

    Links to folders are not walked (a loop could not end); a link to a file is listed and
    followed only when its target is inside the folder (or ``policy`` allows outside links).
    """
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder not found: {seeds_dir}")
    entries: list[SeedEntry] = []

    def walk(folder: Path, prefix: str) -> None:
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            entries.append(SeedEntry(display_name(prefix.rstrip("/")), folder,
                                     f"folder cannot be listed: {exc.strerror or exc}; the files published from it "
                                     "are kept as they were", unlisted_folder=True))
            return
        for item in items:
            if item.name.startswith("."):
                continue
            relative, path = prefix + item.name, Path(item.path)
            name = display_name(relative)
            if name != relative:
                entries.append(SeedEntry(name, path, "file name is not valid UTF-8 (shown with \\x escapes): rename it"))
                continue
            if item.is_dir(follow_symlinks=False):
                walk(path, relative + "/")
                continue
            problem = _link_problem(path, seeds_dir, policy) if item.is_symlink() else None
            status = None
            if problem is None:
                try:
                    status = item.stat(follow_symlinks=True)
                    kind = _kind(status.st_mode)
                except OSError as exc:
                    kind = f"cannot be examined: {exc.strerror or exc}"
                problem = None if kind is None else f"not a regular file: {kind}"
            entries.append(SeedEntry(relative, path, problem, size_bytes=None if status is None else status.st_size,
                                     modified_ns=None if status is None else status.st_mtime_ns))

    walk(seeds_dir, "")
    return sorted(entries, key=lambda e: e.source_file)


def read_file_and_status(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes and its status when opened, never blocking: opened non-blocking,
    checked regular, capped.

    Read in a buffer of the file's own size: a buffer of the cap (20 MB) shrunk to a few KB
    stays a memory mapping of its own in glibc, and 65,530 of them (the kernel's
    ``vm.max_map_count``) make every later allocation fail, near 65,000 files read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        kind = _kind(status.st_mode)
        if kind is not None:
            raise OSError(errno.EINVAL, f"not a regular file: {kind}")
        data = handle.read(min(status.st_size, max_bytes) + 1)
        if len(data) > status.st_size:  # it grew since fstat: the rest, up to the cap
            data += handle.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"file is larger than MAX_FILE_BYTES={max_bytes:,} bytes")
    return data, status


def read_file(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes (``read_file_and_status``)."""
    return read_file_and_status(path, max_bytes)[0]


def unreadable(exc: OSError) -> str:
    """Why a file could not be read, as the quarantine says it."""
    return f"cannot read file: {exc.strerror or exc}"


def read_entry(entry: SeedEntry, policy: ReadPolicy = ReadPolicy()) -> SeedFile:
    """One listed entry, read (or why it is not)."""
    if entry.problem is not None:
        return SeedFile(entry.source_file, None, entry.problem, entry.unlisted_folder)
    try:
        return SeedFile(entry.source_file, read_file(entry.path, policy.max_file_bytes))
    except OSError as exc:
        return SeedFile(entry.source_file, None, unreadable(exc))


def read_seed_files(seeds_dir: Path, only: set[str] | None = None, entries: list[SeedEntry] | None = None,
                    policy: ReadPolicy = ReadPolicy()) -> Iterator[SeedFile]:
    """The entries below ``seeds_dir`` (or just the relative paths in ``only``), read;
    ``entries`` is the folder's listing when the caller already made it."""
    for entry in list_seed_entries(seeds_dir, policy) if entries is None else entries:
        if only is None or entry.source_file in only:
            yield read_entry(entry, policy)
