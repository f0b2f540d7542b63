import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kotapintar.core import audit
from kotapintar.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    for i in range(5):
        audit.record(action="test.action", object_type="thing", object_id=str(i), data={"i": i})


def test_intact_chain_verifies(chain):
    result = audit.verify()
    assert result.ok and result.checked == 5


def test_each_entry_links_to_the_previous(chain):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert entries[0].prev_hash == audit.GENESIS_HASH
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash


def test_edited_row_is_named(chain):
    AuditEntry.objects.filter(seq=3).update(data={"i": 999})
    result = audit.verify()
    assert not result.ok and result.bad_seq == 3


def test_deleted_row_is_found(chain):
    AuditEntry.objects.filter(seq=2).delete()
    result = audit.verify()
    assert not result.ok and result.bad_seq == 2


def test_deleted_tail_is_found(chain):
    AuditEntry.objects.filter(seq=5).delete()
    result = audit.verify()
    assert not result.ok and result.bad_seq == 5


def test_command_exits_non_zero_and_names_the_entry(chain):
    AuditEntry.objects.filter(seq=4).update(action="test.forged")
    with pytest.raises(CommandError, match="#4") as excinfo:
        call_command("audit_verify")
    assert excinfo.value.returncode == 1


def test_command_passes_on_intact_chain(chain, capsys):
    call_command("audit_verify")
    assert "5 entries" in capsys.readouterr().out


def test_entries_appended_together_continue_the_chain(chain):
    events = [
        audit.Event(action="test.batch", object_type="thing", object_id=str(i), data={"i": i})
        for i in range(3)
    ]
    written = audit.record_many(events)
    assert [e.seq for e in written] == [6, 7, 8]
    assert [e.object_id for e in AuditEntry.objects.filter(action="test.batch").order_by("seq")] == [
        "0",
        "1",
        "2",
    ]
    assert audit.verify().ok and audit.verify().checked == 8


def test_an_edit_inside_entries_appended_together_is_named(chain):
    audit.record_many([audit.Event(action="test.batch", object_id=str(i)) for i in range(3)])
    AuditEntry.objects.filter(seq=7).update(object_id="x")
    result = audit.verify()
    assert not result.ok and result.bad_seq == 7


def test_nothing_to_append_leaves_the_head_alone(chain):
    assert audit.record_many([]) == []
    assert audit.verify().checked == 5
