"""The parser is linear in its input: eight times the input at most ~eight times the time.

Each unit is repeated to 20 K, 40 K, 80 K and 160 K characters, inside the shapes where it
can hurt (a body line, a header line, an editor line, front matter); growth over the whole
range is asserted (tests/growth.py), not absolute times, so a slow or busy machine does not
fail the test.
"""

from __future__ import annotations


import pytest

from pipelines.ingest.errors import RejectedFile
from pipelines.ingest.records import parse_document
from tests.growth import cpu_seconds, growth, max_growth

SIZES = (20_000, 40_000, 80_000, 160_000)


def _run(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


SHAPES = {
    "body line": lambda run: f"标题\n\n{run}\n",
    "header line": lambda run: f"标题\n{run}\n正文一句。\n",
    "editor line": lambda run: f"标题\n\n正文一句。\n编辑：{run}x\n- 相关新闻\n",
    "related item": lambda run: f"标题\n\n正文一句。\n编辑：王五\n- {run}x\n",
    "front matter body": lambda run: f"---\ntitle: 标题\nurl: http://a.b\n---\n{run}\n",
    "front matter title": lambda run: f"---\ntitle: '{run}'\n---\n正文一句。\n",
}
UNITS = ["1", "9,", "[", "](", "![", "**a ", "__x ", " ", "\t", "http://a", "关注者\n", "赞同 1", "1人赞同了该回答",
         "(2024-01-01 10:00:00) 評論 (", "·2024-01-01", "*", "\\", "#", "半导体出口管制。"]


def _parse(data: bytes) -> None:
    try:
        parse_document("adversarial.txt", data)
    except RejectedFile:
        pass


def _best_time(data: bytes, repeat: int = 3) -> float:
    return min(cpu_seconds(lambda: _parse(data)) for _ in range(repeat))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("unit", UNITS)
def test_parse_time_grows_linearly(shape, unit):
    inputs = [SHAPES[shape](_run(unit, n)).encode() for n in SIZES]
    times = [_best_time(data) for data in inputs]
    floor = 0.005  # below this, timer noise dominates: treat as the floor
    grew = growth(times, floor)
    if grew > max_growth(SIZES):  # a busy moment of the machine: measure both ends once more, longer
        times[0], times[-1] = _best_time(inputs[0], 7), _best_time(inputs[-1], 7)
        grew = growth(times, floor)
    assert grew <= max_growth(SIZES), f"{shape} of {unit!r}: times {[f'{t:.4f}' for t in times]}, x{grew:.1f} over 8x the text"
