"""What a payment writes that nobody needs (issue 15): one foreign-key check and two index entries.

- `Payment.created_by` keeps its index and Django's SET_NULL on user deletion but loses the database
  constraint: its check locked the user's row (FOR KEY SHARE) in every payment, and all the POS of a
  shop sign in as one user, so concurrent sales queued multixacts on one hot row. It records who
  rang the sale up; the money, the card and the merchant keep their constraints.
- `Payment.event_code` is compared for equality only: the `varchar_pattern_ops` twin index that
  `db_index=True` adds on PostgreSQL goes (the plain index is rebuilt under a fixed name).
- `Transfer.created_at` is not indexed: transfers are read by account, by reference and in id order.

Reversible: going back restores the constraint and the indexes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wallet", "0007_merchant_city_from_city"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="payment",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="event_code",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["event_code"], name="wallet_payment_event_code"),
        ),
    ]
