# ruff: noqa: E501 - demo data: long Indonesian sentences stay on one line
"""Demo: the Kota Pekalongan Smart City Master Plan 2019–2028 as drafted in 2018.

Facts from shared/domain/pekalongan.md and smart-city-masterplan.md: the 2018 Bimtek Tahap I–IV
(16–17 Jul at Pusdiklat Kospin Jaya, 25 Sep at Aula Bappeda, 24–25 Oct at Ruang Jetayu), the city
vision, the mentors, the innovations cited in 2023 (New Sakpore, e-BBM, Bembi Naik Bemo, Lakondik,
OOPSMAMI), the rob and pump facts, Pekan Batik Nusantara figures. The progress is computed: the
Tahap IV final document is still in progress and 14 of 20 worksheets are accepted, which the real
computation turns into 90 % (as reported in Oct 2018). Budgets and indicator values are illustrative.

Idempotent: a second run finds the plan and changes nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from kotapintar.core.models import OPD
from kotapintar.core.selectors import city_get
from kotapintar.masterplan import selectors, services
from kotapintar.masterplan.models import (
    ClinicSession,
    Deliverable,
    DeliverableStatus,
    Dimension,
    Element,
    IndicatorTarget,
    Plan,
    ReadinessAspect,
    ReviewComment,
    Stage,
    StageStatus,
    WeightSet,
    Worksheet,
    WorksheetEvent,
)

WIB = ZoneInfo("Asia/Jakarta")
TITLE = "Masterplan Smart City Kota Pekalongan 2019–2028"
JUTA = 1_000_000

RPJMD_GOALS = [
    {"code": "M1", "text": "Tata kelola pemerintahan yang bersih, efektif dan melayani"},
    {"code": "M2", "text": "Perekonomian daerah berbasis batik, perdagangan dan jasa yang berdaya saing"},
    {"code": "M3", "text": "Kualitas hidup masyarakat: kesehatan, pendidikan dan kesejahteraan sosial"},
    {"code": "M4", "text": "Lingkungan dan infrastruktur kota yang tangguh terhadap rob dan banjir"},
    {"code": "M5", "text": "Kehidupan masyarakat yang religius dan berbudaya"},
]

# (opd, element, problem, goal, final status, programmes)
# programme: (code, name_id, name_en, horizon, quick_win, lead, supporting, rpjmd, start, end, module_url,
#             activities, budget [(source, Rp per year)], indicators [(code, kind, name, unit, baseline,
#             step per year, direction)])
Prog = tuple[
    str,
    str,
    str,
    str,
    bool,
    str,
    list[str],
    str,
    int,
    int,
    str,
    list[str],
    list[tuple[str, int]],
    list[tuple[str, str, str, str, float, float, str]],
]
WORKSHEETS: list[tuple[str, str, str, str, str, list[Prog]]] = [
    (
        "dinkominfo",
        "GOV-1",
        "Naskah dinas masih ditandatangani basah dan diantar fisik; layanan publik tersebar di banyak aplikasi.",
        "Layanan publik dan naskah dinas sepenuhnya elektronik, aman dan terverifikasi.",
        "endorsed",
        [
            (
                "GOV-01",
                "Tanda Tangan Elektronik (TTE) untuk naskah dinas",
                "Electronic signatures (TTE) for city documents",
                "quick_win",
                True,
                "dinkominfo",
                ["setda", "bkpsdm"],
                "M1",
                2019,
                2020,
                "/tte/",
                [
                    "Pendaftaran Otoritas Pendaftaran (RA) BSrE",
                    "Penerbitan sertifikat elektronik pejabat",
                    "Integrasi TTE dengan e-Office",
                ],
                [("APBD", 350 * JUTA)],
                [
                    (
                        "GOV-01-O1",
                        "output",
                        "Pejabat yang memiliki sertifikat elektronik",
                        "orang",
                        0,
                        60,
                        "higher",
                    ),
                    (
                        "GOV-01-H1",
                        "outcome",
                        "Naskah dinas yang ditandatangani elektronik",
                        "%",
                        0,
                        25,
                        "higher",
                    ),
                ],
            ),
            (
                "GOV-02",
                "Satu Data Kota Pekalongan",
                "One Data Pekalongan",
                "medium",
                False,
                "dinkominfo",
                ["bappeda"],
                "M1",
                2019,
                2023,
                "",
                ["Portal data terbuka", "Standar data dan metadata", "Forum Satu Data"],
                [("APBD", 400 * JUTA)],
                [("GOV-02-O1", "output", "Dataset terbuka yang diterbitkan", "dataset", 20, 40, "higher")],
            ),
            (
                "GOV-03",
                "Kelurahan Pintar",
                "Smart Kelurahan",
                "long",
                False,
                "dinkominfo",
                ["setda"],
                "M1",
                2020,
                2028,
                "",
                ["Percontohan di 4 kelurahan", "Perluasan ke 27 kelurahan"],
                [("APBD", 250 * JUTA)],
                [
                    (
                        "GOV-03-O1",
                        "output",
                        "Kelurahan yang menerapkan Kelurahan Pintar",
                        "kelurahan",
                        0,
                        3,
                        "higher",
                    )
                ],
            ),
        ],
    ),
    (
        "dpmptsp",
        "GOV-1",
        "Perizinan masih memerlukan kehadiran pemohon berulang kali.",
        "Perizinan daring penuh melalui New Sakpore.",
        "endorsed",
        [
            (
                "GOV-04",
                "Perizinan daring New Sakpore",
                "Online permits (New Sakpore)",
                "short",
                False,
                "dpmptsp",
                ["dinkominfo"],
                "M1",
                2019,
                2021,
                "",
                ["Digitalisasi formulir izin", "Pembayaran retribusi non-tunai"],
                [("APBD", 300 * JUTA)],
                [
                    ("GOV-04-O1", "output", "Jenis izin yang dilayani daring", "jenis", 20, 15, "higher"),
                    ("GOV-04-H1", "outcome", "Rata-rata waktu penerbitan izin", "hari", 14, -2, "lower"),
                ],
            ),
        ],
    ),
    (
        "setda",
        "GOV-2",
        "Surat-menyurat dan kinerja aparatur belum terintegrasi.",
        "Birokrasi tanpa kertas dengan kinerja terukur.",
        "endorsed",
        [
            (
                "GOV-05",
                "e-Office naskah dinas elektronik",
                "e-Office",
                "short",
                False,
                "setda",
                ["dinkominfo"],
                "M1",
                2019,
                2021,
                "",
                ["Tata naskah dinas elektronik", "Arsip digital"],
                [("APBD", 280 * JUTA)],
                [("GOV-05-O1", "output", "OPD yang memakai e-Office", "OPD", 5, 6, "higher")],
            ),
            (
                "GOV-06",
                "e-Kinerja aparatur",
                "Civil servant e-performance",
                "medium",
                False,
                "bkpsdm",
                ["setda"],
                "M1",
                2019,
                2023,
                "",
                ["Aplikasi e-Kinerja", "Tunjangan berbasis kinerja"],
                [("APBD", 200 * JUTA)],
                [("GOV-06-O1", "output", "ASN yang melapor kinerja elektronik", "%", 30, 15, "higher")],
            ),
        ],
    ),
    (
        "bappeda",
        "GOV-3",
        "Perencanaan dan pemantauan pembangunan belum berbasis data yang sama.",
        "Kebijakan publik berbasis data dengan e-Planning dan e-Monev terpadu.",
        "endorsed",
        [
            (
                "GOV-07",
                "e-Planning dan e-Monev terintegrasi SIPD",
                "e-Planning and e-Monitoring linked to SIPD",
                "medium",
                False,
                "bappeda",
                ["bpkad", "dinkominfo"],
                "M1",
                2019,
                2023,
                "",
                ["Integrasi RKPD dengan SIPD", "Dasbor capaian indikator"],
                [("APBD", 300 * JUTA)],
                [("GOV-07-O1", "output", "OPD yang melapor capaian daring", "OPD", 0, 8, "higher")],
            ),
            (
                "GOV-08",
                "Peraturan Wali Kota tentang Masterplan Smart City",
                "Mayoral regulation on the master plan",
                "quick_win",
                False,
                "bappeda",
                ["setda"],
                "M1",
                2019,
                2019,
                "",
                ["Penyusunan rancangan Perwal"],
                [("APBD", 75 * JUTA)],
                [("GOV-08-O1", "output", "Perwal masterplan ditetapkan", "dokumen", 0, 1, "higher")],
            ),
        ],
    ),
    (
        "dinparbudpora",
        "BRA-1",
        "Kunjungan wisata batik terpusat pada acara tahunan; promosi dan transaksi belum digital.",
        "Pekalongan Kota Kreatif Dunia (UNESCO, 2014) dikenal dengan pengalaman batik digital sepanjang tahun.",
        "endorsed",
        [
            (
                "BRA-01",
                "Pekalongan Batik Fusion",
                "Pekalongan Batik Fusion",
                "quick_win",
                True,
                "dinparbudpora",
                ["dindagkop", "dinkominfo", "bpkad"],
                "M2",
                2019,
                2020,
                "/batik/",
                [
                    "Kartu dan aplikasi Batik Fusion",
                    "Tiket elektronik Museum Batik",
                    "Dompet non-tunai untuk acara batik",
                ],
                [("APBD", 450 * JUTA), ("CSR", 150 * JUTA)],
                [
                    ("BRA-01-O1", "output", "Pengguna kartu Batik Fusion", "orang", 0, 5000, "higher"),
                    (
                        "BRA-01-H1",
                        "outcome",
                        "Transaksi non-tunai saat Pekan Batik Nusantara",
                        "Rp juta",
                        0,
                        1500,
                        "higher",
                    ),
                ],
            ),
            (
                "BRA-02",
                "Pekan Batik Nusantara digital",
                "Digital Pekan Batik Nusantara",
                "short",
                False,
                "dinparbudpora",
                ["dindagkop"],
                "M2",
                2019,
                2021,
                "",
                ["Pendaftaran stan daring", "Hitung pengunjung"],
                [("APBD", 500 * JUTA)],
                [
                    (
                        "BRA-02-H1",
                        "outcome",
                        "Pengunjung Pekan Batik Nusantara",
                        "orang",
                        95000,
                        5000,
                        "higher",
                    )
                ],
            ),
            (
                "BRA-03",
                "Museum Batik: tur virtual dan tiket elektronik",
                "Batik Museum virtual tour and e-tickets",
                "short",
                False,
                "dinparbudpora",
                ["dinkominfo"],
                "M5",
                2019,
                2021,
                "",
                ["Tur virtual 360°", "Tiket daring"],
                [("APBD", 150 * JUTA)],
                [
                    (
                        "BRA-03-H1",
                        "outcome",
                        "Pengunjung Museum Batik per tahun",
                        "orang",
                        40000,
                        3000,
                        "higher",
                    )
                ],
            ),
        ],
    ),
    (
        "dindagkop",
        "BRA-2",
        "Pedagang batik dan UKM belum memasarkan secara daring; pelabelan Batik Pekalongan belum terlacak.",
        "Produk batik Pekalongan terlacak dan dipasarkan daring.",
        "endorsed",
        [
            (
                "BRA-04",
                "Pasar Grosir Batik Setono daring",
                "Setono batik wholesale market online",
                "medium",
                False,
                "dindagkop",
                ["dinkominfo"],
                "M2",
                2019,
                2023,
                "",
                ["Katalog daring pedagang", "Batik Night Market"],
                [("APBD", 200 * JUTA), ("CSR", 100 * JUTA)],
                [("BRA-04-O1", "output", "Pedagang dengan toko daring", "pedagang", 0, 60, "higher")],
            ),
            (
                "BRA-05",
                "Ketertelusuran label Batik Pekalongan (Perda 6/2014)",
                "Traceable Batik Pekalongan label",
                "medium",
                False,
                "dindagkop",
                ["disperinaker"],
                "M2",
                2020,
                2024,
                "",
                ["Label berkode QR"],
                [("APBD", 120 * JUTA)],
                [("BRA-05-O1", "output", "Produk berlabel QR", "produk", 0, 2000, "higher")],
            ),
        ],
    ),
    (
        "disperkim",
        "BRA-3",
        "Kawasan Budaya Jetayu dan ruang terbuka belum tertata sebagai wajah kota.",
        "Wajah kota yang tertata, hijau dan berbudaya.",
        "endorsed",
        [
            (
                "BRA-06",
                "Penataan Kawasan Budaya Jetayu",
                "Jetayu heritage quarter",
                "medium",
                False,
                "disperkim",
                ["dinparbudpora", "dpupr"],
                "M5",
                2019,
                2023,
                "",
                ["Revitalisasi bangunan cagar budaya", "Wi-Fi publik"],
                [("APBD", 1500 * JUTA), ("APBN", 2000 * JUTA)],
                [("BRA-06-O1", "output", "Luas kawasan tertata", "ha", 0, 2, "higher")],
            ),
            (
                "BRA-07",
                "Ruang terbuka hijau publik",
                "Public green space",
                "long",
                False,
                "disperkim",
                ["dlh"],
                "M4",
                2019,
                2028,
                "",
                ["Taman kota ber-QR", "Taman di setiap kecamatan"],
                [("APBD", 600 * JUTA)],
                [("BRA-07-H1", "outcome", "Proporsi RTH publik", "%", 8, 0.7, "higher")],
            ),
        ],
    ),
    (
        "disperinaker",
        "ECO-1",
        "IKM batik kecil belum memakai teknologi produksi dan pemasaran digital.",
        "IKM batik berdaya saing dengan pelatihan digital.",
        "draft",
        [
            (
                "ECO-01",
                "IKM batik digital",
                "Digital batik SMEs",
                "medium",
                False,
                "disperinaker",
                ["dindagkop"],
                "M2",
                2020,
                2024,
                "",
                ["Pelatihan pemasaran digital", "Desain motif berbantuan komputer"],
                [("APBD", 250 * JUTA)],
                [("ECO-01-O1", "output", "IKM terlatih", "IKM", 0, 80, "higher")],
            ),
            (
                "ECO-02",
                "Bursa kerja daring",
                "Online job exchange",
                "short",
                False,
                "disperinaker",
                ["dinkominfo"],
                "M3",
                2019,
                2021,
                "",
                ["Portal lowongan", "Job fair virtual"],
                [("APBD", 100 * JUTA)],
                [("ECO-02-H1", "outcome", "Pencari kerja yang ditempatkan", "orang", 300, 100, "higher")],
            ),
        ],
    ),
    (
        "dinsos",
        "ECO-2",
        "Data penerima bantuan sosial tidak mutakhir dan penyaluran masih tunai.",
        "Bantuan tepat sasaran berbasis data terpadu dan non-tunai.",
        "accepted",
        [
            (
                "ECO-03",
                "Data Terpadu Kesejahteraan Sosial daring",
                "Integrated social welfare data",
                "short",
                False,
                "dinsos",
                ["dindukcapil"],
                "M3",
                2019,
                2021,
                "",
                ["Verifikasi dan validasi berbasis NIK"],
                [("APBD", 180 * JUTA)],
                [("ECO-03-O1", "output", "Data DTKS yang padan NIK", "%", 70, 10, "higher")],
            ),
            (
                "ECO-04",
                "Penyaluran bantuan sosial non-tunai",
                "Cashless social assistance",
                "medium",
                False,
                "dinsos",
                ["bpkad"],
                "M3",
                2019,
                2023,
                "",
                ["Kartu penerima manfaat"],
                [("APBN", 500 * JUTA)],
                [("ECO-04-O1", "output", "Penerima bantuan non-tunai", "KK", 2000, 1500, "higher")],
            ),
        ],
    ),
    (
        "bpkad",
        "ECO-3",
        "Pembayaran pajak dan retribusi daerah masih tunai di loket.",
        "Transaksi keuangan daerah non-tunai.",
        "draft",
        [
            (
                "ECO-05",
                "Pajak daerah daring dan QRIS",
                "Online local taxes with QRIS",
                "short",
                False,
                "bpkad",
                ["dinkominfo"],
                "M1",
                2019,
                2021,
                "",
                ["e-SPTPD", "Pembayaran QRIS"],
                [("APBD", 350 * JUTA)],
                [("ECO-05-H1", "outcome", "Penerimaan pajak non-tunai", "%", 10, 20, "higher")],
            ),
            (
                "ECO-06",
                "Elektronifikasi transaksi pemerintah daerah",
                "Electronic government transactions",
                "medium",
                False,
                "bpkad",
                ["setda"],
                "M1",
                2019,
                2023,
                "",
                ["Belanja non-tunai OPD"],
                [("APBD", 150 * JUTA)],
                [("ECO-06-O1", "output", "OPD bertransaksi non-tunai", "OPD", 3, 5, "higher")],
            ),
        ],
    ),
    (
        "dkp",
        "ECO-2",
        "Nelayan kesulitan memperoleh BBM bersubsidi tepat waktu.",
        "Kesejahteraan nelayan meningkat dengan layanan digital.",
        "revision",
        [
            (
                "ECO-07",
                "e-BBM untuk nelayan",
                "e-BBM for fishers",
                "short",
                False,
                "dkp",
                ["dinkominfo"],
                "M3",
                2019,
                2021,
                "",
                ["Kartu kendali BBM nelayan"],
                [("APBD", 120 * JUTA)],
                [("ECO-07-O1", "output", "Nelayan terdaftar e-BBM", "orang", 0, 400, "higher")],
            ),
        ],
    ),
    (
        "bpbd",
        "LIV-L1",
        "Rob menggenangi sekitar 51% wilayah kota hingga 1,1 m; penurunan tanah mencapai belasan cm per tahun.",
        "Warga mendapat peringatan dini banjir dan rob serta penanganan yang cepat.",
        "endorsed",
        [
            (
                "LIV-01",
                "Penanganan banjir dan rob: peringatan dini",
                "Flood and rob handling: early warning",
                "quick_win",
                True,
                "bpbd",
                ["dpupr", "dinkominfo", "dkp"],
                "M4",
                2019,
                2020,
                "/banjir/",
                ["Sensor muka air di sungai dan rumah pompa", "Peringatan dini ke warga", "Laporan warga"],
                [("APBD", 400 * JUTA), ("APBN", 600 * JUTA)],
                [
                    ("LIV-01-O1", "output", "Pos pantau muka air aktif", "pos", 0, 6, "higher"),
                    ("LIV-01-H1", "outcome", "Waktu peringatan sebelum genangan", "menit", 0, 30, "higher"),
                ],
            ),
            (
                "LIV-02",
                "Pemetaan zona rob dan penurunan tanah",
                "Mapping rob zones and subsidence",
                "short",
                False,
                "bpbd",
                ["dpupr"],
                "M4",
                2019,
                2021,
                "",
                ["Peta zona rob 3 kelas kedalaman", "Pemantauan GPS"],
                [("APBD", 200 * JUTA)],
                [("LIV-02-O1", "output", "Kelurahan rawan rob terpetakan", "kelurahan", 0, 4, "higher")],
            ),
        ],
    ),
    (
        "dpupr",
        "LIV-L1",
        "Tujuh subsistem drainase dan rumah pompa (Silempeng, Sengkarang, Pabean, Mrican) belum terpantau jarak jauh.",
        "Drainase dan pompa terpantau dan dioperasikan berbasis data.",
        "endorsed",
        [
            (
                "LIV-03",
                "Telemetri rumah pompa",
                "Pump-house telemetry",
                "short",
                False,
                "dpupr",
                ["bpbd"],
                "M4",
                2019,
                2021,
                "",
                ["Sensor pompa Silempeng, Sengkarang, Pabean, Mrican"],
                [("APBD", 500 * JUTA), ("APBN", 1000 * JUTA)],
                [("LIV-03-O1", "output", "Rumah pompa terpantau", "unit", 0, 4, "higher")],
            ),
            (
                "LIV-04",
                "Masterplan drainase tujuh subsistem",
                "Drainage plan for seven subsystems",
                "long",
                False,
                "dpupr",
                ["bappeda"],
                "M4",
                2019,
                2028,
                "",
                ["Review masterplan drainase", "Normalisasi saluran"],
                [("APBD", 2000 * JUTA), ("APBN", 5000 * JUTA), ("KPBU", 1000 * JUTA)],
                [("LIV-04-H1", "outcome", "Luas genangan banjir", "ha", 300, -20, "lower")],
            ),
        ],
    ),
    (
        "dinkes",
        "LIV-2",
        "Waktu tanggap gawat darurat lama; rekam medis puskesmas masih kertas.",
        "Layanan kesehatan cepat dan terhubung.",
        "endorsed",
        [
            (
                "LIV-05",
                "Bembi Naik Bemo (ambulans gawat darurat)",
                "Bembi Naik Bemo emergency ambulance",
                "short",
                False,
                "dinkes",
                ["dinhub"],
                "M3",
                2019,
                2021,
                "",
                ["Call center ambulans", "Pelacakan armada"],
                [("APBD", 300 * JUTA)],
                [("LIV-05-H1", "outcome", "Waktu tanggap ambulans", "menit", 30, -3, "lower")],
            ),
            (
                "LIV-06",
                "Rekam medis elektronik puskesmas",
                "Electronic medical records",
                "medium",
                False,
                "dinkes",
                ["dinkominfo"],
                "M3",
                2019,
                2023,
                "",
                ["SIMPUS terintegrasi"],
                [("APBD", 400 * JUTA)],
                [
                    (
                        "LIV-06-O1",
                        "output",
                        "Puskesmas dengan rekam medis elektronik",
                        "puskesmas",
                        2,
                        3,
                        "higher",
                    )
                ],
            ),
        ],
    ),
    (
        "dinhub",
        "LIV-3",
        "Kemacetan di koridor Jl. Diponegoro saat acara batik; parkir tidak tertib.",
        "Mobilitas lancar dengan ATCS dan parkir elektronik.",
        "reviewed",
        [
            (
                "LIV-07",
                "Area Traffic Control System (ATCS)",
                "Area Traffic Control System",
                "medium",
                False,
                "dinhub",
                ["dinkominfo"],
                "M4",
                2020,
                2024,
                "",
                ["Simpang terkendali", "Pusat kendali lalu lintas"],
                [("APBD", 600 * JUTA), ("APBN", 800 * JUTA)],
                [("LIV-07-O1", "output", "Simpang ber-ATCS", "simpang", 0, 3, "higher")],
            ),
            (
                "LIV-08",
                "Parkir elektronik",
                "Electronic parking",
                "short",
                False,
                "dinhub",
                ["bpkad"],
                "M1",
                2019,
                2021,
                "",
                ["Mesin parkir", "Pembayaran non-tunai"],
                [("APBD", 250 * JUTA)],
                [("LIV-08-H1", "outcome", "Retribusi parkir non-tunai", "%", 0, 20, "higher")],
            ),
        ],
    ),
    (
        "dindik",
        "SOC-2",
        "Sekolah belum merata memiliki akses dan konten pembelajaran digital.",
        "Ekosistem belajar digital di semua jenjang.",
        "clinic",
        [
            (
                "SOC-01",
                "Sekolah digital",
                "Digital schools",
                "medium",
                False,
                "dindik",
                ["dinkominfo"],
                "M3",
                2019,
                2023,
                "",
                ["Internet sekolah", "Konten belajar daring"],
                [("APBD", 500 * JUTA)],
                [("SOC-01-O1", "output", "Sekolah terhubung internet", "sekolah", 40, 15, "higher")],
            ),
            (
                "SOC-02",
                "PPDB daring",
                "Online school admission",
                "quick_win",
                False,
                "dindik",
                ["dinkominfo"],
                "M3",
                2019,
                2019,
                "",
                ["Aplikasi PPDB"],
                [("APBD", 100 * JUTA)],
                [("SOC-02-O1", "output", "Pendaftar PPDB daring", "%", 0, 90, "higher")],
            ),
        ],
    ),
    (
        "dinsos",
        "SOC-1",
        "Komunitas warga, termasuk 33 komunitas lokakarya Smart Citizen (20 Okt 2018), belum terhubung dengan layanan kota.",
        "Komunitas aktif dan terlayani, termasuk layanan konseling Lakondik.",
        "accepted",
        [
            (
                "SOC-03",
                "Lakondik: layanan konseling",
                "Lakondik counselling service",
                "short",
                False,
                "dinsos",
                ["dinkes"],
                "M3",
                2019,
                2021,
                "",
                ["Konseling daring", "Rujukan"],
                [("APBD", 100 * JUTA)],
                [("SOC-03-O1", "output", "Warga terlayani konseling", "orang", 0, 300, "higher")],
            ),
            (
                "SOC-04",
                "Smart Citizen: jejaring komunitas",
                "Smart Citizen community network",
                "medium",
                False,
                "dinsos",
                ["dinkominfo", "bpbd"],
                "M5",
                2019,
                2023,
                "",
                ["Forum komunitas", "Aksi warga untuk rob di Degayu"],
                [("APBD", 80 * JUTA), ("OTHER", 50 * JUTA)],
                [("SOC-04-O1", "output", "Komunitas terdaftar", "komunitas", 33, 5, "higher")],
            ),
        ],
    ),
    (
        "satpolpp",
        "SOC-3",
        "Pemantauan keamanan ruang publik masih manual.",
        "Kota aman dengan CCTV terpadu dan layanan darurat 112.",
        "submitted",
        [
            (
                "SOC-05",
                "CCTV terpadu ruang publik",
                "Integrated public CCTV",
                "medium",
                False,
                "satpolpp",
                ["dinkominfo", "dinhub"],
                "M1",
                2019,
                2023,
                "",
                ["CCTV di titik rawan", "Ruang kendali"],
                [("APBD", 450 * JUTA)],
                [("SOC-05-O1", "output", "Titik CCTV terpantau", "titik", 10, 15, "higher")],
            ),
            (
                "SOC-06",
                "Layanan darurat 112",
                "Emergency number 112",
                "short",
                False,
                "dinkominfo",
                ["satpolpp", "bpbd", "dinkes"],
                "M1",
                2020,
                2021,
                "",
                ["Call center 112"],
                [("APBD", 300 * JUTA)],
                [("SOC-06-H1", "outcome", "Panggilan darurat tertangani", "%", 0, 45, "higher")],
            ),
        ],
    ),
    (
        "dlh",
        "ENV-2",
        "Sampah kota dan limbah cair industri batik mencemari sungai (Kali Banger, Kali Loji).",
        "Sampah terkelola dan limbah batik diolah sebelum dibuang.",
        "endorsed",
        [
            (
                "ENV-01",
                "OOPSMAMI: pengelolaan sampah berbasis warga",
                "OOPSMAMI community waste management",
                "short",
                False,
                "dlh",
                ["disperkim"],
                "M4",
                2019,
                2021,
                "",
                ["Bank sampah", "Aplikasi OOPSMAMI"],
                [("APBD", 250 * JUTA), ("CSR", 50 * JUTA)],
                [("ENV-01-H1", "outcome", "Sampah yang terkurangi di sumber", "%", 5, 5, "higher")],
            ),
            (
                "ENV-02",
                "IPAL komunal limbah batik dan pemantauan kualitas air",
                "Batik wastewater treatment and water quality monitoring",
                "long",
                False,
                "dlh",
                ["dpupr", "disperinaker"],
                "M4",
                2019,
                2028,
                "",
                ["IPAL komunal", "Sensor kualitas air sungai"],
                [("APBD", 700 * JUTA), ("APBN", 1500 * JUTA), ("KPBU", 500 * JUTA)],
                [("ENV-02-H1", "outcome", "Kadar COD Kali Banger", "mg/L", 250, -15, "lower")],
            ),
        ],
    ),
    (
        "disperkim",
        "ENV-3",
        "Penerangan jalan umum boros energi dan sulit dipantau.",
        "Penerangan jalan hemat energi yang terpantau.",
        "endorsed",
        [
            (
                "ENV-03",
                "Penerangan jalan umum LED cerdas",
                "Smart LED street lighting",
                "medium",
                False,
                "disperkim",
                ["dinhub"],
                "M4",
                2019,
                2024,
                "",
                ["Penggantian lampu LED", "Pemantauan jarak jauh"],
                [("APBD", 800 * JUTA), ("KPBU", 1200 * JUTA)],
                [("ENV-03-O1", "output", "Titik PJU LED", "titik", 500, 700, "higher")],
            ),
            (
                "ENV-04",
                "Panel surya gedung pemerintah",
                "Solar panels on public buildings",
                "long",
                False,
                "disperkim",
                ["bpkad"],
                "M4",
                2021,
                2028,
                "",
                ["Audit energi gedung", "Pemasangan PLTS atap"],
                [("APBD", 300 * JUTA), ("CSR", 200 * JUTA)],
                [("ENV-04-O1", "output", "Gedung ber-PLTS atap", "gedung", 0, 2, "higher")],
            ),
        ],
    ),
]

CHAPTERS = {
    "ringkasan": (
        "Masterplan Smart City Kota Pekalongan 2019–2028 disusun bersama Kementerian Komunikasi dan Informatika "
        "dalam Gerakan Menuju 100 Smart City (angkatan 2018, MoU 8 Mei 2018). Masterplan memuat analisis kota "
        "(Buku 1), strategi, program dan kegiatan di enam dimensi (Buku 2), tiga quick win — Tanda Tangan "
        "Elektronik, Pekalongan Batik Fusion, dan penanganan banjir dan rob — serta roadmap sepuluh tahun."
    ),
    "pendahuluan": (
        "Kota Pekalongan (kode 33.75, Jawa Tengah) terdiri atas 4 kecamatan dan 27 kelurahan dengan luas sekitar "
        "45,25 km² dan penduduk sekitar 317 ribu jiwa. Kota ini anggota Jejaring Kota Kreatif UNESCO (Crafts & Folk "
        "Art) sejak 1 Desember 2014. Penyusunan masterplan dipimpin Bappeda dengan pendampingan Prof. Achmad "
        "Djunaedi (UGM) dan Moh. Wildan (Ditjen Aptika)."
    ),
    "analisis": (
        "Analisis kesiapan menilai struktur (kelembagaan, SDM, anggaran), infrastruktur (fisik, digital, sosial) dan "
        "suprastruktur (regulasi dan kebijakan) di setiap dimensi. Tantangan utama kota adalah rob yang menggenangi "
        "sekitar 51% wilayah dengan kedalaman hingga 1,1 m serta penurunan tanah di pesisir."
    ),
    "visi-misi": "Visi kota: sejahtera, mandiri, religius dan berbudaya. Visi dan misi smart city dijabarkan di bawah ini.",
    "strategi": (
        "Strategi disusun per dimensi: Smart Governance, Smart Branding, Smart Economy, Smart Living, Smart "
        "Society dan Smart Environment, dengan elemen lokal Drainase dan Kebencanaan di bawah Smart Living."
    ),
    "program": "Program dan kegiatan setiap OPD disusun dalam kertas kerja penajaman dan dirangkum per dimensi.",
    "roadmap": "Roadmap menata program menurut tahun pelaksanaan 2019–2028: quick win, jangka pendek, menengah dan panjang.",
}

STAGE_HISTORY = {
    "T1": (
        date(2018, 7, 16),
        date(2018, 7, 17),
        "Pusdiklat Kospin Jaya",
        "Bimtek dan sosialisasi; penyusunan Buku 1.",
    ),
    "T2": (
        date(2018, 8, 20),
        date(2018, 8, 21),
        "Aula Bappeda",
        "Penyusunan bagian awal Buku 2 (tanggal belum terkonfirmasi).",
    ),
    "T3": (
        date(2018, 9, 25),
        date(2018, 9, 25),
        "Aula Bappeda",
        "Tiga kelompok kerja menyusun program dan kegiatan.",
    ),
    "T4": (
        date(2018, 10, 24),
        date(2018, 10, 25),
        "Ruang Jetayu, Setda",
        "Paparan tim pelaksana kepada Dewan Smart City; dilaporkan 90%.",
    ),
}

READINESS: dict[str, tuple[int, int, int]] = {
    "GOV": (4, 3, 3),
    "BRA": (4, 3, 4),
    "ECO": (3, 3, 3),
    "LIV": (3, 2, 3),
    "SOC": (3, 3, 2),
    "ENV": (2, 2, 3),
}


def _at(d: date, hour: int = 9) -> datetime:
    return datetime(d.year, d.month, d.day, hour, 0, tzinfo=WIB)


def _factor(code: str, year: int) -> Decimal:
    """A deterministic realisation factor (0.6–1.1) so that monitoring shows red, amber and green."""
    n = zlib.crc32(f"{code}:{year}".encode()) % 6
    return [
        Decimal("1.05"),
        Decimal("0.95"),
        Decimal("0.92"),
        Decimal("0.80"),
        Decimal("0.60"),
        Decimal("1.10"),
    ][n]


def _programme_data(p: Prog) -> dict[str, Any]:
    code, name_id, name_en, horizon, qw, lead, supp, goal, sy, ey, url, acts, budget, inds = p
    indicators = []
    for i_code, kind, name, unit, base, step, direction in inds:
        targets = []
        for n, y in enumerate(range(sy, ey + 1), start=1):
            target = Decimal(str(base)) + Decimal(str(step)) * n
            real = None
            if y <= 2020:
                real = (target * _factor(i_code, y)).quantize(Decimal("0.01"))
                if direction == "lower":
                    real = (target * (2 - _factor(i_code, y))).quantize(Decimal("0.01"))
            targets.append(
                {"year": y, "target": str(target), "realisation": None if real is None else str(real)}
            )
        indicators.append(
            {
                "code": i_code,
                "kind": kind,
                "name": name,
                "unit": unit,
                "direction": direction,
                "baseline": str(base),
                "baseline_year": 2018,
                "targets": targets,
            }
        )
    return {
        "code": code,
        "name_id": name_id,
        "name_en": name_en,
        "description": "",
        "horizon": horizon,
        "is_quick_win": qw,
        "lead_opd": lead,
        "supporting_opds": supp,
        "rpjmd_goal": goal,
        "start_year": sy,
        "end_year": ey,
        "module_url": url,
        "activities": acts,
        "budget": [
            {"year": y, "source": s, "amount_idr": amt} for s, amt in budget for y in range(sy, ey + 1)
        ],
        "indicators": indicators,
    }


def seed(*, out: Callable[[str], None]) -> None:
    created = services.reference_ensure()
    out(
        f"  reference data: {Dimension.objects.count()} dimensions, {Element.objects.count()} elements ({created} new)"
    )
    if Plan.objects.filter(title=TITLE).exists():
        out("  master plan already present")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["bappeda", "mentor", "dewan", "admin"])}
    bappeda, mentor, dewan = users["bappeda"], users["mentor"], users["dewan"]
    city = city_get()
    with transaction.atomic():
        if not Element.objects.filter(code="LIV-L1").exists():
            services.element_create_local(
                actor=bappeda,
                city=city,
                dimension_code="LIV",
                code="LIV-L1",
                name_id="Drainase dan Kebencanaan",
                name_en="Drainage and Disaster",
            )
        plan = services.plan_create(
            actor=bappeda,
            city=city,
            title=TITLE,
            start_year=2019,
            end_year=2028,
            city_vision="Terwujudnya Kota Pekalongan yang sejahtera, mandiri, religius dan berbudaya",
            vision="Pekalongan Kota Kreatif yang cerdas, tangguh dan melayani",
            missions=[
                "Mewujudkan tata kelola pemerintahan digital yang melayani",
                "Mengangkat batik sebagai identitas dan penggerak ekonomi kreatif",
                "Membangun kota yang tangguh terhadap rob, banjir dan penurunan tanah",
                "Meningkatkan kualitas hidup dan partisipasi warga",
            ],
            rpjmd_goals=RPJMD_GOALS,
        )
        for ch in plan.chapters.all():
            services.chapter_update(actor=bappeda, chapter=ch, body=CHAPTERS.get(ch.key, ""))
        opds = {o.code: o for o in OPD.objects.all()}
        for stage in Stage.objects.filter(plan=plan):
            start, end, venue, notes = STAGE_HISTORY[stage.code]
            services.stage_update(
                actor=bappeda,
                stage=stage,
                status=StageStatus.DONE if stage.code != "T4" else StageStatus.ONGOING,
                start_date=start,
                end_date=end,
                venue=venue,
                notes=notes,
            )
            for d in Deliverable.objects.filter(stage=stage):
                unfinished = d.code == "T4-FINAL"
                services.deliverable_update(
                    actor=bappeda,
                    deliverable=d,
                    status=DeliverableStatus.IN_PROGRESS if unfinished else DeliverableStatus.DONE,
                    owner_opd=opds["bappeda"] if not d.code.startswith("T4-PAPARAN") else opds["dinkominfo"],
                    owner_label="Tim penyusun (Bappeda)",
                    due_date=end + timedelta(days=14) if not unfinished else date(2018, 12, 14),
                )
        Deliverable.objects.filter(stage__plan=plan, status=DeliverableStatus.DONE).update(
            done_at=_at(date(2018, 10, 25), 16)
        )

        t4 = STAGE_HISTORY["T4"]
        meeting = services.meeting_create(
            actor=bappeda,
            plan=plan,
            title="Rapat Dewan Smart City — Tahap IV",
            held_at=_at(t4[0], 9),
            location=t4[2],
            agenda=[
                "Paparan tim pelaksana per dimensi",
                "Kesesuaian program dengan visi dan misi kota",
                "Penetapan quick win",
                "Ringkasan masterplan",
            ],
        )
        slot_day = date(2018, 9, 26)
        for n, (opd_code, el_code, problem, goal, final, progs) in enumerate(WORKSHEETS):
            ws = services.worksheet_create(
                actor=bappeda,
                plan=plan,
                opd=opds[opd_code],
                element=Element.objects.get(code=el_code),
                problem=problem,
                goal=goal,
            )
            for order, p in enumerate(progs, start=1):
                services.programme_save(actor=bappeda, worksheet=ws, data=_programme_data(p))
                ws.programmes.filter(code=p[0]).update(order=order)
            if final == "draft":
                continue
            services.worksheet_submit(actor=bappeda, worksheet=ws)
            if final == "submitted":
                continue
            start = _at(slot_day + timedelta(days=n // 4), 9 + 2 * (n % 4))
            slot = services.mentor_slot_create(
                actor=mentor,
                starts_at=start,
                ends_at=start + timedelta(hours=1, minutes=30),
                location="Aula Bappeda (mentor: Prof. Achmad Djunaedi, UGM; Moh. Wildan, Ditjen Aptika)",
            )
            services.clinic_book(actor=bappeda, worksheet=ws, slot=slot)
            first = progs[0][0]
            services.clinic_comment(
                actor=mentor,
                worksheet=ws,
                item=first,
                text="Pastikan indikator outcome terukur dan selaras dengan tujuan RPJMD.",
            )
            if final == "clinic":
                continue
            if final == "revision":
                services.clinic_verdict(
                    actor=mentor,
                    worksheet=ws,
                    verdict="revision",
                    summary="Lengkapi target tahunan dan sumber dana.",
                )
                continue
            services.clinic_verdict(
                actor=mentor, worksheet=ws, verdict="accepted", summary="Layak diajukan ke Bappeda."
            )
            if final == "reviewed":
                continue
            services.worksheet_accept(actor=bappeda, worksheet=ws)
            if final == "accepted":
                continue
            services.worksheet_endorse(actor=dewan, worksheet=ws, meeting=meeting)
        services.meeting_record(
            actor=dewan,
            meeting=meeting,
            attendance=[
                "HM Saelany Machfudz (Wali Kota, Ketua Dewan Smart City)",
                "Sekretaris Daerah",
                "Anita Heru Kusumorini (Kepala Bappeda)",
                "Kepala Dinkominfo",
                "Prof. Achmad Djunaedi (mentor, UGM)",
                "Moh. Wildan (mentor, Ditjen Aptika)",
                "Tim pelaksana OPD",
            ],
            decisions=[
                "Kertas kerja yang dipaparkan disahkan sesuai visi dan misi kota.",
                "Tiga quick win ditetapkan: TTE, Pekalongan Batik Fusion, penanganan banjir dan rob.",
                "Bappeda memfinalkan ringkasan dan dokumen untuk dipaparkan di Jakarta.",
            ],
        )
        # The review flow ran in 2018: put its visible history on the dates of the stages, in the
        # order the time rules ask for (services.schedule): submitted and booked on 25 Sep, the
        # mentor's comment and verdict during the clinic slot, accepted on 15 Oct, endorsed during
        # the Tahap IV council meeting.
        base = _at(date(2018, 9, 25), 8)
        slot_of = {
            c.worksheet_id: c.slot.starts_at
            for c in ClinicSession.objects.filter(worksheet__plan=plan).select_related("slot")
        }
        when_by_status = {
            "submitted": lambda ws_id: base,
            "clinic": lambda ws_id: base + timedelta(hours=1),
            "reviewed": lambda ws_id: slot_of[ws_id] + timedelta(hours=1),
            "revision": lambda ws_id: slot_of[ws_id] + timedelta(hours=1),
            "accepted": lambda ws_id: _at(date(2018, 10, 15)),
            "endorsed": lambda ws_id: meeting.held_at + timedelta(hours=2),
        }
        for ev in WorksheetEvent.objects.filter(worksheet__plan=plan).order_by("pk"):
            WorksheetEvent.objects.filter(pk=ev.pk).update(at=when_by_status[ev.to_status](ev.worksheet_id))
        ClinicSession.objects.filter(worksheet__plan=plan).update(created_at=base + timedelta(hours=1))
        for ws_id, starts_at in slot_of.items():
            ReviewComment.objects.filter(worksheet_id=ws_id).update(
                created_at=starts_at + timedelta(minutes=30)
            )
        Worksheet.objects.filter(plan=plan, submitted_at__isnull=False).update(submitted_at=base)
        Worksheet.objects.filter(plan=plan, accepted_at__isnull=False).update(
            accepted_at=_at(date(2018, 10, 15))
        )
        Worksheet.objects.filter(plan=plan, endorsed_at__isnull=False).update(
            endorsed_at=meeting.held_at + timedelta(hours=2)
        )

        aspects = list(ReadinessAspect.objects.order_by("order"))
        for dim in Dimension.objects.all():
            for aspect, score in zip(aspects, READINESS[dim.code], strict=False):
                services.readiness_set(
                    actor=bappeda,
                    plan=plan,
                    dimension=dim,
                    aspect=aspect,
                    score=score,
                    evidence=f"Penilaian kesiapan {aspect.name_id.lower()} dimensi {dim.name_id} (Tahap I, Juli 2018).",
                )
        for ws_code, scores in (
            (
                "kominfo-sleman",
                {"baseline": 3.0, "output": 3.2, "outcome": 2.8, "impact": 2.6, "quick_win": 3.4},
            ),
            (
                "kominfo-jambi",
                {"baseline": 3.0, "output": 3.2, "outcome": 2.8, "impact": 2.6, "quick_win": 3.4},
            ),
        ):
            services.evaluation_record(
                actor=bappeda,
                plan=plan,
                year=2020,
                weight_set=WeightSet.objects.get(code=ws_code),
                scores=scores,
                note="Evaluasi lapangan Kominfo 10–11 Maret 2020 (nilai ilustratif).",
            )
    progress = selectors.plan_progress(plan=plan)
    out(
        f"  {TITLE}: {plan.worksheets.count()} worksheets, {plan.programmes.count()} programmes, "
        f"{IndicatorTarget.objects.filter(indicator__programme__plan=plan).count()} targets, progress {progress.percent}%"
    )
    seed_live_indicators(out=out)
    seed_budget_realisation(out=out)


# --- Indicators bound to live figures (kotapintar.core.metrics; masterplan/live.py) -----

# (programme, code, kind, name, unit, direction, baseline, target each plan year, metric)
LIVE_INDICATORS = [
    (
        "GOV-01",
        "GOV-01-L1",
        "output",
        "Naskah dinas ditandatangani elektronik per bulan",
        "dokumen",
        "higher",
        0,
        40,
        "esign.documents_signed",
    ),
    (
        "GOV-01",
        "GOV-01-L2",
        "outcome",
        "Median waktu penandatanganan naskah",
        "jam",
        "lower",
        72,
        24,
        "esign.turnaround_median",
    ),
    ("BRA-01", "BRA-01-L1", "output", "Kartu kota aktif", "kartu", "higher", 0, 400, "wallet.active_cards"),
    (
        "BRA-01",
        "BRA-01-L2",
        "outcome",
        "Kunjungan acara batik (30 hari)",
        "kunjungan",
        "higher",
        0,
        300,
        "batik.visits_30d",
    ),
    (
        "LIV-01",
        "LIV-01-L1",
        "output",
        "Stasiun pemantau yang melapor",
        "stasiun",
        "higher",
        0,
        8,
        "flood.stations_reporting",
    ),
    (
        "LIV-01",
        "LIV-01-L2",
        "outcome",
        "Median waktu verifikasi laporan warga",
        "menit",
        "lower",
        120,
        30,
        "flood.report_verify_median",
    ),
    (
        "LIV-01",
        "LIV-01-L3",
        "outcome",
        "Ketersediaan pompa",
        "%",
        "higher",
        60,
        95,
        "flood.pump_availability",
    ),
]


def seed_live_indicators(*, out: Callable[[str], None]) -> None:
    """Bind a few quick-win indicators to the modules' live figures, as Bappeda does on the
    monitoring page (idempotent: an indicator already there is left as it is)."""
    from kotapintar.masterplan.models import Indicator, IndicatorTarget, Programme

    plan = Plan.objects.filter(title=TITLE).first()
    bappeda = get_user_model().objects.filter(username="bappeda").first()
    if plan is None or bappeda is None:
        return
    bound = 0
    for prog_code, code, kind, name, unit, direction, base, target, metric_code in LIVE_INDICATORS:
        prog = Programme.objects.filter(plan=plan, code=prog_code).first()
        if prog is None or Indicator.objects.filter(programme=prog, code=code).exists():
            continue
        with transaction.atomic():
            ind = Indicator.objects.create(
                programme=prog,
                code=code,
                kind=kind,
                name=name,
                unit=unit,
                direction=direction,
                baseline=Decimal(base),
                baseline_year=2018,
            )
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=ind, year=y, target=Decimal(target))
                for y in range(plan.start_year, plan.end_year + 1)
            )
            services.indicator_bind(actor=bappeda, indicator=ind, metric_code=metric_code)
        bound += 1
    out(f"  live indicators: {bound} bound to the modules' metrics")


# --- Budget realisation (masterplan/budget.py; the control room's budget panel) -----

BUDGET_FACTORS = ["0.85", "0.92", "0.97", "1.00", "0.78", "1.06"]  # 1.06: an overrun, shown in red


def seed_budget_realisation(*, out: Callable[[str], None], before_year: int | None = None) -> None:
    """Realised budget for every line of the years before `before_year` (default: this year), a
    deterministic 78–106% of the plan, recorded by Bappeda through the service (audited). Idempotent:
    a line already recorded is left as it is."""
    from django.utils import timezone

    from kotapintar.masterplan.models import BudgetLine

    plan = Plan.objects.filter(title=TITLE).first()
    bappeda = get_user_model().objects.filter(username="bappeda").first()
    if plan is None or bappeda is None:
        return
    until = before_year or timezone.localdate().year
    todo = BudgetLine.objects.filter(programme__plan=plan, year__lt=until, realised_idr__isnull=True)
    n = 0
    for line in todo.select_related("programme__worksheet"):
        key = f"{line.programme.code}:{line.year}:{line.source}".encode()
        factor = Decimal(BUDGET_FACTORS[zlib.crc32(key) % len(BUDGET_FACTORS)])
        services.budget_realised_record(
            actor=bappeda,
            programme=line.programme,
            year=line.year,
            source=line.source,
            realised_idr=int(line.amount_idr * factor),
        )
        n += 1
    out(f"  budget realisation: {n} lines recorded before {until}")
