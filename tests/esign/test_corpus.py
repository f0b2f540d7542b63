"""The verification corpus (tests/esign/corpus/, built by ``corpus/build.py``): every attack file is not
valid with the expected reason code; every honest file — multi-signature and allowed form fill included —
is valid. The corpus root is passed as an extra trust anchor, as ``esign-verify --trust-root`` does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest
from asn1crypto import pem

from kotapintar.core.errors import DomainError
from kotapintar.esign import schemas, verification

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, Any] = json.loads((CORPUS / "expected.json").read_text())
ROOT = (pem.unarmor((CORPUS / "root.pem").read_bytes())[2],)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gets_its_expected_verdict(pki: Any, name: str) -> None:
    expected = EXPECTED[name]
    report = verification.verify_pdf((CORPUS / name).read_bytes(), extra_roots=ROOT)
    assert report["conclusion"] == expected["conclusion"]
    assert len(report["signatures"]) == len(expected["signatures"])
    for got, want in zip(report["signatures"], expected["signatures"], strict=True):
        assert got["valid"] is want["valid"], got["problems"]
        if want["valid"]:
            assert got["problems"] == []
        else:
            assert set(want["problems"]) <= set(got["problems"]), got["problems"]
        for check, code in want["checks"].items():
            if check == "changes":
                assert code in got["checks"]["modification"]["changes"]
            else:
                assert got["checks"][check]["code"] == code, (check, got["checks"])


PYHANKO = CORPUS / "pyhanko"
PYHANKO_EXPECTED: dict[str, Any] = json.loads((PYHANKO / "expected.json").read_text())
PYHANKO_ROOT = (pem.unarmor((PYHANKO / "root.pem").read_bytes())[2],)


@pytest.mark.parametrize("name", sorted(PYHANKO_EXPECTED))
def test_pyhanko_test_file_is_not_valid_for_the_expected_reason(pki: Any, name: str) -> None:
    """Files from pyHanko's own test data (MIT, corpus/README.md), with pyHanko's expected results."""
    expected = PYHANKO_EXPECTED[name]
    report = verification.verify_pdf((PYHANKO / name).read_bytes(), extra_roots=PYHANKO_ROOT)
    assert report["conclusion"] == "INVALID"
    first = report["signatures"][0]
    assert first["valid"] is False
    assert set(expected["problems"]) <= set(first["problems"]), first["problems"]
    for check, code in expected["checks"].items():
        assert first["checks"][check]["code"] == code, (check, first["checks"])


def test_corpus_root_is_needed(pki: Any) -> None:
    """Without the corpus root, an honest corpus file is untrusted (the test above is not vacuous)."""
    report = verification.verify_pdf((CORPUS / "honest-certified.pdf").read_bytes())
    assert report["signatures"][0]["checks"]["trust"]["code"] == "untrusted"


def test_check_codes_match_the_api_schema() -> None:
    """The codes the verifier may emit are exactly the ones the API schema declares."""
    for name, codes in verification.CHECK_CODES.items():
        field: Any = schemas.ChecksOut.model_fields[name].annotation
        assert set(get_args(field.model_fields["code"].annotation)) == set(codes), name
    assert set(get_args(schemas.ChangeKind)) == set(verification.CHANGE_KINDS)


@pytest.mark.parametrize("name", ["honest-two-signatures.pdf", "swa-byterange-wrapping.pdf"])
def test_damaged_files_never_crash(pki: Any, name: str) -> None:
    """Truncated or byte-damaged corpus files: a report or a domain error with a code, never a crash."""
    data = (CORPUS / name).read_bytes()
    variants = [data[:cut] for cut in range(len(data) // 7, len(data), len(data) // 7)]
    for step in range(97, len(data), len(data) // 13):
        damaged = bytearray(data)
        damaged[step] ^= 0x5A
        variants.append(bytes(damaged))
    for variant in variants:
        try:
            report = verification.verify_pdf(variant, extra_roots=ROOT)
        except DomainError as exc:
            assert exc.code
            continue
        assert report["conclusion"] in ("VALID", "INVALID", "NO_SIGNATURE")
        for sig in report["signatures"]:
            assert sig["valid"] or sig["problems"]
