"""The audit chain is keyed (HMAC-SHA256 under AUDIT_HMAC_KEY) and anchored by the city TSA.

Creates `AuditAnchor` (the chain head at a sequence number, timestamped: RFC 3161 token, DER) and
re-keys the existing chain: entries written with plain SHA-256 are checked as they were written and,
when the chain is intact, re-hashed under the key (`core.audit.rekey_legacy`). A chain that was
already broken is left as it is, so `kotapintar audit-verify` keeps reporting it. Set AUDIT_HMAC_KEY
before migrating: the chain is re-keyed under the key configured at this moment.
"""

from typing import Any

from django.db import migrations, models


def rekey(apps: Any, schema_editor: Any) -> None:
    from kotapintar.core.audit import rekey_legacy

    rekey_legacy(entries=apps.get_model("core", "AuditEntry"), heads=apps.get_model("core", "AuditHead"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_heartbeat_process_identity"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField()),
                ("head_hash", models.CharField(max_length=64)),
                ("anchored_at", models.DateTimeField()),
                ("token_der", models.BinaryField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "audit anchor",
                "verbose_name_plural": "audit anchors",
                "ordering": ["-seq", "-pk"],
            },
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop, elidable=True),
    ]
