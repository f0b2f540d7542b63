"""City, its wilayah (kecamatan, kelurahan), OPD, user profiles, API tokens, audit log, notifications."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups with these names."""

    ADMIN_KOTA = "admin_kota", _("City administrator")
    BAPPEDA = "bappeda", _("Bappeda planner")
    OPD = "opd", _("OPD staff")
    MENTOR = "mentor", _("Mentor")
    DEWAN = "dewan", _("Smart City Council member")
    PENANDATANGAN = "penandatangan", _("Signing official")
    DINAS_PARIWISATA = "dinas_pariwisata", _("Tourism office")
    MERCHANT = "merchant", _("Merchant")
    OPERATOR_BPBD = "operator_bpbd", _("BPBD operator")
    WALIDATA = "walidata", _("Data steward (walidata)")
    WALIKOTA = "kantor_walikota", _("Mayor's office")


class City(models.Model):
    code = models.CharField(_("Kemendagri code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120)
    province = models.CharField(_("province"), max_length=120, blank=True)
    vision = models.TextField(_("city vision"), blank=True)
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    area_ha = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    population_source = models.CharField(max_length=255, blank=True)
    #: The city hall's postal address, printed under the letterhead of signed letters.
    address = models.CharField(_("address"), max_length=255, blank=True)
    #: Where the boundaries come from, shown under every map (the data's attribution).
    boundaries_source = models.CharField(_("source of the boundaries"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    @property
    def government_name(self) -> str:
        """ "Pemerintah Kota …": the organisation named in letterheads and certificates."""
        return f"Pemerintah {self.name}"

    @property
    def place_name(self) -> str:
        """The name without "Kota"/"Kabupaten", as in the place line of a letter ("Tegal, 1 Mei")."""
        for prefix in ("Kota ", "Kabupaten ", "Kab. "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name

    def contains_point(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat


class Kecamatan(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="kecamatan")
    code = models.CharField(_("Kemendagri code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    population = models.PositiveIntegerField(_("population"), default=0)
    area_ha = models.FloatField(_("area (ha)"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="kelurahan")
    code = models.CharField(_("Kemendagri code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    population = models.PositiveIntegerField(_("population"), default=0)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    area_ha = models.FloatField(_("area (ha)"), default=0)
    tags = models.JSONField(default=list, blank=True)  # e.g. ["rob", "kelurahan_pintar"]
    notes = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")

    def __str__(self) -> str:
        return self.name


class OPD(models.Model):
    """Perangkat daerah: a city agency."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="opds")
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=64, blank=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")

    def __str__(self) -> str:
        return self.short_name


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    opd = models.ForeignKey(OPD, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    nip = models.CharField(_("NIP"), max_length=32, blank=True)
    jabatan = models.CharField(_("position"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    def __str__(self) -> str:
        return str(self.user)


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 is stored; the token itself is shown once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEntry(models.Model):
    """Append-only, hash-chained: each entry's hash covers its content and the previous hash."""

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """One row: the sequence number and hash of the newest audit entry; locked to append."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.seq}"


class AuditAnchor(models.Model):
    """The chain head at `seq` (its hash), timestamped by the city TSA: an RFC 3161 token (DER,
    a CMS ContentInfo) whose message imprint is SHA-256 with the head hash as the digest."""

    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    anchored_at = models.DateTimeField()  # the token's genTime
    token_der = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-seq", "-pk"]
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")

    def __str__(self) -> str:
        return f"#{self.seq} @ {self.anchored_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64, blank=True)
    message = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message[:60]


class RateLimitBucket(models.Model):
    """Fixed-window counters shared by every process (login attempts, public forms)."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key


class Heartbeat(models.Model):
    """One row per running long-lived process (worker, MQTT consumer, `kotapintar run`), renewed every
    few seconds; a process that stops cleanly removes its row, so a row whose beat is stale is a
    process that died (see `core.heartbeats`)."""

    name = models.CharField(max_length=100, unique=True)
    role = models.CharField(max_length=40, blank=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    beat_at = models.DateTimeField()
    info = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name
