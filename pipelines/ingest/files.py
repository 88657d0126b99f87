"""List and read the seed folder: every entry below it accounted for, nothing outside it read.

The only file-system code of the ingest layer. Every entry below the folder (dotfiles and
dot-folders aside) is listed: a regular file is read (up to a size cap); anything that is
not one (a FIFO, a socket, a device, a broken or looping link, a link that leads outside the
folder, a name that is not UTF-8, a folder that cannot be listed) is listed with the reason
it is not read, so that it reaches the quarantine instead of vanishing, and nothing can
block the run (files are opened non-blocking and checked to be regular before reading).

Nothing outside the folder is read even when an entry is swapped for a link after it was
listed: a file is opened one path component at a time below a descriptor of the folder,
none of them followed if it is a link (``O_NOFOLLOW``), and what was opened is checked on the
descriptor itself (``fstat``), never by looking the path up twice. A file with other hard
links (another name, perhaps outside the folder) is not read unless the policy allows it.
The listing walks the tree with a stack, not recursion, so no depth makes it crash, and an
entry that changes while it is listed is listed with what happened to it.
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
    """What may be read: how many bytes per file, whether links may leave the folder, and
    whether a file may have other hard links."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    allow_outside_links: bool = False
    allow_hard_links: bool = False


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
    elif _system_folder(root):
        problem = "a folder of the system, not of articles: it is not read"
    if problem:
        raise SeedFolderError(f"{setting}={value!r} resolves to {root}, {problem} (working directory {cwd})")
    return root


# Folders that hold the system, never articles: reading one as SEEDS_DIR would walk the whole
# machine (or /proc's endless files).
_SYSTEM_FOLDERS = frozenset(map(Path, ("/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/run",
                                        "/sbin", "/sys", "/usr", "/var")))
_PSEUDO_TREES = tuple(map(Path, ("/proc", "/sys", "/dev")))


def _system_folder(root: Path) -> bool:
    real = Path(os.path.realpath(root))
    return real in _SYSTEM_FOLDERS or any(real.is_relative_to(tree) for tree in _PSEUDO_TREES)


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
        # Named as the link writes it: a resolved /proc/self/... names this process, and the
        # reason would change with every run.
        return (f"symbolic link to {display_name(os.readlink(path))}, outside the seeds folder: not read "
                "(SEEDS_ALLOW_OUTSIDE_LINKS)")
    return None


def _examined(item: os.DirEntry, relative: str, root: Path, policy: ReadPolicy) -> SeedEntry:
    """The listing's entry for one non-folder item: a file to read, or why it is not."""
    path = Path(item.path)
    problem = _link_problem(path, root, policy) if item.is_symlink() else None
    status = None
    if problem is None:
        try:
            status = item.stat(follow_symlinks=True)
            kind = _kind(status.st_mode)
        except OSError as exc:
            kind = f"cannot be examined: {exc.strerror or exc}"
        problem = None if kind is None else f"not a regular file: {kind}"
    return SeedEntry(relative, path, problem, size_bytes=None if status is None else status.st_size,
                     modified_ns=None if status is None else status.st_mtime_ns)


def list_seed_entries(seeds_dir: Path, policy: ReadPolicy = ReadPolicy()) -> list[SeedEntry]:
    """Every entry below ``seeds_dir`` in path order; dotfiles and dot-folders are skipped.

    Links to folders are not walked (a loop could not end); a link to a file is listed and
    followed only when its target is inside the folder (or ``policy`` allows outside links).
    """
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder not found: {seeds_dir}")
    entries: list[SeedEntry] = []
    folders = [(seeds_dir, "")]  # a stack: no depth of folders can exhaust Python's recursion
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            entries.append(SeedEntry(display_name(prefix.rstrip("/")), folder,
                                     f"folder cannot be listed: {exc.strerror or exc}; the files published from it "
                                     "are kept as they were", unlisted_folder=True))
            continue
        for item in items:
            if item.name.startswith("."):
                continue
            relative = prefix + item.name
            name = display_name(relative)
            if name != relative:
                entries.append(SeedEntry(name, Path(item.path),
                                         "file name is not valid UTF-8 (shown with \\x escapes): rename it"))
                continue
            try:
                if item.is_dir(follow_symlinks=False):
                    folders.append((Path(item.path), relative + "/"))
                    continue
                entries.append(_examined(item, relative, seeds_dir, policy))
            except OSError as exc:  # changed or removed while it was listed
                entries.append(SeedEntry(relative, Path(item.path),
                                         f"changed while the folder was listed: {exc.strerror or exc}"))
    return sorted(entries, key=lambda e: e.source_file)


def _open_below(root: Path, relative: str) -> int:
    """A descriptor of the file ``relative`` below ``root``, opened one component at a time
    below a descriptor of the folder, following no link (``O_NOFOLLOW``): a component swapped
    for a link after the listing fails to open (ELOOP) instead of leading out of the folder."""
    parts = relative.split("/")
    directory = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            below = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=directory)
            os.close(directory)
            directory = below
        return os.open(parts[-1], os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW, dir_fd=directory)
    finally:
        os.close(directory)


def open_seed_file(root: Path, relative: str, policy: ReadPolicy = ReadPolicy()) -> int:
    """A descriptor of the seed file ``relative``: opened below ``root`` without following a
    link; a listed link is followed to its target, which must still be inside the folder
    (or the policy allows outside links), the target opened the same way."""
    try:
        return _open_below(root, relative)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):  # what O_NOFOLLOW gives a link, of a file or a folder
            raise
    # A link (or a component swapped for one): where it leads now.
    real_root = Path(os.path.realpath(root))
    target = Path(os.path.realpath(root / relative))
    if target.is_relative_to(real_root):
        return _open_below(real_root, target.relative_to(real_root).as_posix())
    if policy.allow_outside_links:
        return os.open(target, os.O_RDONLY | os.O_NONBLOCK)
    raise OSError(errno.EXDEV, f"leads to {display_name(str(target))}, outside the seeds folder: not read")


def read_file_and_status(root: Path, relative: str, policy: ReadPolicy = ReadPolicy()
                         ) -> tuple[bytes, os.stat_result]:
    """A seed file's bytes and its status when opened (``open_seed_file``), never blocking:
    opened non-blocking, checked regular on the descriptor, capped.

    Read in a buffer of the file's own size: a buffer of the cap (20 MB) shrunk to a few KB
    stays a memory mapping of its own in glibc, and 65,530 of them (the kernel's
    ``vm.max_map_count``) make every later allocation fail, near 65,000 files read."""
    max_bytes = policy.max_file_bytes
    fd = open_seed_file(root, relative, policy)
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        kind = _kind(status.st_mode)
        if kind is not None:
            raise OSError(errno.EINVAL, f"not a regular file: {kind}")
        if status.st_nlink > 1 and not policy.allow_hard_links:
            raise OSError(errno.EMLINK, f"has {status.st_nlink} hard links (other names, perhaps outside the seeds "
                          "folder): not read (SEEDS_ALLOW_HARD_LINKS)")
        data = handle.read(min(status.st_size, max_bytes) + 1)
        if len(data) > status.st_size:  # it grew since fstat: the rest, up to the cap
            data += handle.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"file is larger than MAX_FILE_BYTES={max_bytes:,} bytes")
    return data, status


def read_file(root: Path, relative: str, policy: ReadPolicy = ReadPolicy()) -> bytes:
    """A seed file's bytes (``read_file_and_status``)."""
    return read_file_and_status(root, relative, policy)[0]


def unreadable(exc: OSError) -> str:
    """Why a file could not be read, as the quarantine says it."""
    return f"cannot read file: {exc.strerror or exc}"


def read_entry(root: Path, entry: SeedEntry, policy: ReadPolicy = ReadPolicy()) -> SeedFile:
    """One listed entry of the folder ``root``, read (or why it is not)."""
    if entry.problem is not None:
        return SeedFile(entry.source_file, None, entry.problem, entry.unlisted_folder)
    try:
        return SeedFile(entry.source_file, read_file(root, entry.source_file, policy))
    except OSError as exc:
        return SeedFile(entry.source_file, None, unreadable(exc))


def read_seed_files(seeds_dir: Path, only: set[str] | None = None, entries: list[SeedEntry] | None = None,
                    policy: ReadPolicy = ReadPolicy()) -> Iterator[SeedFile]:
    """The entries below ``seeds_dir`` (or just the relative paths in ``only``), read;
    ``entries`` is the folder's listing when the caller already made it."""
    for entry in list_seed_entries(seeds_dir, policy) if entries is None else entries:
        if only is None or entry.source_file in only:
            yield read_entry(seeds_dir, entry, policy)
