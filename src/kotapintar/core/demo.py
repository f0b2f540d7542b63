"""Pekalongan demo data for the core app: the city, 4 kecamatan, 27 kelurahan, OPD, one user per role.

`kotapintar seed-demo` calls `seed()` of every app that has a `demo` module, core first. Every seed is
idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings

from kotapintar.core import services
from kotapintar.core.errors import CityExists
from kotapintar.core.models import OPD, City, Role

CITY_CODE = "33.75"
CITY_ADDRESS = "Jl. Mataram No. 1, Pekalongan 51111 · pekalongankota.go.id"
BOUNDARIES_SOURCE = "BPN Kota Pekalongan / Permendagri (2017), via hendikaseptio/si-investa (MIT)"
CITY_VISION = "Terwujudnya Kota Pekalongan yang sejahtera, mandiri, religius dan berbudaya"

# OPD of Kota Pekalongan (Perda 5/2016 and amendments). The full list is not yet confirmed against
# the Perda; the agencies named in the domain notes are, the rest follow the standard city structure.
OPDS: list[tuple[str, str, str, str]] = [
    ("setda", "Sekretariat Daerah", "Setda", "sekretariat"),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "badan"),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", "badan"),
    ("bkpsdm", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", "badan"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD", "badan"),
    ("inspektorat", "Inspektorat Daerah", "Inspektorat", "inspektorat"),
    ("dinkominfo", "Dinas Komunikasi dan Informatika", "Dinkominfo", "dinas"),
    ("dlh", "Dinas Lingkungan Hidup", "DLH", "dinas"),
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "dinas"),
    ("disperkim", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim", "dinas"),
    ("dinkes", "Dinas Kesehatan", "Dinkes", "dinas"),
    ("dindik", "Dinas Pendidikan", "Dindik", "dinas"),
    ("dinparbudpora", "Dinas Pariwisata, Kebudayaan, Kepemudaan dan Olahraga", "Dinparbudpora", "dinas"),
    ("dkp", "Dinas Kelautan dan Perikanan", "DKP", "dinas"),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "dinas"),
    ("dindagkop", "Dinas Perdagangan, Koperasi dan UKM", "Dindagkop-UKM", "dinas"),
    ("disperinaker", "Dinas Perindustrian dan Tenaga Kerja", "Disperinaker", "dinas"),
    ("dinsos", "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak", "Dinsos-P2KB", "dinas"),
    ("dindukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Dindukcapil", "dinas"),
    ("dinhub", "Dinas Perhubungan", "Dinhub", "dinas"),
    ("dinpertan", "Dinas Pertanian dan Pangan", "Dinpertan", "dinas"),
    ("dinarpus", "Dinas Arsip dan Perpustakaan", "Dinarpus", "dinas"),
    ("satpolpp", "Satuan Polisi Pamong Praja", "Satpol PP", "satuan"),
]

# username, full name, role, OPD code, NIP, position
DEMO_USERS: list[tuple[str, str, str, str | None, str, str]] = [
    ("admin", "Admin Kota", Role.ADMIN_KOTA, "dinkominfo", "", "Administrator platform"),
    ("bappeda", "Anita Heru Kusumorini", Role.BAPPEDA, "bappeda", "197001011995032001", "Kepala Bappeda"),
    ("opd", "Staf Dinkominfo", Role.OPD, "dinkominfo", "198505052010011002", "Analis Perencanaan"),
    ("mentor", "Mentor Kominfo", Role.MENTOR, None, "", "Mentor Gerakan Menuju 100 Smart City"),
    ("dewan", "Anggota Dewan Smart City", Role.DEWAN, None, "", "Anggota Dewan Smart City"),
    (
        "penandatangan",
        "Sekretaris Daerah",
        Role.PENANDATANGAN,
        "setda",
        "196805121990031003",
        "Sekretaris Daerah",
    ),
    (
        "pariwisata",
        "Staf Dinparbudpora",
        Role.DINAS_PARIWISATA,
        "dinparbudpora",
        "",
        "Kepala Bidang Pariwisata",
    ),
    ("merchant", "Toko Batik Setono", Role.MERCHANT, None, "", "Pedagang"),
    ("bpbd", "Operator BPBD", Role.OPERATOR_BPBD, "bpbd", "198803032012011004", "Operator Pusdalops"),
    ("walidata", "Walidata Dinkominfo", Role.WALIDATA, "dinkominfo", "199001012015031001", "Pranata Komp."),
    ("kantor_walikota", "Staf Kantor Wali Kota", Role.WALIKOTA, None, "", "Ajudan Wali Kota"),
]


def seed(*, out: Any) -> City:
    other = City.objects.exclude(code=CITY_CODE).order_by("pk").first()
    if other is not None:  # a database set up by city-init for another city gets no Pekalongan demo
        raise CityExists(detail={"code": other.code, "name": other.name})
    result = services.wilayah_import(
        city_code=CITY_CODE,
        city_name="Kota Pekalongan",
        province="Jawa Tengah",
        folder=services.DATA_DIR / "pekalongan",
        prefix="pekalongan_",
        vision=CITY_VISION,
        address=CITY_ADDRESS,
        boundaries_source=BOUNDARIES_SOURCE,
    )
    out(f"  city {result.city.name}: {result.kecamatan} kecamatan, {result.kelurahan} kelurahan")
    services.roles_ensure()
    new_opd = 0
    for code, name, short, kind in OPDS:
        new_opd += int(
            services.opd_ensure(city=result.city, code=code, name=name, short_name=short, kind=kind)[1]
        )
    out(f"  {OPD.objects.count()} OPD ({new_opd} new)")
    password = settings.DEMO_PASSWORD or ""
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    created = []
    for username, full_name, role, opd_code, nip, jabatan in DEMO_USERS:
        opd = OPD.objects.get(code=opd_code) if opd_code else None
        _user, was_created = services.user_ensure(
            username=username,
            password=password,
            roles=[str(role)],
            full_name=full_name,
            opd=opd,
            nip=nip,
            jabatan=jabatan,
            is_staff=role == Role.ADMIN_KOTA,
        )
        if was_created:
            created.append(username)
    if created:
        out(f"  demo users created: {', '.join(created)}")
        if generated:
            out(f"  their password (shown once; set DEMO_PASSWORD to choose it): {password}")
    return result.city
