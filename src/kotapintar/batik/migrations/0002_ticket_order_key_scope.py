"""Ticket order Idempotency-Keys belong to their caller (issue 12): unique per (key_scope, key).

Existing orders get the scope of whoever placed them: the signed-in user who created them, else the
card they were bought for (a visitor paying with the card's QR), else the platform (demo data).
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models


def backfill_scopes(apps: Any, schema_editor: Any) -> None:
    orders = apps.get_model("batik", "TicketOrder")
    for order in orders.objects.only("pk", "created_by_id", "card_number").iterator(chunk_size=1000):
        if order.created_by_id is not None:
            scope = f"user:{order.created_by_id}"
        elif order.card_number:
            scope = f"card:{order.card_number}"
        else:
            scope = "system"
        orders.objects.filter(pk=order.pk).update(key_scope=scope)


class Migration(migrations.Migration):
    dependencies = [
        ("batik", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ticketorder",
            name="key_scope",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="ticketorder",
            name="idempotency_key",
            field=models.CharField(max_length=255),
        ),
        migrations.RunPython(backfill_scopes, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="ticketorder",
            constraint=models.UniqueConstraint(
                fields=("key_scope", "idempotency_key"), name="batik_order_scope_key"
            ),
        ),
    ]
