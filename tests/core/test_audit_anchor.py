"""The audit chain resists a database writer (issue 12 item 6).

Someone who can write the database but does not hold AUDIT_HMAC_KEY edits an entry and recomputes
the chain (plain SHA-256, or HMAC with a key of their own), or deletes the newest entries and moves
the head back: `audit-verify` must fail. The chain head is timestamped by the city TSA (RFC 3161);
verification checks the newest anchor and names it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms, tsp
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kotapintar.core import audit
from kotapintar.core.models import AuditAnchor, AuditEntry, AuditHead
from kotapintar.core.tasks import audit_anchor, audit_anchor_schedule
from kotapintar.esign import services as esign_services

pytestmark = pytest.mark.django_db


def _payload(entry: AuditEntry) -> bytes:
    """The entry's canonical JSON, as the chain documents it (an attacker knows the algorithm)."""
    return json.dumps(
        {
            "seq": entry.seq,
            "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "data": entry.data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def _sha256(prev: str, entry: AuditEntry) -> str:
    return hashlib.sha256(prev.encode() + _payload(entry)).hexdigest()


def _hmac(key: bytes) -> Any:
    return lambda prev, entry: hmac.new(key, prev.encode() + _payload(entry), hashlib.sha256).hexdigest()


def _rewrite_from(seq: int, digest: Any) -> None:
    """What a database writer can do: recompute every hash from `seq` on, and the head."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS_HASH
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = digest(prev, entry)
        entry.save(update_fields=["prev_hash", "hash"])
        prev = entry.hash
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    AuditHead.objects.filter(pk=1).update(seq=last.seq, last_hash=last.hash)


def _truncate_to(seq: int) -> None:
    """Delete every entry after `seq` and move the head back to it."""
    AuditEntry.objects.filter(seq__gt=seq).delete()
    kept = AuditEntry.objects.get(seq=seq)
    AuditHead.objects.filter(pk=1).update(seq=kept.seq, last_hash=kept.hash)


@pytest.fixture
def chain(settings: Any) -> None:
    settings.AUDIT_HMAC_KEY = "audit-key-for-tests-only-0123456789"
    for i in range(5):
        audit.record(action="test.action", object_type="thing", object_id=str(i), data={"i": i})


@pytest.fixture
def city_tsa(city: Any, settings: Any) -> None:
    settings.KEY_ENCRYPTION_KEY = "kek-for-tests-only-0123456789"
    esign_services.pki_init()


def test_an_edit_with_the_chain_recomputed_in_sha256_fails(chain: None) -> None:
    AuditEntry.objects.filter(seq=3).update(data={"i": 999})
    _rewrite_from(3, _sha256)
    result = audit.verify()
    assert not result.ok and result.bad_seq == 3


def test_an_edit_with_the_chain_recomputed_under_another_key_fails(chain: None) -> None:
    AuditEntry.objects.filter(seq=3).update(action="test.forged")
    _rewrite_from(3, _hmac(b"a key the attacker chose"))
    result = audit.verify()
    assert not result.ok and result.bad_seq == 3


def test_the_chain_is_keyed_by_the_configured_key(chain: None, settings: Any) -> None:
    assert audit.verify().ok
    settings.AUDIT_HMAC_KEY = "another-key-entirely-0123456789"
    assert not audit.verify().ok


def test_a_truncated_tail_with_the_head_moved_back_fails_against_the_anchor(
    chain: None, city_tsa: None
) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    _truncate_to(anchor.seq - 2)
    result = audit.verify()
    assert not result.ok
    assert result.anchor is not None and result.anchor.seq == anchor.seq
    assert "anchor" in result.reason


def test_entries_after_the_anchor_are_fine(chain: None, city_tsa: None) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    audit.record(action="test.later", object_type="thing", object_id="x")
    result = audit.verify()
    assert result.ok, result.reason
    assert result.anchor is not None and result.anchor.seq == anchor.seq


def test_an_anchor_row_moved_to_another_entry_fails(chain: None, city_tsa: None) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    earlier = AuditEntry.objects.get(seq=anchor.seq - 1)
    AuditAnchor.objects.filter(pk=anchor.pk).update(seq=earlier.seq, head_hash=earlier.hash)
    result = audit.verify()
    assert not result.ok and "anchor" in result.reason


def test_an_anchor_token_that_is_not_from_the_city_tsa_fails(chain: None, city_tsa: None) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    token = bytearray(anchor.token_der)
    token[-5] ^= 0xFF  # inside the signature value
    AuditAnchor.objects.filter(pk=anchor.pk).update(token_der=bytes(token))
    result = audit.verify()
    assert not result.ok and "anchor" in result.reason


def test_the_token_imprint_is_the_head_hash(chain: None, city_tsa: None) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    signed = cms.ContentInfo.load(bytes(anchor.token_der))["content"]
    info = signed["encap_content_info"]["content"].parsed
    assert isinstance(info, tsp.TSTInfo)
    assert info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert info["message_imprint"]["hashed_message"].native == bytes.fromhex(anchor.head_hash)
    head = AuditHead.objects.get(pk=1)
    assert (anchor.seq, anchor.head_hash) == (head.seq, head.last_hash)


def test_the_anchor_task_anchors_once_per_head(chain: None, city_tsa: None) -> None:
    audit_anchor.enqueue()
    audit_anchor.enqueue()  # nothing new in the chain: no second token
    assert AuditAnchor.objects.count() == 1
    audit.record(action="test.later", object_type="thing", object_id="x")
    audit_anchor.enqueue()
    assert AuditAnchor.objects.count() == 2


def test_the_command_reports_the_anchor_it_checked(
    chain: None, city_tsa: None, capsys: pytest.CaptureFixture[str]
) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"anchor #{anchor.seq}" in out
    assert anchor.anchored_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") in out


def test_the_command_fails_on_a_truncated_chain(chain: None, city_tsa: None) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    _truncate_to(anchor.seq - 1)
    with pytest.raises(CommandError, match=f"anchor #{anchor.seq}") as excinfo:
        call_command("audit_verify")
    assert excinfo.value.returncode == 1


def test_anchors_are_exported_as_rfc3161_tokens(chain: None, city_tsa: None, tmp_path: Path) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    call_command("audit_anchor", "--export", str(tmp_path), "--no-new")
    files = sorted(tmp_path.glob("*.tst"))
    assert [f.read_bytes() for f in files] == [bytes(anchor.token_der)]
    assert str(anchor.seq) in files[0].name


def test_a_legacy_sha256_chain_is_rekeyed(chain: None) -> None:
    _rewrite_from(1, _sha256)  # the chain as the platform wrote it before the key
    assert not audit.verify().ok
    assert audit.rekey_legacy() == 5
    assert audit.verify().ok


def test_a_broken_legacy_chain_is_not_rekeyed(chain: None) -> None:
    _rewrite_from(1, _sha256)
    AuditEntry.objects.filter(seq=2).update(action="test.forged")
    assert audit.rekey_legacy() == 0
    result = audit.verify()
    assert not result.ok and result.bad_seq == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_anchor_and_queues_the_next_run(
    chain: None, city_tsa: None, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert audit_anchor_schedule() is True
    assert audit_anchor_schedule() is False  # one waiting run is enough
    waiting = DBTaskResult.objects.get(status="READY")
    hours = (waiting.run_after - timezone.now()).total_seconds() / 3600
    assert settings.AUDIT_ANCHOR_INTERVAL_H - 0.1 < hours <= settings.AUDIT_ANCHOR_INTERVAL_H
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())  # the day has passed
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get(pk=waiting.pk).status == "SUCCESSFUL"
    head = AuditHead.objects.get(pk=1)
    assert AuditAnchor.objects.get().seq == head.seq
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the next day's run


def test_administrators_download_an_anchor_token(
    chain: None, city_tsa: None, client: Any, admin_user: Any
) -> None:
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    anchor = audit.anchor_create()
    assert anchor is not None
    listing = client.get("/admin/core/auditanchor/")
    assert listing.status_code == 200
    assert audit.anchor_filename(anchor) in listing.content.decode()
    resp = client.get(f"/admin/core/auditanchor/{anchor.pk}/token/")
    assert resp.status_code == 200
    assert resp.content == bytes(anchor.token_der)
    assert audit.anchor_filename(anchor) in resp["Content-Disposition"]


def test_the_token_download_needs_the_admin(chain: None, city_tsa: None, client: Any, make_user: Any) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    client.force_login(make_user(username="warga"))
    resp = client.get(f"/admin/core/auditanchor/{anchor.pk}/token/")
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]


def test_a_rotated_key_rekeys_a_chain_that_verifies_under_the_previous_one(
    chain: None, settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "previous.key"
    previous.write_text(settings.AUDIT_HMAC_KEY)
    settings.AUDIT_HMAC_KEY = "the-new-key-after-rotation-0123456789"
    assert not audit.verify().ok
    call_command("audit_rekey", "--previous-key-file", str(previous))
    assert "re-keyed 5 entries" in capsys.readouterr().out
    assert audit.verify().ok


def test_rekeying_refuses_a_chain_edited_under_the_previous_key(
    chain: None, settings: Any, tmp_path: Path
) -> None:
    AuditEntry.objects.filter(seq=2).update(action="test.forged")
    previous = tmp_path / "previous.key"
    previous.write_text(settings.AUDIT_HMAC_KEY)
    settings.AUDIT_HMAC_KEY = "the-new-key-after-rotation-0123456789"
    hashes = list(AuditEntry.objects.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(CommandError, match="nothing re-keyed") as excinfo:
        call_command("audit_rekey", "--previous-key-file", str(previous))
    assert excinfo.value.returncode == 1
    assert list(AuditEntry.objects.order_by("seq").values_list("hash", flat=True)) == hashes


def test_the_command_warns_when_the_anchors_stopped(
    chain: None, city_tsa: None, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit.anchor_create() is not None
    audit.record(action="test.later", object_type="thing", object_id="x")
    call_command("audit_verify")
    assert "warning" not in capsys.readouterr().err
    settings.AUDIT_ANCHOR_INTERVAL_H = 0  # the newest anchor is now overdue
    call_command("audit_verify")
    assert "older than" in capsys.readouterr().err


def test_an_anchor_whose_time_was_changed_fails(chain: None, city_tsa: None) -> None:
    anchor = audit.anchor_create()
    assert anchor is not None
    AuditAnchor.objects.filter(pk=anchor.pk).update(anchored_at=anchor.anchored_at + timedelta(days=1))
    result = audit.verify()
    assert not result.ok and "time" in result.reason
