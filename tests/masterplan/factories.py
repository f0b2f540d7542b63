"""Factories and payload helpers of the master plan tests."""

from __future__ import annotations

from typing import Any

import factory

from kotapintar.esign.models import Document, DocumentSource, DocumentStatus


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    """A city document row (the quick-win figures count them; no PDF behind it)."""

    class Meta:
        model = Document

    code = factory.Sequence(lambda n: f"DOC{n:06d}")
    title = factory.Sequence(lambda n: f"Surat {n}")
    source = DocumentSource.UPLOAD
    status = DocumentStatus.DRAFT
    original_sha256 = "0" * 64


def programme_payload(code: str = "P-01", *, lead: str = "dinkominfo", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name_id": "Tanda Tangan Elektronik",
        "name_en": "Electronic signatures",
        "description": "",
        "horizon": "quick_win",
        "is_quick_win": True,
        "lead_opd": lead,
        "supporting_opds": [],
        "rpjmd_goal": "M1",
        "start_year": 2019,
        "end_year": 2020,
        "module_url": "/tte/",
        "activities": ["Sertifikat elektronik pejabat"],
        "budget": [
            {"year": 2019, "source": "APBD", "amount_idr": 350_000_000},
            {"year": 2020, "source": "APBN", "amount_idr": 100_000_000},
        ],
        "indicators": [
            {
                "code": f"{code}-O1",
                "kind": "output",
                "name": "Pejabat bersertifikat",
                "unit": "orang",
                "direction": "higher",
                "baseline": "0",
                "baseline_year": 2018,
                "targets": [
                    {"year": 2019, "target": "60", "realisation": "58"},
                    {"year": 2020, "target": "120", "realisation": None},
                ],
            }
        ],
    }
    data.update(overrides)
    return data
