"""The folder listing: every entry accounted for, nothing outside read, nothing blocks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines.hops import raw_hop
from pipelines.ingest import files
from pipelines.ingest.files import ReadPolicy, list_seed_entries, read_seed_files

TEXT = "标题\n\n营收增长12%。\n"


def test_links_outside_are_refused_unless_allowed(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text(TEXT, "utf-8")
    (folder / "out.txt").symlink_to(tmp_path / "outside.txt")
    (folder / "zero").symlink_to("/dev/zero")
    (folder / "inside.txt").write_text(TEXT, "utf-8")
    (folder / "in_link.txt").symlink_to(folder / "inside.txt")
    refused = {f.source_file: f for f in read_seed_files(folder)}
    assert "outside the seeds folder" in refused["out.txt"].read_error
    assert refused["in_link.txt"].content == TEXT.encode()  # a link inside the folder is read
    allowed = {f.source_file: f for f in read_seed_files(folder, policy=ReadPolicy(allow_outside_links=True))}
    assert allowed["out.txt"].content == TEXT.encode()
    assert allowed["zero"].read_error == "not a regular file: a character device"  # never read, never blocks


def test_a_file_over_the_cap_is_not_read(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"x" * 101)
    (tmp_path / "small.txt").write_bytes(b"x" * 100)
    found = {f.source_file: f for f in read_seed_files(tmp_path, policy=ReadPolicy(max_file_bytes=100))}
    assert found["small.txt"].content == b"x" * 100
    assert found["big.txt"].content is None and "larger than MAX_FILE_BYTES=100" in found["big.txt"].read_error


def _mappings() -> int:
    with open(f"/proc/{os.getpid()}/maps", encoding="ascii") as maps:
        return sum(1 for _ in maps)


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs Linux's /proc")
def test_reading_many_files_keeps_no_memory_mapping_per_file(tmp_path):
    """Each read used to keep a 20 MB buffer's mapping; 65,530 of them failed every allocation."""
    for i in range(3000):
        (tmp_path / f"{i}.txt").write_bytes(TEXT.encode() * 50)
    before = _mappings()
    kept = list(read_seed_files(tmp_path))  # the bytes stay alive, as in a run
    assert len(kept) == 3000 and all(f.content == TEXT.encode() * 50 for f in kept)
    assert _mappings() - before < 300


def test_a_file_that_grows_while_read_is_read_whole_up_to_the_cap(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 10)
    real_fstat = os.fstat
    monkeypatch.setattr(files.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 4, *real_fstat(fd)[7:])))
    assert files.read_file(tmp_path, "growing.txt", files.ReadPolicy(max_file_bytes=100)) == b"x" * 10  # fstat: 4
    with pytest.raises(OSError, match="larger than"):
        files.read_file(tmp_path, "growing.txt", files.ReadPolicy(max_file_bytes=8))


def test_a_folder_that_cannot_be_listed_keeps_its_published_files(tmp_path, monkeypatch):
    folder = tmp_path / "seeds"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "a.txt").write_text(TEXT, "utf-8")
    (folder / "open.txt").write_text(TEXT, "utf-8")
    real = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    [locked, opened] = list_seed_entries(folder)
    assert locked.source_file == "locked" and locked.unlisted_folder
    assert "folder cannot be listed: Permission denied" in locked.problem
    known = {"locked/a.txt": "a" * 64, "open.txt": "b" * 64}
    raw = raw_hop(folder, known)
    rows = {r["source_file"]: r for r in raw.iter_rows(named=True)}
    assert rows["locked/a.txt"]["change"] == "unchanged" and rows["locked/a.txt"]["content_sha256"] == "a" * 64
    assert rows["locked"]["read_error"].startswith("folder cannot be listed") and rows["open.txt"]["change"] == "changed"


@pytest.mark.parametrize("name", [b"\xb2\xe2.txt", b"caf\xe9.txt"])
def test_a_name_that_is_not_utf8_is_listed_escaped(tmp_path, name):
    (tmp_path / os.fsdecode(name)).write_text(TEXT, "utf-8")
    [entry] = list_seed_entries(tmp_path)
    assert entry.source_file == name.decode("utf-8", "backslashreplace")
    assert "not valid UTF-8" in entry.problem
    assert raw_hop(tmp_path)["source_file"].to_list() == [entry.source_file]


def test_a_file_with_the_recorded_size_and_time_is_not_read(tmp_path):
    from pipelines.ingest.files import FileStat

    (tmp_path / "same.txt").write_text(TEXT, "utf-8")
    (tmp_path / "touched.txt").write_text(TEXT, "utf-8")
    old = 1_600_000_000_000_000_000
    for name in ("same.txt", "touched.txt"):
        os.utime(tmp_path / name, ns=(old, old))
    entries = {e.source_file: e for e in list_seed_entries(tmp_path)}
    stats = {name: FileStat.of(entry) for name, entry in entries.items()}
    known = {name: "0" * 64 for name in entries}  # hashes that no longer match the bytes
    os.utime(tmp_path / "touched.txt", ns=(old, old + 1000))  # a microsecond later: read again
    rows = {r["source_file"]: r for r in raw_hop(tmp_path, known, stats=stats).iter_rows(named=True)}
    assert rows["same.txt"]["change"] == "unchanged" and rows["same.txt"]["content_sha256"] == "0" * 64
    assert rows["touched.txt"]["change"] == "changed"


def test_a_file_changed_just_before_it_was_read_keeps_no_time(tmp_path):
    from pipelines.ingest.files import FileStat

    (tmp_path / "f.txt").write_text(TEXT, "utf-8")
    status = os.stat(tmp_path / "f.txt")
    assert FileStat.trusted(status, now_ns=status.st_mtime_ns + 1_000_000_000) is None
    trusted = FileStat.trusted(status, now_ns=status.st_mtime_ns + 3_000_000_000)
    assert trusted.size_bytes == len(TEXT.encode()) and trusted.modified_at.year >= 2026


def test_a_file_swapped_for_a_link_after_the_listing_is_not_read_through_it(tmp_path):
    folder, outside = tmp_path / "seeds", tmp_path / "outside"
    (folder / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET", "utf-8")
    (folder / "a.txt").write_text(TEXT, "utf-8")
    (folder / "sub" / "b.txt").write_text(TEXT, "utf-8")
    entries = list_seed_entries(folder)  # listed while regular files
    (folder / "a.txt").unlink()
    (folder / "a.txt").symlink_to(outside / "secret.txt")  # the file swapped for a link
    shutil.rmtree(folder / "sub")
    (folder / "sub").symlink_to(outside)  # and a folder too
    (outside / "b.txt").write_text("SECRET", "utf-8")
    read = {f.source_file: f for f in (files.read_entry(folder, e) for e in entries)}
    assert read["a.txt"].content is None and "outside the seeds folder" in read["a.txt"].read_error
    assert read["sub/b.txt"].content is None and "outside the seeds folder" in read["sub/b.txt"].read_error


def test_a_file_with_another_hard_link_is_not_read_unless_allowed(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (tmp_path / "elsewhere.txt").write_text("SECRET", "utf-8")
    os.link(tmp_path / "elsewhere.txt", folder / "linked.txt")
    [refused] = read_seed_files(folder)
    assert refused.content is None and "has 2 hard links" in refused.read_error
    [allowed] = read_seed_files(folder, policy=files.ReadPolicy(allow_hard_links=True))
    assert allowed.content == b"SECRET"


def _remove_deep(top: Path) -> None:
    """Remove a chain of folders too deep for shutil.rmtree (which recurses), bottom up."""
    chain = [os.open(top, os.O_RDONLY)]
    while True:
        names = os.listdir(chain[-1])
        folders = [n for n in names if n == "d"]
        for name in names:
            if name != "d":
                os.unlink(name, dir_fd=chain[-1])
        if not folders:
            break
        chain.append(os.open("d", os.O_RDONLY, dir_fd=chain[-1]))
    os.close(chain.pop())
    while chain:
        os.rmdir("d", dir_fd=chain[-1])
        os.close(chain.pop())
    os.rmdir(top)


def test_listing_never_crashes_deep_folders_vanishing_links_or_the_system_root(tmp_path, monkeypatch, request):
    deep = tmp_path / "seeds"
    request.addfinalizer(lambda: _remove_deep(deep))
    fd = os.open(tmp_path, os.O_RDONLY)
    os.mkdir("seeds", dir_fd=fd)
    current = os.open("seeds", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    for _ in range(1100):  # deeper than Python's recursion limit, and than PATH_MAX allows as one path
        os.mkdir("d", dir_fd=current)
        below = os.open("d", os.O_RDONLY, dir_fd=current)
        os.close(current)
        current = below
    with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=current), "w") as handle:
        handle.write(TEXT)
    os.close(current)
    (deep / "dangling.txt").symlink_to(deep / "gone.txt")
    real_readlink = os.readlink
    monkeypatch.setattr(files.os, "readlink", lambda path: (_ for _ in ()).throw(FileNotFoundError(2, "gone")))
    entries = {e.source_file: e for e in list_seed_entries(deep)}  # the link vanishes while it is examined
    monkeypatch.setattr(files.os, "readlink", real_readlink)
    assert "changed while the folder was listed" in entries["dangling.txt"].problem
    [deepest] = [name for name in entries if name.endswith("deep.txt")]
    assert deepest.count("/") == 1100
    read = files.read_entry(deep, entries[deepest])
    assert read.content == TEXT.encode() or "cannot" in (read.read_error or "")
    for root in ("/", "/proc", "/proc/self", "/etc"):
        with pytest.raises(files.SeedFolderError, match="a folder of the system"):
            files.check_seed_folder("SEEDS_DIR", root, Path("/"))
