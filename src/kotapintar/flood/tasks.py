"""Background work of the flood app (django-tasks): sending notification deliveries, with retries.

The task is declared beside the service it runs (`services/deliveries.py`), so that the alarms can
enqueue it without an import circle; this module names it where the conventions look for tasks, and
keeps the path `kotapintar.flood.tasks.delivery_send` of tasks queued before the move resolvable.
"""

from __future__ import annotations

from kotapintar.flood.services.deliveries import delivery_retry_later, delivery_send

__all__ = ["delivery_retry_later", "delivery_send"]
