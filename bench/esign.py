"""Benchmark: signing the documents users sign, through the code the web flow runs.

Every document is a letter written by `services.document_generate` (WeasyPrint, as the "write a
letter" page does) or an uploaded PDF (`services.document_upload`), put through `workflow_start`
with one signature step, in a fresh database with the city PKI of `pki_init`. Prints one
``key=value`` line per figure (medians over ``ESIGN_BENCH_RUNS`` runs):

- ``docs_per_s`` (the batch page): ``services.document_sign_batch`` at the configured level (B-LT:
  pyHanko with the visible QR stamp, the city TSA, CRLs and OCSP in the DSS), as the batch page runs;
- ``single_docs_per_s``: ``services.document_sign`` one document at a time, as the document page
  runs it (each call opens the official's key: PBKDF2);
- ``fast_bt_docs_per_s``: ``document_sign_batch(fast=True, level="B-T")``, as ``esign-batch --fast``;
- ``pyhanko_default_docs_per_s``: the peer, pyHanko's default ``sign_pdf`` loop (one ``SimpleSigner``,
  default options, B-B, no stamp, no database) on the same prepared PDFs;
- ``batch_ratio_vs_pyhanko_default``: ``docs_per_s / pyhanko_default_docs_per_s``; ``fast_ratio_vs_pyhanko_default``;
- ``hsm_docs_per_s``: uploaded PDFs, B-B, the fast batch service, the key in a SoftHSM2 token.

The headline, the users' path for uploaded files (issue 17 item 7): ``ESIGN_BENCH_PDF_DOCS`` uploaded PDFs of 1–3
pages from several producers (WeasyPrint letters of one, two and three pages; a classic-xref letter
of ``tests/lib/pdfmini``; a WeasyPrint letter re-written by pyHanko; one already changed by an
incremental update), each through ``document_upload`` and ``workflow_start``, signed with
``document_sign_batch(fast=True)`` as ``esign-batch --fast`` does (one passphrase entry per batch):

- ``pdf_input_docs_per_s``: at B-B; ``blt_docs_per_s``: the same path at B-LT (city TSA, CRLs and
  OCSP in a DSS);
- ``pdf_input_pyhanko_default_docs_per_s``: pyHanko's default ``sign_pdf`` loop (one
  ``SimpleSigner``, key opened once, B-B) on the SAME PDFs, in the same run;
- ``ratio_vs_pyhanko_default``: ``pdf_input_docs_per_s / pdf_input_pyhanko_default_docs_per_s``
  (before issue 17 this key compared the batch page's B-LT figure; that ratio is now
  ``batch_ratio_vs_pyhanko_default``);
- ``pdf_input_engine_docs_per_s`` / ``blt_engine_docs_per_s``: the signing engine alone
  (``pki_signing.fast_signer``: ``pdfincr`` + CMS, the key opened once, no database, no audit entry)
  on the same PDFs, and ``engine_ratio_vs_pyhanko_default``: where the service's own per-document work
  (transactions, revision, audit chain, notification) is what remains; ``*_large_batch_docs_per_s``:
  the engine on a batch four times as long (the batch's fixed costs — opening the key, the validation
  data — spread thinner).

Beside them, where the time of one batch-page document goes (``share_*``) and a verification of a
sample with ``verification.verify_pdf``; the script exits 1 if a sample does not verify.

Usage: ``.venv/bin/python bench/esign.py`` (env: ESIGN_BENCH_RUNS=3, ESIGN_BENCH_DOCS=12,
ESIGN_BENCH_SINGLE=4, ESIGN_BENCH_PDF_DOCS=30). ``--engine-only`` prints only the engine figures
(``pdf_input_engine_docs_per_s``, ``blt_engine_docs_per_s`` and their ``*_large_batch_docs_per_s``, the same
keys, with a verification of one output of each input at both levels), for a quick before/after of
``fastsign``/``pdfincr``. Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests.lib.pdfmini: another producer
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotapintar.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault(
        "SQLITE_PATH", str(Path(tempfile.mkdtemp(prefix="kp-bench-esign-")) / "bench.sqlite3")
    )

import logging

import django

django.setup()
for name in ("weasyprint", "fontTools", "kotapintar.esign"):
    logging.getLogger(name).setLevel(logging.ERROR)

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from pyhanko.pdf_utils import generic  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.pdf_utils.writer import copy_into_new_writer  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko_certvalidator.registry import SimpleCertificateStore  # noqa: E402
from tests.lib import pdfmini  # noqa: E402

from kotapintar.core import ratelimit  # noqa: E402
from kotapintar.esign import pki, selectors, services, tokens, verification  # noqa: E402
from kotapintar.esign.documents import Letter, letter_render  # noqa: E402
from kotapintar.esign.models import Document  # noqa: E402
from kotapintar.esign.pki_signing import fast_signer, load_signer  # noqa: E402

RUNS = int(os.environ.get("ESIGN_BENCH_RUNS", "3"))
DOCS = int(os.environ.get("ESIGN_BENCH_DOCS", "12"))
SINGLE = int(os.environ.get("ESIGN_BENCH_SINGLE", "4"))
PDF_DOCS = int(os.environ.get("ESIGN_BENCH_PDF_DOCS", "30"))
LARGE_FACTOR = 4  # the engine also signs the same PDFs four times over in one batch
PASSPHRASE = "frasa-sandi-bench-2026"

SUBJECTS = [
    "Undangan Rapat Koordinasi Penanganan Rob",
    "Permohonan Data Penduduk Terdampak Banjir",
    "Pemberitahuan Jadwal Pekan Batik Nusantara",
    "Penyampaian Laporan Realisasi Anggaran",
]


def setup_official() -> User:
    with open(os.devnull, "w") as sink:
        call_command("migrate", verbosity=0, stdout=sink)
        call_command("seed_demo", "--only", "core", stdout=sink)  # the city the PKI is named for
    services.pki_init()
    group, _created = Group.objects.get_or_create(name="penandatangan")
    official, created = User.objects.get_or_create(
        username="bench-sekda", defaults={"first_name": "Budi", "last_name": "Santoso"}
    )
    official.groups.add(group)
    if created or selectors.certificate_for_user(official) is None:
        services.certificate_issue(actor=None, user=official, passphrase=PASSPHRASE)
    return official


def make_documents(official: User, count: int, run: int) -> list[Document]:
    """Half WeasyPrint letters, half uploads of such a letter's bytes, each with one signature step."""
    docs = []
    for i in range(count):
        subject = SUBJECTS[i % len(SUBJECTS)]
        letter = Letter(
            nomor=f"000.1/{run * 1000 + i}/Setda/2026",
            perihal=subject,
            tujuan="Kepala Dinas Komunikasi dan Informatika Kota Pekalongan",
            isi=(
                f"Dengan hormat, sehubungan dengan {subject.lower()} (rujukan {run}-{i}), bersama ini kami "
                "sampaikan bahwa kegiatan akan dilaksanakan di Ruang Rapat Sekretariat Daerah.\n\n"
                "Demikian atas perhatian dan kerja samanya kami sampaikan terima kasih."
            ),
            penandatangan_nama="Budi Santoso",
            penandatangan_jabatan="Sekretaris Daerah",
        )
        doc = services.document_generate(actor=official, letter=letter)
        if i % 2:
            pdf = bytes(selectors.revision_latest(doc).pdf)
            doc = services.document_upload(actor=official, title=f"{subject} (unggah)", data=pdf)
        services.workflow_start(
            actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
        )
        docs.append(doc)
    return docs


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def pyhanko_default_loop(pdfs: list[bytes], official: User, field_names: list[str] | None = None) -> None:
    """The peer: pyHanko's default ``sign_pdf`` with one SimpleSigner of the same key (filling the
    prepared field of each document when ``field_names`` is given)."""
    cert = selectors.certificate_for_user(official)
    assert cert is not None and cert.issuer is not None
    # Opened as pyHanko's SimpleSigner.load opens a key (cryptography's load_pem_private_key, with
    # OpenSSL's RSA key check), as the peer did when load_signer still opened keys that way.
    key = pki.decrypt_key(pki.official_key_pem(bytes(cert.key_pem)), PASSPHRASE.encode("utf-8"))
    signer = signers.SimpleSigner(
        signing_cert=pki.to_asn1_cert(bytes(cert.cert_der)),
        signing_key=pki.to_asn1_key(key),
        cert_registry=SimpleCertificateStore.from_certs([pki.to_asn1_cert(bytes(cert.issuer.cert_der))]),
    )
    for i, pdf in enumerate(pdfs):
        name = field_names[i] if field_names else "Signature1"
        meta = signers.PdfSignatureMetadata(field_name=name, subfilter=fields.SigSeedSubFilter.PADES)
        signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)


def _letter(i: int, pages: int) -> Letter:
    body = "\n\n".join(
        f"Paragraf {k + 1}: sehubungan dengan penanganan rob di pesisir utara (rujukan {i}), bersama ini "
        "kami sampaikan rincian kegiatan, jadwal, lokasi, dan pembagian tugas perangkat daerah terkait. " * 3
        for k in range(9 * (pages - 1) + 1)
    )
    return Letter(
        nomor=f"000.1/{i}/Setda/2026",
        perihal=SUBJECTS[i % len(SUBJECTS)],
        tujuan="Kepala Dinas Komunikasi dan Informatika Kota Pekalongan",
        isi=body,
        penandatangan_nama="Budi Santoso",
        penandatangan_jabatan="Sekretaris Daerah",
    )


def pdf_inputs() -> list[bytes]:
    """Distinct uploaded PDFs of 1–3 pages from several producers (see the module docstring)."""
    made = [
        letter_render(_letter(i, pages), verify_url="https://example.invalid/v/")
        for i, pages in enumerate((1, 2, 3))
    ]
    made.append(
        pdfmini.plain_letter(
            number="000.1/7/Setda/2026",
            date_text="7 Desember 2026",
            subject=SUBJECTS[0],
            recipient="Kepala Dinas Komunikasi dan Informatika Kota Pekalongan",
            paragraphs=(
                "Dengan hormat, rapat koordinasi akan dilaksanakan di Ruang Rapat Sekretariat Daerah.",
            ),
            signer_name="Budi Santoso",
            signer_title="Sekretaris Daerah",
            signer_nip="197001011990031001",
        )
    )
    rewritten = io.BytesIO()
    copy_into_new_writer(PdfFileReader(io.BytesIO(made[0]))).write(rewritten)
    made.append(rewritten.getvalue())
    writer = IncrementalPdfFileWriter(io.BytesIO(made[1]))
    writer.set_info(
        generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("Surat")})
    )
    updated = io.BytesIO()
    writer.write(updated)
    made.append(updated.getvalue())
    return made


def upload_inputs(official: User, inputs: list[bytes], count: int, tag: str) -> list[Document]:
    docs = []
    for i in range(count):
        doc = services.document_upload(
            actor=official, title=f"Unggahan {tag} {i}", data=inputs[i % len(inputs)]
        )
        services.workflow_start(
            actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
        )
        docs.append(doc)
    return docs


def engine_loop(pdfs: list[bytes], official: User, field_names: list[str], level: str) -> None:
    """The fast signing engine alone on ``pdfs``: the key opened once, no database work per document."""
    cert = selectors.certificate_for_user(official)
    assert cert is not None
    sign = fast_signer(load_signer(certificate_id=cert.pk, passphrase=PASSPHRASE), level)
    for pdf, name in zip(pdfs, field_names, strict=True):
        sign(
            document_pdf=pdf,
            field_name=name,
            certify=True,
            reason="Menyetujui dokumen",
            location="Kota Pekalongan",
        )


def engine_figures(
    official: User, pdfs: list[bytes], field_names: list[str], figures: dict[str, list[float]]
) -> None:
    """The engine alone on ``pdfs`` and on a batch LARGE_FACTOR times as long, at B-B and B-LT."""
    large, large_names = pdfs * LARGE_FACTOR, field_names * LARGE_FACTOR
    for label, level in (("pdf_input_engine", "B-B"), ("blt_engine", "B-LT")):
        figures[label].append(
            len(pdfs) / timed(lambda level=level: engine_loop(pdfs, official, field_names, level))
        )
        rate = len(large) / timed(lambda level=level: engine_loop(large, official, large_names, level))
        figures[f"{label}_large"].append(rate)


def engine_run(official: User, inputs: list[bytes], run: int, figures: dict[str, list[float]]) -> int:
    """``--engine-only``: the engine figures of :func:`pdf_input_run` (same PDFs, same batch sizes), and a
    verification of one output per input at B-B and B-LT; returns how many did not verify."""
    docs = upload_inputs(official, inputs, PDF_DOCS, f"engine{run}")
    same_pdfs = [bytes(selectors.revision_latest(d).pdf) for d in docs]
    field_names = [d.steps.get().field_name for d in docs]
    engine_figures(official, same_pdfs, field_names, figures)
    cert = selectors.certificate_for_user(official)
    assert cert is not None
    failures = 0
    for level in ("B-B", "B-LT"):
        sign = fast_signer(load_signer(certificate_id=cert.pk, passphrase=PASSPHRASE), level)
        for pdf, name in zip(same_pdfs[: len(inputs)], field_names, strict=False):
            out = sign(document_pdf=pdf, field_name=name, certify=True, reason="Uji", location="Kota")
            failures += not verification.verify_pdf(out)["valid"]
    print(
        f"# engine run {run + 1}: B-B={figures['pdf_input_engine'][-1]:.1f} "
        f"B-LT={figures['blt_engine'][-1]:.1f} B-B large={figures['pdf_input_engine_large'][-1]:.1f} "
        f"B-LT large={figures['blt_engine_large'][-1]:.1f} docs/s (load {os.getloadavg()[0]:.2f})",
        file=sys.stderr,
    )
    return failures


def engine_only() -> int:
    """``--engine-only``: the signing engine's figures alone, medians of RUNS runs."""
    official = setup_official()
    inputs = pdf_inputs()
    keys = ("pdf_input_engine", "blt_engine", "pdf_input_engine_large", "blt_engine_large")
    figures: dict[str, list[float]] = {k: [] for k in keys}
    failures = sum(engine_run(official, inputs, run, figures) for run in range(RUNS))
    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"runs={RUNS}")
    print(f"cpu_count={os.cpu_count()}")
    print(f"load_average={os.getloadavg()[0]:.2f}")
    print(f"pdf_input_docs={PDF_DOCS}")
    print(f"pdf_input_engine_docs_per_s={med['pdf_input_engine']:.1f}")
    print(f"blt_engine_docs_per_s={med['blt_engine']:.1f}")
    print(f"engine_large_batch_docs={PDF_DOCS * LARGE_FACTOR}")
    print(f"pdf_input_engine_large_batch_docs_per_s={med['pdf_input_engine_large']:.1f}")
    print(f"blt_engine_large_batch_docs_per_s={med['blt_engine_large']:.1f}")
    print(f"verified_samples={2 * len(inputs) * RUNS}")
    print(f"verification_failures={failures}")
    return 1 if failures else 0


def pdf_input_run(official: User, inputs: list[bytes], run: int, figures: dict[str, list[float]]) -> int:
    """Uploaded PDFs: fast batch at B-B and B-LT, and pyHanko's default loop on the same PDFs."""
    signed: dict[str, list[Document]] = {}
    for label, level, count in (
        ("pdf_input", "B-B", PDF_DOCS),
        ("blt", "B-LT", PDF_DOCS),
        ("pdf_input_large", "B-B", PDF_DOCS * LARGE_FACTOR),
        ("blt_large", "B-LT", PDF_DOCS * LARGE_FACTOR),
    ):
        docs = signed[label] = upload_inputs(official, inputs, count, f"{label}{run}")
        if label == "pdf_input":  # the peer and the engine sign the same prepared PDFs
            same_pdfs = [bytes(selectors.revision_latest(d).pdf) for d in docs]
            field_names = [d.steps.get().field_name for d in docs]
        ratelimit.reset(f"esign-sign:{official.pk}")
        dt = timed(
            lambda docs=docs, level=level: services.document_sign_batch(
                actor=official, documents_=docs, passphrase=PASSPHRASE, level=level, fast=True
            )
        )
        figures[label].append(len(docs) / dt)
    bb_docs, blt_docs = signed["pdf_input"], signed["blt"]
    dt = timed(lambda: pyhanko_default_loop(same_pdfs, official, field_names))
    figures["pdf_input_pyhanko"].append(len(same_pdfs) / dt)
    engine_figures(official, same_pdfs, field_names, figures)
    failures = 0
    for doc in (*bb_docs[: len(inputs)], *blt_docs[: len(inputs)]):
        failures += not verification.verify_pdf(bytes(selectors.revision_latest(doc).pdf))["valid"]
    print(
        f"# pdf input run {run + 1}: B-B={figures['pdf_input'][-1]:.1f} B-LT={figures['blt'][-1]:.1f} "
        f"large B-B={figures['pdf_input_large'][-1]:.1f} B-LT={figures['blt_large'][-1]:.1f} "
        f"pyhanko_default={figures['pdf_input_pyhanko'][-1]:.1f} engine={figures['pdf_input_engine'][-1]:.1f} "
        f"blt_engine={figures['blt_engine'][-1]:.1f} docs/s",
        file=sys.stderr,
    )
    return failures


def where_the_time_goes(official: User, doc: Document) -> dict[str, float]:
    """Profile one batch-page document: the shares of pyHanko's signing, validation data, TSA, the rest."""
    profile = cProfile.Profile()
    profile.enable()
    services.document_sign_batch(actor=official, documents_=[doc], passphrase=PASSPHRASE)
    profile.disable()
    stats = pstats.Stats(profile)
    total = max(sum(v[2] for v in stats.stats.values()), 1e-9)
    groups = {
        "open_key": "open_official_key",  # the key unsealed, opened by the passphrase and checked (load_signer)
        "validation_data": "validation_context_for_signing",
        "tsa": "request_tsa_response",
    }
    shares = {}
    for label, func in groups.items():
        cum = [v[3] for k, v in stats.stats.items() if k[2] == func]
        shares[label] = max(cum, default=0.0) / total
    return shares


def one_run(official: User, run: int, figures: dict[str, list[float]]) -> int:
    """Sign fresh documents each way; append docs/s to ``figures``; return how many samples failed."""
    docs = make_documents(official, DOCS + SINGLE + DOCS + DOCS, run)
    batch_docs, single_docs = docs[:DOCS], docs[DOCS : DOCS + SINGLE]
    fast_docs, peer_docs = docs[DOCS + SINGLE : 2 * DOCS + SINGLE], docs[2 * DOCS + SINGLE :]
    peer_pdfs = [bytes(selectors.revision_latest(d).pdf) for d in peer_docs]

    ratelimit.reset(f"esign-sign:{official.pk}")
    dt = timed(
        lambda: services.document_sign_batch(actor=official, documents_=batch_docs, passphrase=PASSPHRASE)
    )
    figures["batch"].append(len(batch_docs) / dt)

    def one_by_one() -> None:
        for doc in single_docs:
            ratelimit.reset(f"esign-sign:{official.pk}")
            services.document_sign(actor=official, document=doc, passphrase=PASSPHRASE)

    figures["single"].append(len(single_docs) / timed(one_by_one))
    ratelimit.reset(f"esign-sign:{official.pk}")
    dt = timed(
        lambda: services.document_sign_batch(
            actor=official, documents_=fast_docs, passphrase=PASSPHRASE, level="B-T", fast=True
        )
    )
    figures["fast"].append(len(fast_docs) / dt)
    figures["pyhanko"].append(len(peer_pdfs) / timed(lambda: pyhanko_default_loop(peer_pdfs, official)))
    failures = 0
    for doc in (batch_docs[0], batch_docs[-1], single_docs[0], fast_docs[0]):
        report = verification.verify_pdf(bytes(selectors.revision_latest(doc).pdf))
        failures += not report["valid"]
    print(
        f"# run {run + 1}: batch={figures['batch'][-1]:.1f} single={figures['single'][-1]:.1f} "
        f"fast_bt={figures['fast'][-1]:.1f} pyhanko_default={figures['pyhanko'][-1]:.1f} docs/s",
        file=sys.stderr,
    )
    return failures


def hsm_docs_per_s() -> str:
    """``hsm_docs_per_s``: uploaded PDFs signed through ``document_sign_batch(fast=True, level="B-B")`` (the
    service ``esign-batch --fast`` runs) by an official whose key is in a SoftHSM2 token made for the
    run (``esign-token-keygen``'s service); median of RUNS runs of DOCS documents. "n/a" without SoftHSM2."""
    if not (Path(tokens.SOFTHSM_MODULE).exists() and shutil.which("softhsm2-util")):
        return "n/a"
    pin = "bench-pin-2026"
    conf = tokens.softhsm_init(
        Path(tempfile.mkdtemp(prefix="kp-bench-hsm-")), label="bench", pin=pin, so_pin=pin
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read when the module is first loaded, just below
    settings.ESIGN_PKCS11_MODULE, settings.ESIGN_PKCS11_TOKEN, settings.ESIGN_PKCS11_PIN = (
        tokens.SOFTHSM_MODULE,
        "bench",
        pin,
    )
    official = User.objects.create(username="bench-hsm", first_name="Sari", last_name="Token")
    official.groups.add(Group.objects.get(name="penandatangan"))
    services.certificate_issue(actor=None, user=official, passphrase=PASSPHRASE, in_token=True)
    rates = []
    for run in range(RUNS):
        letter = services.document_generate(
            actor=official,
            letter=Letter(
                nomor=f"000.1/{run}/HSM/2026",
                perihal=SUBJECTS[run % len(SUBJECTS)],
                tujuan="Kepala Dinas",
                isi="Dengan hormat, bersama ini kami sampaikan undangan rapat.",
                penandatangan_nama="Sari Token",
                penandatangan_jabatan="Kepala Dinas",
            ),
        )
        pdf = bytes(selectors.revision_latest(letter).pdf)
        docs = [
            services.document_upload(actor=official, title=f"Unggahan {run}-{i}", data=pdf)
            for i in range(DOCS)
        ]
        for doc in docs:
            services.workflow_start(
                actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
            )
        dt = timed(
            lambda docs=docs: services.document_sign_batch(
                actor=official, documents_=docs, passphrase=PASSPHRASE, level="B-B", fast=True
            )
        )
        if not verification.verify_pdf(bytes(selectors.revision_latest(docs[-1]).pdf))["valid"]:
            raise SystemExit("hsm: a signed sample does not verify")
        rates.append(len(docs) / dt)
        print(f"# run {run + 1}: hsm={rates[-1]:.1f} docs/s", file=sys.stderr)
    return f"{statistics.median(rates):.1f}"


def warm_up(official: User, inputs: list[bytes]) -> None:
    """One unmeasured batch per level first: the process's first batch also pays for imports, the CRLs'
    first issue and cold caches, which no later batch of a running server or command pays again."""
    for level in ("B-B", "B-LT"):
        ratelimit.reset(f"esign-sign:{official.pk}")
        services.document_sign_batch(
            actor=official,
            documents_=upload_inputs(official, inputs, len(inputs), f"warm-up-{level}"),
            passphrase=PASSPHRASE,
            level=level,
            fast=True,
        )


def main() -> int:
    official = setup_official()
    keys = (
        "batch",
        "single",
        "fast",
        "pyhanko",
        "pdf_input",
        "blt",
        "pdf_input_large",
        "blt_large",
        "pdf_input_pyhanko",
        "pdf_input_engine",
        "blt_engine",
        "pdf_input_engine_large",
        "blt_engine_large",
    )
    figures: dict[str, list[float]] = {k: [] for k in keys}
    inputs = pdf_inputs()
    warm_up(official, inputs)
    failures = sum(pdf_input_run(official, inputs, run, figures) for run in range(RUNS))
    failures += sum(one_run(official, run, figures) for run in range(RUNS))
    checked = (4 + 2 * len(inputs)) * RUNS
    ratelimit.reset(f"esign-sign:{official.pk}")
    shares = where_the_time_goes(official, make_documents(official, 1, RUNS)[0])
    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"runs={RUNS}")
    print(f"docs_per_run={DOCS}")
    print(f"level={services.signing_level()}")
    print(f"cpu_count={os.cpu_count()}")
    print(f"docs_per_s={med['batch']:.1f}")
    print(f"single_docs_per_s={med['single']:.1f}")
    print(f"fast_bt_docs_per_s={med['fast']:.1f}")
    print(f"pyhanko_default_docs_per_s={med['pyhanko']:.1f}")
    print(f"pdf_input_docs={PDF_DOCS}")
    print(f"pdf_input_docs_per_s={med['pdf_input']:.1f}")
    print(f"pdf_input_pyhanko_default_docs_per_s={med['pdf_input_pyhanko']:.1f}")
    print(f"ratio_vs_pyhanko_default={med['pdf_input'] / med['pdf_input_pyhanko']:.2f}")
    print(f"blt_docs_per_s={med['blt']:.1f}")
    print(f"service_large_batch_docs={PDF_DOCS * LARGE_FACTOR}")
    print(f"pdf_input_large_batch_docs_per_s={med['pdf_input_large']:.1f}")
    print(f"large_batch_ratio_vs_pyhanko_default={med['pdf_input_large'] / med['pdf_input_pyhanko']:.2f}")
    print(f"blt_large_batch_docs_per_s={med['blt_large']:.1f}")
    print(f"pdf_input_engine_docs_per_s={med['pdf_input_engine']:.1f}")
    print(f"engine_ratio_vs_pyhanko_default={med['pdf_input_engine'] / med['pdf_input_pyhanko']:.2f}")
    print(f"blt_engine_docs_per_s={med['blt_engine']:.1f}")
    print(f"engine_large_batch_docs={PDF_DOCS * LARGE_FACTOR}")
    print(f"pdf_input_engine_large_batch_docs_per_s={med['pdf_input_engine_large']:.1f}")
    print(f"blt_engine_large_batch_docs_per_s={med['blt_engine_large']:.1f}")
    print(f"batch_ratio_vs_pyhanko_default={med['batch'] / med['pyhanko']:.2f}")
    print(f"fast_ratio_vs_pyhanko_default={med['fast'] / med['pyhanko']:.2f}")
    for label, share in shares.items():
        print(f"share_{label}={share:.2f}")
    print(f"hsm_docs_per_s={hsm_docs_per_s()}")
    print(f"verified_samples={checked}")
    print(f"verification_failures={failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(engine_only() if "--engine-only" in sys.argv[1:] else main())
