"""A folder of hostile inputs, generated here, through `dagster asset materialize` as users run
it: the run succeeds, every entry is a document or a quarantine row with a clear reason,
nothing outside the folder is read, no published value is wrong or non-finite, and the run
finishes in a time bounded by the input's size."""

from __future__ import annotations

import base64
import math
import os
import socket
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.automation import folder_fingerprint
from pipelines.resources import SeedFolder
from tests.readme import readme_command, run_in, sandbox

pytestmark = pytest.mark.integration

SECRET = "TOP-SECRET-MARKER-4242"
MAX_FILE_BYTES = 200_000
ARTICLE = "美国收紧芯片出口管制。英伟达表示，中国市场营收占比约为13%。\n"


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("title: *h")
    return "---\n" + "\n".join(lines) + "\n---\n" + ARTICLE


def make_hostile_folder(root: Path) -> dict[str, str]:
    """The cases, written below ``root / "seeds"``; name -> what must become of it."""
    folder, outside = root / "seeds", root / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(f"机密\n{SECRET} 营收增长50%。\n", "utf-8")
    os.mkfifo(outside / "pipe")
    os.mkfifo(folder / "inside_pipe")
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(folder / "sock"))
    listening.close()
    files = {
        "counter_overflow.md": "---\ntitle: 问题\n---\n关注者\n99999999999999999999\n" + ARTICLE,
        "blog_overflow.txt": "标题\n作者 (2024-11-02 12:39:42) 評論 (99999999999999999999)\n" + ARTICLE,
        "digits_line.txt": "一行数字\n\n" + "7" * 20_000 + "\n" + ARTICLE,
        "brackets.txt": "括号\n\n" + "[" * 100_000 + "\n" + ARTICLE,
        "spaces.txt": "空格\n\n" + " " * 100_000 + "x\n" + ARTICLE,
        "long_sentence.txt": "长句\n\n" + ("2020年增长1%，" * 800)[:8000] + "\n",
        "one_sentence.txt": "一句话\n\n" + "，".join(f"第{i}项营收增长{i % 90 + 1}%" for i in range(4500))[:54_000] + "。\n",
        "alias_bomb.md": alias_bomb(),
        "bad_date.md": "---\ntitle: 日期\ndate_published: 2024-02-30\n---\n" + ARTICLE,
        "binary_title.md": "---\ntitle: !!binary " + base64.b64encode(b"hello").decode() + "\nurl: {a: 1}\n---\n"
                           + ARTICLE,
        "wrong_values.txt": "Wrong values\n\n营收增长5%至50亿美元。Sales fell 3% to 20 billion yuan. "
                            "The workforce grew 10% to 5,000 employees. Revenue rose 5% to $5 million.\n",
        "huge_numbers.txt": "Huge\n\n" + "1" + "0" * 400 + "美元。" + "一" + "亿" * 40 + "美元。"
                            "It lost -$5 million. 出口额为1\u200b00亿美元。\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    (folder / "invalid_byte.txt").write_bytes(("字节\n\n" + ARTICLE * 150).encode() + b"\xff" + ARTICLE.encode())
    (folder / "utf16_nobom.txt").write_bytes(("编码\n\n" + ARTICLE).encode("utf-16-le"))
    (folder / "utf16be_nobom.txt").write_bytes(("编码\n\n" + ARTICLE).encode("utf-16-be"))
    (folder / "one_nul.txt").write_bytes(("空字节\n\n" + ARTICLE).encode()[:20] + b"\x00" + ("\n" + ARTICLE).encode())
    (folder / "one_line.txt").write_text("英伟达表示，中国市场营收占比约为13%。", "utf-8")
    (folder / "far_dates.md").write_text("---\ntitle: 日期\ndate_published: 0001-01-01\ndate_saved: 9999-12-31\n---\n"
                                         + ARTICLE, "utf-8")
    (folder / "proc_link.txt").symlink_to("/proc/self/environ")
    os.link(outside / "secret.txt", folder / "hard_link.txt")
    (folder / "too_big.txt").write_text("大\n\n" + ARTICLE * (MAX_FILE_BYTES // len(ARTICLE.encode()) + 10), "utf-8")
    (folder / os.fsdecode(b"\xb2\xe2\xca\xd4.txt")).write_text(ARTICLE, "utf-8")  # GBK bytes for 测试
    (folder / "secret_link.txt").symlink_to(outside / "secret.txt")
    (folder / "zero_link.txt").symlink_to("/dev/zero")
    (folder / "pipe_link.txt").symlink_to(outside / "pipe")
    (folder / "inside_pipe_link.txt").symlink_to(folder / "inside_pipe")
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    (folder / ".hidden.txt").write_text(ARTICLE, "utf-8")
    return {
        "counter_overflow.md": "followers_count",
        "blog_overflow.txt": "comments_count",
        "digits_line.txt": "document",
        "brackets.txt": "document",
        "spaces.txt": "document",
        "long_sentence.txt": "document",
        "one_sentence.txt": "document",
        "alias_bomb.md": "aliases are not allowed",
        "bad_date.md": "document",
        "binary_title.md": "document",
        "wrong_values.txt": "document",
        "huge_numbers.txt": "document",
        "invalid_byte.txt": "document",
        "utf16_nobom.txt": "document",
        "utf16be_nobom.txt": "document",
        "one_nul.txt": "document",
        "one_line.txt": "document",
        "far_dates.md": "document",
        "proc_link.txt": "symbolic link to /proc/self/environ, outside the seeds folder",
        "hard_link.txt": "has 2 hard links",
        "too_big.txt": "larger than MAX_FILE_BYTES",
        "\\xb2\\xe2\\xca\\xd4.txt": "file name is not valid UTF-8",
        "secret_link.txt": "outside the seeds folder",
        "zero_link.txt": "outside the seeds folder",
        "pipe_link.txt": "outside the seeds folder",
        "inside_pipe": "not a regular file: a FIFO",
        "inside_pipe_link.txt": "not a regular file: a FIFO",
        "sock": "not a regular file: a socket",
        "dangling.txt": "broken symbolic link",
        "loop_a.txt": "symbolic link loop",
        "loop_b.txt": "symbolic link loop",
    }


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expected = make_hostile_folder(root)
    size = sum(p.lstat().st_size for p in (root / "seeds").iterdir())
    checkout = sandbox(root / "checkout")
    started = time.monotonic()
    run = run_in(checkout, readme_command("build-seeds"), timeout=900, SEEDS_DIR=str(root / "seeds"),
                 MAX_FILE_BYTES=str(MAX_FILE_BYTES))
    return root, expected, run, time.monotonic() - started, size, checkout / "data" / "warehouse.duckdb"


def test_the_run_succeeds_in_bounded_time(hostile):
    _, _, run, seconds, size, _ = hostile
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert seconds < 30 + 60 * size / 1e6, f"{seconds:.0f} s for {size:,} bytes"


def test_every_entry_is_a_document_or_a_quarantine_row_with_its_reason(hostile):
    _, expected, _, _, _, db = hostile
    documents = {row[0] for row in query(db, "SELECT source_file FROM documents")}
    quarantine = dict(query(db, "SELECT source_file, reason FROM quarantine"))
    assert documents.isdisjoint(quarantine)
    assert documents | set(quarantine) == set(expected)
    for name, outcome in expected.items():
        if outcome == "document":
            assert name in documents, (name, quarantine.get(name))
        else:
            assert outcome in quarantine.get(name, ""), (name, quarantine.get(name))


def test_nothing_outside_the_folder_is_read(hostile):
    _, _, _, _, _, db = hostile
    hits = query(db, f"SELECT count(*) FROM documents WHERE body LIKE '%{SECRET}%' OR title LIKE '%{SECRET}%'")
    assert hits == [(0,)]


def test_repairs_are_recorded_on_the_document(hostile):
    _, _, _, _, _, db = hostile
    warnings = dict(query(db, "SELECT source_file, parse_warnings FROM documents WHERE parse_warnings IS NOT NULL"))
    assert "1 invalid UTF-8 byte(s) replaced" in warnings["invalid_byte.txt"]
    assert "date_published '2024-02-30' is not a date" in warnings["bad_date.md"]
    assert "title is a bytes" in warnings["binary_title.md"] and "url is a dict" in warnings["binary_title.md"]
    assert "UTF-16-LE" in warnings["utf16_nobom.txt"] and "UTF-16-BE" in warnings["utf16be_nobom.txt"]
    assert "1 NUL byte(s) removed from UTF-8 text" in warnings["one_nul.txt"]
    assert "date_published 0001-01-01 is outside 1900-2100" in warnings["far_dates.md"]
    assert "date_saved 9999-12-31 is outside 1900-2100" in warnings["far_dates.md"]
    bodies = dict(query(db, "SELECT source_file, body FROM documents WHERE source_file LIKE '%nobom%' "
                             "OR source_file IN ('one_nul.txt', 'one_line.txt')"))
    assert bodies["utf16be_nobom.txt"] == bodies["utf16_nobom.txt"] == ARTICLE.strip()  # no mojibake either way
    assert "中国市场营收占比约为13%" in bodies["one_nul.txt"]
    assert bodies["one_line.txt"] == "英伟达表示，中国市场营收占比约为13%。"  # a file of one line is its body too
    assert query(db, "SELECT count(*) FROM numeric_facts f JOIN documents d USING (doc_id) "
                     "WHERE d.source_file = 'one_line.txt'") == [(1,)]
    [(published_at, url)] = query(db, "SELECT published_at, url FROM documents WHERE source_file = 'bad_date.md'")
    assert published_at is None and url is None


def test_no_published_value_is_wrong_or_unbounded(hostile):
    _, _, _, _, _, db = hostile
    values = query(db, "SELECT value, value_high FROM numeric_facts")
    assert values and all(math.isfinite(v) and math.isfinite(h) for v, h in values)
    longest = query(db, "SELECT max(length(sentence)) FROM numeric_facts")[0][0]
    assert longest <= 1000
    wrong = query(db, "SELECT f.quantity_kind, f.value, f.value_high, f.unit FROM numeric_facts f "
                      "JOIN documents d USING (doc_id) WHERE d.source_file = 'wrong_values.txt' ORDER BY f.start_char")
    assert all(value == high for _, value, high, _ in wrong), wrong  # "X% to Y" is never a range
    assert ("money", 5e9, 5e9, "USD") in wrong and ("money", 2e10, 2e10, "CNY") in wrong
    assert ("people", 5000, 5000, "persons") in wrong and ("money", 5e6, 5e6, "USD") in wrong
    huge = query(db, "SELECT f.value, f.text FROM numeric_facts f JOIN documents d USING (doc_id) "
                     "WHERE d.source_file = 'huge_numbers.txt'")
    assert all(value != 0 and abs(value) < 1e300 for value, _ in huge), huge
    assert not any(value == 1e9 or value == 1e8 for value, _ in huge), huge  # 1[ZWSP]00亿 is not 1 or 0 亿


def test_the_sensor_fingerprints_the_folder_without_raising(hostile):
    root, *_ = hostile
    assert len(folder_fingerprint(SeedFolder(path=str(root / "seeds")))) == 64


def test_a_second_run_keeps_every_reason_removes_orphans_and_renders_far_dates(hostile):
    """Reasons do not change between runs (no process id in them); what a killed publish left
    beside the file goes; far dates never break the review site."""
    root, _, _, _, _, db = hostile
    reasons = dict(query(db, "SELECT source_file, reason FROM quarantine"))
    orphans = [db.with_name(f".{db.name}.0a1b.building"), db.with_name(f".{db.name}.0a1b.building.wal")]
    for orphan in orphans:
        orphan.write_bytes(b"half a warehouse")
    run = run_in(db.parents[1], readme_command("build-seeds"), timeout=900, SEEDS_DIR=str(root / "seeds"),
                 MAX_FILE_BYTES=str(MAX_FILE_BYTES))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert dict(query(db, "SELECT source_file, reason FROM quarantine")) == reasons
    assert not any(orphan.exists() for orphan in orphans)
    assert (db.with_name("warehouse.review") / "index.html").is_file()
