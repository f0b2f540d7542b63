"""`kotapintar qris_decode`: the operator's QRIS decoder prints every tag or exits with the reason."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.lib.test_qris import QRIS_SAMPLES


def test_cli_prints_every_tag_and_sub_tag_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("qris_decode", QRIS_SAMPLES[0], "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is True and data["merchant_name"] == "Baznas"
    tags = {t["tag"]: t for t in data["tags"]}
    assert {c["tag"] for c in tags["26"]["children"]} == {"00", "01", "02", "03"}
    assert tags["62"]["children"][0] == {"tag": "07", "name": "Terminal Label", "length": 3, "value": "A01"}


def test_cli_exits_non_zero_with_the_reason() -> None:
    with pytest.raises(CommandError) as err:
        call_command("qris_decode", QRIS_SAMPLES[0][:-4] + "FFFF")
    assert err.value.returncode == 1
    assert "crc_mismatch" in str(err.value)
