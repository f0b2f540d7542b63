"""Citizen reports: a flood seen on the street (place, water depth, photo), then BPBD's review."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kotapintar.core import audit, ratelimit
from kotapintar.core.models import Role
from kotapintar.core.notifications import notify, users_with_role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.flood.errors import AlreadyReviewed, BadDepth, PhotoTooLarge, PhotoType, TextTooLong
from kotapintar.flood.models import CitizenReport, ReportStatus
from kotapintar.flood.services.locks import row_lock
from kotapintar.flood.services.stations import location_check

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"JPEG", "PNG", "WEBP"}
REPORT_RATE = (5, 3600)  # reports per IP per hour


def photo_clean(data: bytes) -> bytes:
    """Check a photo's type and size; return a JPEG re-encoded without EXIF (location, camera)."""
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoTooLarge()
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in PHOTO_TYPES:
                raise PhotoType()
            if img.width * img.height > 40_000_000:
                raise PhotoTooLarge(_("The photo is too large."))
            img.load()
            clean = ImageOps.exif_transpose(img).convert("RGB")
            clean.thumbnail((2048, 2048))
            out = io.BytesIO()
            clean.save(out, format="JPEG", quality=85)  # no exif= argument: no metadata is written
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise PhotoType(_("The photo could not be read as an image.")) from exc
    return out.getvalue()


def citizen_report_create(
    *,
    lon: float,
    lat: float,
    depth_cm: int,
    text: str = "",
    photo: bytes | None = None,
    client_key: str,
    source: str = "web",
) -> CitizenReport:
    if not 0 <= depth_cm <= 500:
        raise BadDepth()
    if len(text) > 500:
        raise TextTooLong()
    kel = location_check(lon, lat)
    limit, window = getattr(settings, "FLOOD_REPORT_RATE", REPORT_RATE)
    ratelimit.check(f"flood-report:{client_key}", limit=limit, window_s=window)
    clean = photo_clean(photo) if photo else None
    with transaction.atomic():
        report = CitizenReport(
            created_at=timezone.now(),
            lon=lon,
            lat=lat,
            kelurahan=kel,
            depth_cm=depth_cm,
            text=text.strip(),
            source=source,
        )
        if clean is not None:
            report.photo.save(f"{report.public_id}.jpg", ContentFile(clean), save=False)
        report.save()
        audit.record(
            action="flood.report_create",
            obj=report,
            data={"depth_cm": depth_cm, "kelurahan": kel.code if kel else None, "photo": clean is not None},
        )
        notify(
            recipients=users_with_role(Role.OPERATOR_BPBD),
            message=gettext("New citizen report: %(depth)s cm in %(where)s.")
            % {"depth": depth_cm, "where": kel.name if kel else "-"},
            url="/banjir/laporan/",
            kind="flood.report",
        )
    return report


def citizen_report_review(
    *, actor: Actor, report: CitizenReport, verified: bool, note: str = ""
) -> CitizenReport:
    reviewer = require_role(actor, Role.OPERATOR_BPBD)
    with transaction.atomic():
        locked = row_lock(CitizenReport.objects.all(), report.pk)
        if locked.status != ReportStatus.PENDING:
            raise AlreadyReviewed()
        locked.status = ReportStatus.VERIFIED if verified else ReportStatus.REJECTED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = reviewer
        locked.review_note = note[:255]
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_note"])
        audit.record(
            action="flood.report_review",
            actor=actor,
            obj=locked,
            data={"status": locked.status, "note": note},
        )
    return locked
