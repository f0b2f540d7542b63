"""Reference data of the Kominfo "Gerakan Menuju 100 Smart City" programme (configurable defaults).

Loaded into the database by `services.reference_ensure()`; edit the rows afterwards, not this file.
Sources: shared/domain/smart-city-masterplan.md (§2 taxonomy, §3 stages, §5 readiness, §6 horizons
and chapters, §7 evaluation weights).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# code, name (id), name (en), elements [(code, id, en)]
DIMENSIONS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "GOV",
        "Smart Governance",
        "Smart Governance",
        [
            ("GOV-1", "Layanan Publik", "Public Service"),
            ("GOV-2", "Tata Kelola Birokrasi", "Bureaucracy"),
            ("GOV-3", "Kebijakan Publik", "Public Policy"),
        ],
    ),
    (
        "BRA",
        "Smart Branding",
        "Smart Branding",
        [
            ("BRA-1", "Branding Pariwisata", "Tourism Branding"),
            ("BRA-2", "Branding Bisnis", "Business Branding"),
            ("BRA-3", "Branding Wajah Kota", "City Appearance"),
        ],
    ),
    (
        "ECO",
        "Smart Economy",
        "Smart Economy",
        [
            ("ECO-1", "Industri", "Industry"),
            ("ECO-2", "Kesejahteraan", "Welfare"),
            ("ECO-3", "Transaksi", "Transaction"),
        ],
    ),
    (
        "LIV",
        "Smart Living",
        "Smart Living",
        [
            ("LIV-1", "Harmonisasi (Tata Ruang)", "Harmony"),
            ("LIV-2", "Kesehatan", "Health"),
            ("LIV-3", "Mobilitas/Transportasi", "Mobility"),
        ],
    ),
    (
        "SOC",
        "Smart Society",
        "Smart Society",
        [
            ("SOC-1", "Komunitas", "Community"),
            ("SOC-2", "Ekosistem Belajar/Pendidikan", "Learning Ecosystem"),
            ("SOC-3", "Keamanan", "Security"),
        ],
    ),
    (
        "ENV",
        "Smart Environment",
        "Smart Environment",
        [
            ("ENV-1", "Proteksi Lingkungan", "Environmental Protection"),
            ("ENV-2", "Sampah & Limbah", "Waste"),
            ("ENV-3", "Energi", "Energy"),
        ],
    ),
]

DEFAULT_HORIZON_YEARS: dict[str, int] = {"quick_win": 1, "short": 3, "medium": 5, "long": 10}
DEFAULT_PROGRESS_WEIGHTS: dict[str, int] = {"deliverables": 80, "worksheets": 20}

CHAPTER_TEMPLATE: dict[str, Any] = {
    "code": "kominfo-2018",
    "name": "Masterplan Smart City (Kominfo 2018)",
    "items": [
        {"key": "ringkasan", "book": "", "title_id": "Ringkasan Eksekutif", "title_en": "Executive Summary"},
        {"key": "pendahuluan", "book": "Buku 1", "title_id": "Pendahuluan", "title_en": "Introduction"},
        {
            "key": "analisis",
            "book": "Buku 1",
            "title_id": "Analisis Strategis dan Kesiapan Daerah",
            "title_en": "Strategic and Readiness Analysis",
        },
        {
            "key": "visi-misi",
            "book": "Buku 2",
            "title_id": "Visi dan Misi Smart City",
            "title_en": "Smart City Vision and Missions",
        },
        {
            "key": "strategi",
            "book": "Buku 2",
            "title_id": "Strategi per Dimensi",
            "title_en": "Strategy per Dimension",
        },
        {
            "key": "program",
            "book": "Buku 2",
            "title_id": "Program dan Rencana Aksi (Quick Win)",
            "title_en": "Programmes and Action Plan (Quick Wins)",
        },
        {"key": "roadmap", "book": "Buku 2", "title_id": "Roadmap", "title_en": "Roadmap"},
    ],
}

STAGE_TEMPLATE: dict[str, Any] = {
    "code": "bimtek-4",
    "name": "Bimtek Tahap I–IV",
    "stages": [
        {
            "code": "T1",
            "name_id": "Tahap I: Bimtek dan Sosialisasi",
            "name_en": "Stage I: Technical guidance and socialisation",
            "output_id": "Buku 1: analisis kota",
            "output_en": "Book 1: city analysis",
            "deliverables": [
                {"code": "T1-PROFIL", "name_id": "Profil kota", "name_en": "City profile", "weight": 6},
                {
                    "code": "T1-KESIAPAN",
                    "name_id": "Analisis kesiapan daerah",
                    "name_en": "Readiness analysis",
                    "weight": 8,
                },
                {
                    "code": "T1-STRATEGIS",
                    "name_id": "Analisis strategis",
                    "name_en": "Strategic analysis",
                    "weight": 6,
                },
            ],
        },
        {
            "code": "T2",
            "name_id": "Tahap II: Penyusunan Buku 2 (bagian awal)",
            "name_en": "Stage II: Book 2, first part",
            "output_id": "Bagian awal Buku 2",
            "output_en": "First part of Book 2",
            "deliverables": [
                {
                    "code": "T2-VISI",
                    "name_id": "Visi dan misi smart city",
                    "name_en": "Smart-city vision and missions",
                    "weight": 8,
                },
                {
                    "code": "T2-STRATEGI",
                    "name_id": "Strategi per dimensi",
                    "name_en": "Strategy per dimension",
                    "weight": 12,
                },
            ],
        },
        {
            "code": "T3",
            "name_id": "Tahap III: Program, kegiatan dan roadmap",
            "name_en": "Stage III: Programmes, activities and roadmap",
            "output_id": "Buku 2: strategi, program, kegiatan",
            "output_en": "Book 2: strategy, programmes, activities",
            "deliverables": [
                {
                    "code": "T3-PROGRAM",
                    "name_id": "Program dan kegiatan per dimensi",
                    "name_en": "Programmes and activities per dimension",
                    "weight": 8,
                },
                {
                    "code": "T3-QUICKWIN",
                    "name_id": "Hasil cepat (quick win)",
                    "name_en": "Quick wins",
                    "weight": 6,
                },
                {"code": "T3-ROADMAP", "name_id": "Roadmap", "name_en": "Roadmap", "weight": 6},
            ],
        },
        {
            "code": "T4",
            "name_id": "Tahap IV: Paparan kepada Dewan Smart City",
            "name_en": "Stage IV: Presentation to the Smart City Council",
            "output_id": "Ringkasan dan pengesahan Dewan",
            "output_en": "Summary and council endorsement",
            "deliverables": [
                {
                    "code": "T4-PAPARAN",
                    "name_id": "Paparan tim pelaksana",
                    "name_en": "Implementation teams' presentations",
                    "weight": 8,
                },
                {
                    "code": "T4-RINGKASAN",
                    "name_id": "Ringkasan (summary) masterplan",
                    "name_en": "Master plan summary",
                    "weight": 8,
                },
                {
                    "code": "T4-FINAL",
                    "name_id": "Finalisasi dokumen dan paparan di Jakarta",
                    "name_en": "Final document and presentation in Jakarta",
                    "weight": 4,
                },
            ],
        },
    ],
}

# code, id, en, scope id, scope en
READINESS_ASPECTS: list[tuple[str, str, str, str, str]] = [
    (
        "struktur",
        "Struktur",
        "Structure",
        "Kelembagaan, sumber daya manusia, anggaran",
        "Institutions, human resources, budget",
    ),
    (
        "infrastruktur",
        "Infrastruktur",
        "Infrastructure",
        "Infrastruktur fisik, digital dan sosial",
        "Physical, digital and social infrastructure",
    ),
    ("suprastruktur", "Suprastruktur", "Superstructure", "Regulasi dan kebijakan", "Regulation and policy"),
]

EVALUATION_CATEGORIES: list[str] = ["baseline", "output", "outcome", "impact", "quick_win"]
#: How each category and aggregation rule reads on the pages (in the reader's language).
EVALUATION_CATEGORY_LABELS: dict[str, Promise] = {
    "baseline": gettext_lazy("Baseline"),
    "output": gettext_lazy("Output"),
    "outcome": gettext_lazy("Outcome"),
    "impact": gettext_lazy("Impact"),
    "quick_win": gettext_lazy("Quick win"),
}
AGGREGATION_LABELS: dict[str, Promise] = {
    "weighted": gettext_lazy("Weighted sum"),
    "mean": gettext_lazy("Mean"),
}

WEIGHT_SETS: list[dict[str, Any]] = [
    {
        "code": "kominfo-sleman",
        "name": "Set A (Sleman)",
        "version": 1,
        "weights": {"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 10},
        "aggregation": "weighted",
        "source": "https://kominfo.slemankab.go.id/monev-smart-city-kabupaten-sleman/",
        "note": "",
    },
    {
        "code": "kominfo-jambi",
        "name": "Set B (Jambi)",
        "version": 2,
        "weights": {"baseline": 10, "output": 20, "outcome": 30, "impact": 20, "quick_win": 20},
        "aggregation": "weighted",
        "source": "https://jambiekspres.disway.id/amp/654588/",
        "note": "Bobot baseline, output dan outcome disimpulkan agar jumlahnya 100%",
    },
]
