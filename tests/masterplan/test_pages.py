"""The pages render for their roles on the demo, and the public page needs no login."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.utils.html import escape
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

# Each page with its template and what only a working page shows: figures computed from the demo
# data (averages, totals, percentages) and rows the page lists.
PAGES = [
    ("/masterplan/", "masterplan/dashboard.html", ["90,0%", "Tanda Tangan Elektronik"]),
    (
        "/masterplan/kesiapan/",
        "masterplan/readiness.html",
        ["3,33", "Penilaian kesiapan struktur dimensi Smart Governance"],
    ),
    ("/masterplan/kertas-kerja/", "masterplan/worksheet_list.html", ["Layanan Publik", "Disahkan Dewan"]),
    ("/masterplan/klinik/", "masterplan/clinic.html", ["Mentor Kominfo", "Disperkim"]),
    ("/masterplan/dewan/", "masterplan/council.html", ["Rapat Dewan Smart City — Tahap IV", "Ruang Jetayu"]),
    (
        "/masterplan/roadmap/",
        "masterplan/roadmap.html",
        ["Tanda Tangan Elektronik (TTE) untuk naskah dinas", "700.000.000"],
    ),
    ("/masterplan/anggaran/", "masterplan/budget.html", ["Rp192.815.000.000", "26.885.000.000"]),
    (
        "/masterplan/monitoring/?tahun=2020",
        "masterplan/monitoring.html",
        ["Transaksi non-tunai saat Pekan Batik Nusantara", "105,0"],
    ),
    ("/masterplan/evaluasi/", "masterplan/evaluation.html", ["Set B (Jambi)", "2,98"]),
    ("/masterplan/publik/", "masterplan/public.html", ["Pekalongan Batik Fusion", 'href="/tte/"']),
]


@pytest.mark.parametrize(("url", "template", "texts"), PAGES, ids=[p[0] for p in PAGES])
def test_demo_pages_render_their_content_for_bappeda(demo, client, url, template, texts):
    client.force_login(get_user_model().objects.get(username="bappeda"))
    r = client.get(url)
    assert r.status_code == 200
    assert [t.name for t in r.templates][0] == template
    html = r.content.decode()
    missing = [t for t in texts if t not in html]
    assert missing == []


def test_dashboard_shows_90_and_the_open_items(demo, client):
    client.force_login(get_user_model().objects.get(username="bappeda"))
    html = client.get("/masterplan/").content.decode()
    assert "90,0%" in html
    assert "Finalisasi dokumen dan paparan di Jakarta" in html


def test_public_page_needs_no_login(demo, client):
    r = client.get("/masterplan/publik/")
    assert r.status_code == 200
    html = r.content.decode()
    for name in ("Tanda Tangan Elektronik", "Pekalongan Batik Fusion", "Penanganan banjir dan rob"):
        assert name in html
    for href in ('href="/tte/"', 'href="/batik/"', 'href="/banjir/"'):
        assert href in html


def test_worksheet_page_of_every_demo_worksheet(demo, client):
    client.force_login(get_user_model().objects.get(username="mentor"))
    for ws in demo.worksheets.select_related("opd", "element").prefetch_related("programmes"):
        r = client.get(f"/masterplan/kertas-kerja/{ws.public_id}/")
        assert r.status_code == 200
        html = r.content.decode()
        assert escape(f"{ws.opd.short_name} · {ws.element.code} {ws.element.name_id}") in html
        assert all(escape(p.name_id) in html for p in ws.programmes.all())


def test_opd_downloads_and_uploads_its_xlsx(demo, client):
    user = get_user_model().objects.get(username="opd")  # Dinkominfo
    client.force_login(user)
    r = client.get("/masterplan/opd/dinkominfo/kertas-kerja.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    wb["Anggaran"]["D2"] = -1
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "kk.xlsx"
    ws = demo.worksheets.get(opd__code="dinkominfo")
    r = client.post(
        "/masterplan/opd/dinkominfo/unggah/",
        {"file": buf, "next": f"/masterplan/kertas-kerja/{ws.public_id}/"},
        follow=True,
    )
    html = r.content.decode()
    assert "tidak boleh negatif" in html
    assert "jumlah_rp" in html


def test_opd_cannot_download_another_opds_xlsx(demo, client):
    client.force_login(get_user_model().objects.get(username="opd"))
    assert client.get("/masterplan/opd/dlh/kertas-kerja.xlsx").status_code == 403


def test_exports_download(demo, client):
    client.force_login(get_user_model().objects.get(username="dewan"))
    r = client.get("/masterplan/unduh/docx/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/masterplan/unduh/indikator.csv/").status_code == 200
    assert client.get("/masterplan/unduh/exe/").status_code == 404
