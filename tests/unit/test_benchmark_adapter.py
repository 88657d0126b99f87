"""The peer benchmark's adapter reads the peer's currency resolutions as GUIDELINES.md does
(no peer needed: the adapter's mapping is a pure function)."""

from __future__ import annotations

import pytest

from tests.benchmarks.run_benchmark import peer_currency


@pytest.mark.parametrize(("resolution", "code"), [
    ({"unit": "Hong Kong dollar", "isoCurrency": "HKD"}, "HKD"),  # the peer's own code first
    ({"unit": "Dollar", "isoCurrency": None}, "USD"),  # a bare $: GUIDELINES reads it as USD
    ({"unit": "Dollar"}, "USD"),
    ({"unit": "Chinese yuan", "isoCurrency": None}, "CNY"),  # its reading of ￥ in Chinese text
    ({"unit": "Cent", "isoCurrency": None}, None),  # whose cent: no code follows
    ({"unit": "Jiao", "isoCurrency": None}, None),  # 角 of a yuan or of a New Taiwan dollar
    ({}, None),
])
def test_peer_currency(resolution, code):
    assert peer_currency(resolution) == code
