"""Benchmark: fast batch signing of distinct one-page letters versus pyHanko's default loop.

Prints one ``key=value`` line per figure (medians over ``ESIGN_BENCH_RUNS`` runs):

- ``bb_docs_per_s``: PAdES B-B, letter data → signed PDF (``fastsign.sign_batch``), RSA-2048;
- ``blt_docs_per_s``: PAdES B-LT: B-B + a signature timestamp token per document from an in-process
  RFC 3161 TSA + a DSS with the chain and the CRLs fetched over HTTP once per batch (the fetch is
  inside the timed region);
- ``pyhanko_default_docs_per_s``: pyHanko's default ``sign_pdf`` loop (one ``SimpleSigner``, default
  options) on the same letters, pre-rendered to PDF outside the timed region;
- ``ratio_vs_pyhanko_default``: ``bb_docs_per_s / pyhanko_default_docs_per_s``.

Extra figures: ``bb_pdf_input_docs_per_s`` (fast CMS on existing PDF bytes, field added by pyHanko),
sizes, and the validation of a random sample of every run's output with pyHanko's validator (B-B
against the test root; B-LT offline, revocation hard-fail, using only what the DSS holds). The script
exits with status 1 if any sampled signature does not validate or two outputs are identical.

Usage: ``.venv/bin/python bench/esign.py`` (env: ESIGN_BENCH_RUNS=5, ESIGN_BENCH_DOCS=400,
ESIGN_BENCH_PYHANKO_DOCS=25, ESIGN_BENCH_SAMPLE=5).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotapintar.settings")

import django

django.setup()

from asn1crypto import keys as asn1_keys  # noqa: E402
from asn1crypto import x509 as asn1_x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.validation import validate_pdf_signature  # noqa: E402
from pyhanko.sign.validation.dss import DocumentSecurityStore  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402
from pyhanko_certvalidator.registry import SimpleCertificateStore  # noqa: E402

from kotapintar.esign import fastsign  # noqa: E402
from kotapintar.lib import pdfmini  # noqa: E402
from kotapintar.lib.pdfmini import Letter  # noqa: E402

RUNS = int(os.environ.get("ESIGN_BENCH_RUNS", "5"))
DOCS = int(os.environ.get("ESIGN_BENCH_DOCS", "400"))
PYHANKO_DOCS = int(os.environ.get("ESIGN_BENCH_PYHANKO_DOCS", "25"))
SAMPLE = int(os.environ.get("ESIGN_BENCH_SAMPLE", "5"))

SUBJECTS = [
    "Undangan Rapat Koordinasi Penanganan Rob",
    "Permohonan Data Penduduk Terdampak Banjir",
    "Pemberitahuan Jadwal Pekan Batik Nusantara",
    "Penyampaian Laporan Realisasi Anggaran",
    "Surat Tugas Pendampingan Posyandu",
    "Permohonan Narasumber Sosialisasi SPBE",
    "Edaran Kebersihan Lingkungan Kelurahan",
    "Penetapan Tim Penyusun Rencana Induk Kota Pintar",
]
RECIPIENTS = [
    "Kepala Badan Penanggulangan Bencana Daerah Kota Pekalongan",
    "Kepala Dinas Komunikasi dan Informatika Kota Pekalongan",
    "Kepala Dinas Kesehatan Kota Pekalongan",
    "Camat Pekalongan Utara",
    "Lurah Panjang Wetan",
    "Kepala Badan Perencanaan Pembangunan Daerah Kota Pekalongan",
]


def make_letters(count: int, seed: int) -> list[Letter]:
    rng = random.Random(seed)
    letters = []
    for i in range(count):
        subject = rng.choice(SUBJECTS)
        day = rng.randint(1, 28)
        letters.append(
            Letter(
                number=f"{rng.choice(['000.1', '005', '100.3', '400.10'])}/{seed * 100000 + i}/Setda/2026",
                date_text=f"{day} November 2026",
                subject=subject,
                recipient=rng.choice(RECIPIENTS),
                paragraphs=(
                    f"Dengan hormat, sehubungan dengan {subject.lower()}, bersama ini kami sampaikan "
                    f"bahwa kegiatan akan dilaksanakan pada tanggal {day} November 2026 pukul "
                    f"{rng.randint(8, 14):02d}.00 WIB bertempat di Ruang Rapat {rng.randint(1, 9)} "
                    f"Sekretariat Daerah Kota Pekalongan (rujukan {rng.getrandbits(40):010x}).",
                    "Mengingat pentingnya acara tersebut, kami mohon kehadiran Saudara atau pejabat "
                    "yang ditunjuk tepat pada waktunya.",
                    "Demikian atas perhatian dan kerja samanya kami sampaikan terima kasih.",
                ),
                signer_name="Budi Santoso, S.H., M.Si.",
                signer_title="Sekretaris Daerah Kota Pekalongan",
                signer_nip="197001011990031001",
                verification_url=f"https://kotapintar.pekalongankota.go.id/verifikasi/{rng.getrandbits(64):016x}",
            )
        )
    return letters


def der(cert: object) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)  # type: ignore[attr-defined]


def pyhanko_default_signer(pki: fastsign.DemoPki) -> signers.SimpleSigner:
    key_der = pki.signer_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der(pki.signer)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(der(pki.ca)), asn1_x509.Certificate.load(der(pki.root))]
        ),
    )


def validate(pdf: bytes, root: asn1_x509.Certificate, *, ltv: bool) -> bool:
    reader = PdfFileReader(io.BytesIO(pdf))
    sigs = reader.embedded_signatures
    if len(sigs) != 1:
        return False
    if ltv:
        vc = DocumentSecurityStore.read_dss(reader).as_validation_context(
            {"trust_roots": [root], "allow_fetching": False, "revocation_mode": "hard-fail"}
        )
    else:
        vc = ValidationContext(trust_roots=[root])
    status = validate_pdf_signature(sigs[0], vc)
    ok = status.bottom_line and status.intact and status.valid and status.trusted
    if ltv:
        ok = ok and status.timestamp_validity is not None and status.timestamp_validity.trusted
    return bool(ok)


def pyhanko_loop(
    plain: list[bytes], meta: signers.PdfSignatureMetadata, signer: signers.SimpleSigner
) -> list[bytes]:
    """pyHanko's default loop: ``sign_pdf`` with default options for each document."""
    out = []
    for pdf in plain:
        buf = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
        out.append(buf.getvalue())
    return out


def timed(fn: Callable[[], list[bytes]]) -> tuple[float, list[bytes]]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> int:
    crl_server = fastsign.DemoPkiServer()
    pki = fastsign.DemoPki.generate(crl_base_url=crl_server.url)
    crl_server.pki = pki
    root = asn1_x509.Certificate.load(der(pki.root))
    key = pki.signer_key_obj()
    tsa = pki.timestamper()
    rng = random.Random(4)
    figures: dict[str, list[float]] = {k: [] for k in ("bb", "blt", "pyhanko", "bb_pdf")}
    sizes: dict[str, int] = {}
    validated = 0
    failures = 0
    seen: set[bytes] = set()
    duplicates = 0
    crl_fetches: list[int] = []

    for run in range(RUNS):
        letters = make_letters(DOCS, seed=run + 1)

        dt, bb = timed(lambda letters=letters: fastsign.sign_batch(letters, signer=key))  # type: ignore[misc]
        figures["bb"].append(len(bb) / dt)

        def blt_batch(letters: list[Letter] = letters) -> list[bytes]:
            before = crl_server.requests
            revocation = fastsign.fetch_revocation([pki.signer, pki.ca, pki.root, pki.tsa])
            out = fastsign.sign_batch(
                letters, signer=key, level="B-LT", timestamper=tsa, revocation=revocation
            )
            crl_fetches.append(crl_server.requests - before)
            return out

        dt, blt = timed(blt_batch)
        figures["blt"].append(len(blt) / dt)

        plain = [bytes(pdfmini.letter_pdf(letter).data) for letter in letters[:PYHANKO_DOCS]]
        default_signer = pyhanko_default_signer(pki)
        meta = signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES)

        dt, ph = timed(functools.partial(pyhanko_loop, plain, meta, default_signer))
        figures["pyhanko"].append(len(ph) / dt)

        dt, bb_pdf = timed(lambda plain=plain: fastsign.sign_batch(plain, signer=key))  # type: ignore[misc]
        figures["bb_pdf"].append(len(bb_pdf) / dt)

        for out in (bb, blt):
            for pdf in out:
                h = hashlib.sha256(pdf).digest()
                duplicates += h in seen
                seen.add(h)
        checks = [(pdf, False) for pdf in rng.sample(bb, min(SAMPLE, len(bb)))]
        checks += [(pdf, True) for pdf in rng.sample(blt, min(SAMPLE, len(blt)))]
        checks += [(pdf, False) for pdf in rng.sample(bb_pdf, min(2, len(bb_pdf)))]
        checks += [(pdf, False) for pdf in ph[:1]]
        for pdf, ltv in checks:
            validated += 1
            if not validate(pdf, root, ltv=ltv):
                failures += 1
        sizes = {"bb": len(bb[0]), "blt": len(blt[0]), "pyhanko": len(ph[0])}
        print(
            f"# run {run + 1}: bb={figures['bb'][-1]:.0f} blt={figures['blt'][-1]:.0f} "
            f"pyhanko_default={figures['pyhanko'][-1]:.1f} bb_pdf_input={figures['bb_pdf'][-1]:.0f} docs/s",
            file=sys.stderr,
        )

    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"runs={RUNS}")
    print(f"docs_per_run={DOCS}")
    print(f"pyhanko_docs_per_run={PYHANKO_DOCS}")
    print(f"cpu_count={os.cpu_count()}")
    print(f"bb_docs_per_s={med['bb']:.1f}")
    print(f"blt_docs_per_s={med['blt']:.1f}")
    print(f"pyhanko_default_docs_per_s={med['pyhanko']:.1f}")
    print(f"ratio_vs_pyhanko_default={med['bb'] / med['pyhanko']:.1f}")
    print(f"blt_ratio_vs_pyhanko_default={med['blt'] / med['pyhanko']:.1f}")
    print(f"bb_pdf_input_docs_per_s={med['bb_pdf']:.1f}")
    print(f"bb_bytes_per_doc={sizes['bb']}")
    print(f"blt_bytes_per_doc={sizes['blt']}")
    print(f"pyhanko_default_bytes_per_doc={sizes['pyhanko']}")
    print(f"blt_revocation_http_fetches_per_batch={statistics.median(crl_fetches):.0f}")
    print(f"distinct_outputs={len(seen)}")
    print(f"duplicate_outputs={duplicates}")
    print(f"validated_samples={validated}")
    print(f"validation_failures={failures}")
    crl_server.httpd.shutdown()
    return 1 if failures or duplicates else 0


if __name__ == "__main__":
    raise SystemExit(main())
