"""QRIS encode/decode/validate (pure, no database), with CRCs checked by an independent bit-by-bit
CRC-16/CCITT-FALSE."""

from __future__ import annotations

import pytest

from kotapintar.lib import qris

# Known-good payloads published by others (EMVCo MPM specification sample; static QRIS codes of
# Indonesian merchants as printed in public repositories). Their CRCs were computed by their issuers.
EMVCO_SAMPLE = (
    "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN"
    "5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***"
    "0708A60086670902ME91320016A0112233449988770708123456786304A13A"
)
QRIS_SAMPLES = [
    "00020101021126550016ID.CO.SHOPEE.WWW01189360091800000000180202180303UBE51440014ID.CO.QRIS.WWW0215"
    "ID20190022915550303UBE5204839853033605802ID5906Baznas6013Jakarta Pusat61051034062070703A016304A402",
    "00020101021126690021ID.CO.BANKMANDIRI.WWW01189360000801903662320211719036623250303UMI51440014ID.CO."
    "QRIS.WWW0215ID10254355825370303UMI5204508553033605802ID5925gh store Perlengkapan Ind6012Kediri (Kab)"
    "61056415462070703A0163044DC9",
    "00020101021226650013CO.XENDIT.WWW01189360084800000000020215WNtXtb6qmr4ZJBw0303UME51370014ID.CO.QRIS."
    "WWW0215ID20253781998505204509953033605405100715802ID5922PT Harta Tahta Sukaria6013JAKARTA PUSAT"
    "61051034062290525jnKoyvoo7dqcUcM86B9hvu6bC6304F1E5",
]
MERCHANT = qris.Merchant(
    name="Batik Setono Jaya",
    city="PEKALONGAN",
    mcc="5699",
    pan="936000000000012345",
    merchant_id="KP0001",
    nmid="ID1025123456789",
    postal_code="51126",
)


def bitwise_crc(data: bytes) -> int:
    """CRC-16/CCITT-FALSE written out bit by bit, independent of the table-driven implementation."""
    crc = 0xFFFF
    for byte in data:
        for i in range(8):
            bit = (byte >> (7 - i)) & 1
            top = (crc >> 15) & 1
            crc = (crc << 1) & 0xFFFF
            if top ^ bit:
                crc ^= 0x1021
    return crc


def test_crc_check_value() -> None:
    assert qris.crc16_hex("123456789") == "29B1"
    assert bitwise_crc(b"123456789") == 0x29B1


@pytest.mark.parametrize("text", ["", "A", "000201010211", "最佳运输6304", "x" * 600])
def test_crc_agrees_with_the_bitwise_crc(text: str) -> None:
    assert qris.crc16_hex(text) == f"{bitwise_crc(text.encode('utf-8')):04X}"


@pytest.mark.parametrize("payload", [EMVCO_SAMPLE, *QRIS_SAMPLES])
def test_known_good_payloads_have_the_crc_an_independent_crc_computes(payload: str) -> None:
    assert f"{bitwise_crc(payload[:-4].encode('utf-8')):04X}" == payload[-4:]
    assert qris.decode(payload).value("63") == payload[-4:]


def test_lengths_count_characters_not_bytes() -> None:
    decoded = qris.decode(EMVCO_SAMPLE)
    language = decoded.get("64")
    assert language is not None
    assert language.child("01") is not None and language.child("01").value == "最佳运输"  # type: ignore[union-attr]
    assert decoded.amount == "23.72"


@pytest.mark.parametrize("payload", QRIS_SAMPLES)
def test_real_qris_samples_pass_strict_validation(payload: str) -> None:
    decoded = qris.decode(payload, strict_qris=True)
    assert decoded.value("53") == "360" and decoded.value("58") == "ID"
    assert decoded.nmid().startswith("ID")


def test_static_encode_round_trips() -> None:
    payload = qris.encode(MERCHANT)
    decoded = qris.decode(payload, strict_qris=True)
    assert not decoded.dynamic and decoded.amount_idr is None
    assert decoded.merchant_name == "Batik Setono Jaya"
    assert decoded.value("61") == "51126"
    assert f"{bitwise_crc(payload[:-4].encode()):04X}" == payload[-4:]


def test_dynamic_encode_carries_amount_and_reference() -> None:
    payload = qris.encode(MERCHANT, amount_idr=150_000, reference="INV-7", terminal="POS1")
    decoded = qris.decode(payload, strict_qris=True)
    assert decoded.dynamic and decoded.amount_idr == 150_000
    assert decoded.additional("05") == "INV-7" and decoded.additional("07") == "POS1"


def test_static_to_dynamic_conversion() -> None:
    dynamic = qris.to_dynamic(QRIS_SAMPLES[0], amount_idr=25_000)
    decoded = qris.decode(dynamic, strict_qris=True)
    assert decoded.dynamic and decoded.amount_idr == 25_000
    tags = [o.tag for o in decoded.objects]
    assert tags.index("54") < tags.index("58")
    assert decoded.merchant_name == "Baznas"


def _replace(payload: str, old: str, new: str) -> str:
    body = payload[:-4].replace(old, new, 1)
    return qris.with_crc(body[:-4]) if body.endswith("6304") else body


@pytest.mark.parametrize(
    ("payload", "code", "tag"),
    [
        ("", "empty", ""),
        (QRIS_SAMPLES[0][:-4] + "0000", "crc_mismatch", "63"),
        (QRIS_SAMPLES[0].replace("Baznas", "Bazna5"), "crc_mismatch", "63"),  # altered name, old CRC
        (QRIS_SAMPLES[0][:40], "bad_length", ""),
        ("0002010102116304ABCD"[:-4] + "63", "bad_length", "63"),
        ("00020101021152045812", "missing_tag", "63"),
        (_replace(QRIS_SAMPLES[0], "5802ID", ""), "missing_tag", "58"),
        (_replace(QRIS_SAMPLES[0], "010211", "010213"), "out_of_range", "01"),
        (_replace(QRIS_SAMPLES[0], "5802ID", "5802id"), "out_of_range", "58"),
        (_replace(QRIS_SAMPLES[0], "52048398", "5203839"), "out_of_range", "52"),
        (_replace(QRIS_SAMPLES[0], "0303UBE5144", "0303XYZ5144"), "out_of_range", "26.03"),
        (_replace(QRIS_SAMPLES[0], "5802ID", "5802ID5802ID"), "duplicate_tag", "58"),
        (_replace(QRIS_SAMPLES[0], "5303360", "5303360540200"), "out_of_range", "54"),
        (_replace(QRIS_SAMPLES[0], "5906Baznas", "5926" + "B" * 26), "out_of_range", "59"),
        (QRIS_SAMPLES[0] + "6502AB", "crc_not_last", "63"),
        ("AB" + QRIS_SAMPLES[0][2:], "bad_tag", ""),
    ],
)
def test_invalid_payloads_get_precise_errors(payload: str, code: str, tag: str) -> None:
    with pytest.raises(qris.QrisError) as err:
        qris.decode(payload)
    assert err.value.code == code
    if tag:
        assert err.value.tag == tag


def test_strict_mode_requires_idr() -> None:
    with pytest.raises(qris.QrisError) as err:
        qris.decode(EMVCO_SAMPLE, strict_qris=True)
    assert err.value.code in ("missing_tag", "out_of_range")
