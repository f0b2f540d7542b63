"""`kotapintar qris_decode`: the operator's QRIS decoder prints every tag or exits with the reason."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.lib.test_qris import QRIS_SAMPLES
from tests.lib.test_qris_wild import LONG_CITY, PIX, PROMPTPAY, THREE_DECIMALS


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


def test_cli_decodes_a_deviating_payload_with_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("qris_decode", THREE_DECIMALS)
    captured = capsys.readouterr()
    assert "warning: 54: amount '10.505' has more than 2 decimals" in captured.err
    assert "54  6 Transaction Amount: 10.505" in captured.out
    assert "decoded with 1 warning(s)" in captured.out


def test_cli_json_lists_the_warnings_with_their_tags(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("qris_decode", PROMPTPAY, "--json")
    data = json.loads(capsys.readouterr().out)
    assert [w.split(":")[0] for w in data["warnings"]] == ["52", "59", "60"]


@pytest.mark.parametrize("payload", [THREE_DECIMALS, LONG_CITY, PROMPTPAY])
def test_cli_strict_refuses_format_deviations(payload: str) -> None:
    with pytest.raises(CommandError) as err:
        call_command("qris_decode", payload, "--strict")
    assert err.value.returncode == 1


@pytest.mark.parametrize("strict", [[], ["--strict"]])
def test_cli_refuses_a_broken_tlv_in_both_modes(strict: list[str]) -> None:
    with pytest.raises(CommandError) as err:
        call_command("qris_decode", "AB" + PIX[2:], *strict)
    assert "bad_tag" in str(err.value)
