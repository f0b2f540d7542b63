"""Flood and rob early warning, in the OGC SensorThings shape.

Station (Thing + Location) → Datastream (one observed property with its unit and expected interval) →
Observation (phenomenon time, result, quality, received time; unique per datastream and time).
Thresholds and datum offsets are versioned by the date they take effect. Alerts are level-change
events. Citizen reports, pump houses (stations of kind pump_house), shelters and maintenance logs
complete the picture.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotapintar.core.models import Kelurahan

LEVEL_NAMES = {0: _("Normal"), 1: _("Waspada"), 2: _("Siaga"), 3: _("Awas")}


class Level(models.IntegerChoices):
    NORMAL = 0, _("Normal")
    WASPADA = 1, _("Waspada")
    SIAGA = 2, _("Siaga")
    AWAS = 3, _("Awas")


class StationKind(models.TextChoices):
    RIVER = "river_level", _("River water level")
    TIDE = "tide_gauge", _("Tide gauge")
    RAIN = "rain_gauge", _("Rain gauge")
    PUMP = "pump_house", _("Pump house")
    GATE = "floodgate", _("Floodgate")


class StationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MAINTENANCE = "maintenance", _("Maintenance")
    BROKEN = "broken", _("Broken")


class Parameter(models.TextChoices):
    WATER_LEVEL = "water_level", _("Water level")
    TIDE_LEVEL = "tide_level", _("Sea level")
    RAINFALL = "rainfall", _("Rainfall")
    PUMP_FLOW = "pump_flow", _("Pump discharge")
    GATE_OPENING = "gate_opening", _("Gate opening")


#: Unit and physically possible range of each parameter (readings outside are rejected).
PARAMETER_SPECS: dict[str, tuple[str, float, float]] = {
    Parameter.WATER_LEVEL: ("cm", -500.0, 3000.0),
    Parameter.TIDE_LEVEL: ("cm", -500.0, 1000.0),
    Parameter.RAINFALL: ("mm", 0.0, 300.0),  # per reading interval; the world record hour is ~305 mm
    Parameter.PUMP_FLOW: ("L/s", 0.0, 50000.0),
    Parameter.GATE_OPENING: ("%", 0.0, 100.0),
}

#: Parameters evaluated against the station's threshold sets.
LEVEL_PARAMETERS = (Parameter.WATER_LEVEL, Parameter.TIDE_LEVEL)


class Station(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=StationKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=StationStatus.choices, default=StationStatus.ACTIVE
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.SET_NULL, related_name="flood_stations"
    )
    river = models.CharField(_("river or water body"), max_length=120, blank=True)
    subsystem = models.CharField(_("drainage subsystem or polder"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    #: Kelurahan (codes) that this station warns for (e.g. the rob zone behind a tide gauge).
    warns_kelurahan = models.JSONField(_("kelurahan warned"), default=list, blank=True)
    # Tide gauges: fitted harmonic constituents (lib.tide TideModel JSON) and land subsidence.
    tide_constituents = models.JSONField(_("tide constituents"), null=True, blank=True)
    tide_epoch = models.DateField(_("constituents fitted at"), null=True, blank=True)
    subsidence_cm_per_year = models.FloatField(_("subsidence (cm/year)"), default=0.0)
    # Pump houses.
    pump_units = models.PositiveSmallIntegerField(_("pump units"), default=0)
    capacity_lps = models.PositiveIntegerField(_("capacity (L/s)"), default=0)
    pump_state = models.CharField(_("pump state"), max_length=10, blank=True)
    pump_state_at = models.DateTimeField(null=True, blank=True)
    pump_running_seconds = models.PositiveBigIntegerField(_("operating seconds"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self) -> str:
        return self.name


class Datastream(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="datastreams")
    parameter = models.CharField(_("parameter"), max_length=20, choices=Parameter.choices)
    unit = models.CharField(_("unit"), max_length=16)
    sensor = models.CharField(_("sensor"), max_length=80, blank=True)
    expected_interval_s = models.PositiveIntegerField(_("expected interval (s)"), default=600)
    #: A datastream is "silent" after this many expected intervals without data.
    silent_after_intervals = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["station__code", "parameter"]
        constraints = [
            models.UniqueConstraint(fields=["station", "parameter"], name="flood_datastream_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station.code}/{self.parameter}"


class DatumOffset(models.Model):
    """Gauge zero relative to the common datum, from a date on (re-levelling after subsidence)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="datum_offsets")
    valid_from = models.DateTimeField(_("valid from"))
    offset_cm = models.FloatField(_("datum offset (cm)"))
    reference = models.CharField(_("reference"), max_length=60, default="LAT")
    survey = models.CharField(_("survey"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["station", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["station", "valid_from"], name="flood_datum_unique")]

    def __str__(self) -> str:
        return f"{self.station.code} {self.valid_from:%Y-%m-%d} {self.offset_cm:+.1f} cm"


class ThresholdSet(models.Model):
    """Waspada/Siaga/Awas limits for one parameter of a station, valid from a date on."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="threshold_sets")
    parameter = models.CharField(_("parameter"), max_length=20, choices=Parameter.choices)
    valid_from = models.DateTimeField(_("valid from"))
    waspada = models.FloatField(_("Waspada from"))
    siaga = models.FloatField(_("Siaga from"))
    awas = models.FloatField(_("Awas from"))
    deadband = models.FloatField(_("deadband"), default=5.0)
    off_delay_s = models.PositiveIntegerField(_("off-delay (s)"), default=1800)
    #: Escalation dwell: the value must stay at or above a limit for this many consecutive readings
    #: and this many seconds before the level rises (no flapping on noise around a limit).
    on_readings = models.PositiveSmallIntegerField(_("readings before escalating"), default=2)
    on_delay_s = models.PositiveIntegerField(_("dwell before escalating (s)"), default=0)
    #: Local names of levels 0..3, e.g. ["Siaga IV", "Siaga III", "Siaga II", "Siaga I"].
    aliases = models.JSONField(_("level names"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["station", "parameter", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "parameter", "valid_from"], name="flood_threshold_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station.code} {self.parameter} {self.valid_from:%Y-%m-%d}"

    def level_name(self, level: int) -> str:
        if isinstance(self.aliases, list) and 0 <= level < len(self.aliases) and self.aliases[level]:
            return str(self.aliases[level])
        return str(LEVEL_NAMES.get(level, level))


class Observation(models.Model):
    """One reading. On PostgreSQL the table is partitioned by month of `phenomenon_time` and its
    primary key is `(datastream, phenomenon_time)` (the constraint `flood_observation_unique`); `id`
    is a row number without an index there (`services.history`, docs/flood.md "History")."""

    id = models.BigAutoField(primary_key=True)
    datastream = models.ForeignKey(Datastream, on_delete=models.CASCADE, related_name="observations")
    phenomenon_time = models.DateTimeField()
    value = models.FloatField()
    quality = models.CharField(max_length=16, default="good")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["datastream", "phenomenon_time"], name="flood_observation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.datastream_id} {self.phenomenon_time:%Y-%m-%d %H:%M} {self.value}"


class Rollup(models.Model):
    """Min, max, sum and count of one datastream's readings in one time bucket (kept as they arrive).

    Ingestion adds every reading it stores (once: duplicates are not stored, so not counted) to its
    hour and its local day in the same transaction; `kotapintar flood-rollups` rebuilds a range from
    the raw readings. The average is `sum / count`.
    """

    #: No index of its own: the unique (datastream, bucket) serves every lookup.
    datastream = models.ForeignKey(Datastream, on_delete=models.CASCADE, related_name="+", db_index=False)
    bucket = models.DateTimeField()
    min = models.FloatField()
    max = models.FloatField()
    sum = models.FloatField()
    count = models.PositiveIntegerField()

    class Meta:
        abstract = True

    @property
    def avg(self) -> float:
        return self.sum / self.count if self.count else 0.0


class HourlyRollup(Rollup):
    """One hour (UTC hour, the same as the local hour in Indonesia's whole-hour zones)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["datastream", "bucket"], name="flood_hourlyrollup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.datastream_id} {self.bucket:%Y-%m-%d %H}h n={self.count}"


class DailyRollup(Rollup):
    """One local day (TIME_ZONE, Asia/Jakarta): `bucket` is the local midnight it starts at."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["datastream", "bucket"], name="flood_dailyrollup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.datastream_id} {self.bucket:%Y-%m-%d} n={self.count}"


class Latest(models.Model):
    """The newest observation of every datastream, updated on write (dashboards read only this)."""

    datastream = models.OneToOneField(
        Datastream, primary_key=True, on_delete=models.CASCADE, related_name="latest"
    )
    phenomenon_time = models.DateTimeField()
    value = models.FloatField()
    previous_value = models.FloatField(null=True, blank=True)
    previous_time = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.datastream_id}: {self.value}"


class Quarantine(models.Model):
    """A reading or an MQTT message that was refused, with the reason, for an operator to inspect.

    `payload` keeps the text (a prefix of a large or hostile message), `payload_size` the size in
    bytes of the message as it arrived (MQTT only).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10)  # mqtt, http, csv
    topic = models.CharField(max_length=255, blank=True)
    payload = models.TextField(blank=True)
    payload_size = models.PositiveIntegerField(null=True, blank=True)
    reason_code = models.CharField(max_length=40)
    reason = models.CharField(max_length=255)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["received_at"], name="flood_quarantine_received")]
        verbose_name = _("quarantined reading")
        verbose_name_plural = _("quarantined readings")

    def __str__(self) -> str:
        return f"{self.source} {self.reason_code}"


class AlertKind(models.TextChoices):
    LEVEL = "level", _("Water level")
    RAIN = "rain", _("Rainfall")
    SILENT = "silent", _("Sensor silent")
    ROB = "rob", _("Rob forecast")


class AlertState(models.Model):
    """The hysteresis state of one station alarm; locked while a reading is evaluated."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="alert_states")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    parameter = models.CharField(max_length=20, blank=True)
    level = models.PositiveSmallIntegerField(default=0)
    below_since = models.DateTimeField(null=True, blank=True)
    pending_level = models.PositiveSmallIntegerField(null=True, blank=True)
    last_time = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    #: Escalation dwell in progress (lib.hysteresis.State): since when, how many readings, to which level.
    above_since = models.DateTimeField(null=True, blank=True)
    above_count = models.PositiveSmallIntegerField(default=0)
    above_level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "kind", "parameter"], name="flood_alertstate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.kind} {self.level}"


class Alert(models.Model):
    """One level change (up or down) of a station alarm; the newest per alarm is its current state."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    parameter = models.CharField(max_length=20, blank=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    previous_level = models.PositiveSmallIntegerField(choices=Level.choices)
    level_name = models.CharField(max_length=40)
    value = models.FloatField(null=True, blank=True)
    phenomenon_time = models.DateTimeField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    message = models.TextField()
    detail = models.JSONField(default=dict, blank=True)
    reissue_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["superseded_at", "level"])]

    def __str__(self) -> str:
        return f"{self.station_id} {self.kind} {self.previous_level}→{self.level}"

    @property
    def is_escalation(self) -> bool:
        return self.level > self.previous_level

    @property
    def text(self) -> str:
        """The alert in the reader's language and number format (`message` is the text as sent)."""
        from kotapintar.flood.formatting import alert_text  # formatting imports the models

        return alert_text(self)


class Hazard(models.TextChoices):
    FLOOD = "flood", _("River flood")
    ROB = "rob", _("Rob (tidal flood)")
    RAIN = "rain", _("Heavy rain")


class StepKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ESCALATED = "escalated", _("Escalated")
    DEESCALATED = "deescalated", _("De-escalated")
    CLOSED = "closed", _("Closed")
    RENEWED = "renewed", _("Renewed")  # same level, re-published before the last message expires


class Incident(models.Model):
    """One hazard at one place (a river station, or the rob zone behind a tide gauge, or a rain gauge)
    from its first crossing until it has been back to normal for the off-delay; level changes are its
    steps. Published as one CAP alert whose steps are updates and whose close is a cancel."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="incidents")
    hazard = models.CharField(_("hazard"), max_length=10, choices=Hazard.choices)
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    parameter = models.CharField(max_length=20, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("current level"), choices=Level.choices)
    level_name = models.CharField(max_length=40)
    max_level = models.PositiveSmallIntegerField(_("highest level"), choices=Level.choices)
    max_level_name = models.CharField(max_length=40)
    max_value = models.FloatField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["closed_at", "-opened_at"], name="flood_incident_open"),
            models.Index(fields=["station", "-opened_at"], name="flood_incident_station"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "kind", "parameter"],
                condition=models.Q(closed_at__isnull=True),
                name="flood_incident_one_open",
            )
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.station_id} {self.hazard} {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class IncidentStep(models.Model):
    """One level change of an incident (the first opens it, a change to Normal closes it); one CAP
    message each. `alert` is the level-change record it came from."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    at = models.DateTimeField()
    from_level = models.PositiveSmallIntegerField(choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(choices=Level.choices)
    level_name = models.CharField(max_length=40)
    value = models.FloatField(null=True, blank=True)
    alert = models.OneToOneField(
        Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="incident_step"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["incident", "seq"]
        constraints = [models.UniqueConstraint(fields=["incident", "seq"], name="flood_incidentstep_unique")]

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.seq} {self.from_level}→{self.to_level}"


class ChannelKind(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram bot")


class Channel(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    #: webhook: URL; email: comma-separated addresses; telegram: chat id.
    target = models.CharField(_("target"), max_length=500)
    #: telegram: the bot token; webhook: an optional shared secret sent as a header.
    secret = models.CharField(max_length=200, blank=True)
    #: telegram: the bot API base URL (default https://api.telegram.org).
    base_url = models.CharField(max_length=300, blank=True)
    min_level = models.PositiveSmallIntegerField(_("minimum level"), default=1)
    #: A de-escalation of an incident is not sent when this channel was sent a step of the same
    #: incident less than this long before (by the readings' time); openings, escalations and closes
    #: always go out.
    deescalation_quiet_s = models.PositiveIntegerField(_("quiet period for de-escalations (s)"), default=3600)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """The delivery log: one row per alert and channel, with every attempt counted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: The claim of the attempt in flight: who (host:pid) took it and when; until `lease_until` no
    #: one else may attempt it. A worker killed mid-send leaves the lease to expire, and the delivery
    #: is attempted again (`services.deliveries`).
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["alert", "channel"], name="flood_delivery_unique")]

    def __str__(self) -> str:
        return f"{self.alert_id}→{self.channel_id} {self.status}"


class RobForecast(models.Model):
    """A window in which the predicted sea level (tide + subsidence) reaches a threshold."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="rob_forecasts")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    level_name = models.CharField(max_length=40)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    peak_at = models.DateTimeField()
    peak_cm = models.FloatField()
    kelurahan_names = models.JSONField(default=list)
    message = models.TextField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The warning in the reader's language (`message` is the text written when computed)."""
        from kotapintar.flood.formatting import forecast_text  # formatting imports the models

        return forecast_text(self)


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def report_photo_path(instance: CitizenReport, filename: str) -> str:
    return f"flood/reports/{instance.public_id}.jpg"


class CitizenReport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField()
    lon = models.FloatField()
    lat = models.FloatField()
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.SET_NULL, related_name="flood_reports"
    )
    depth_cm = models.PositiveSmallIntegerField(_("water depth (cm)"))
    text = models.CharField(_("description"), max_length=500, blank=True)
    photo = models.FileField(upload_to=report_photo_path, blank=True)
    source = models.CharField(max_length=20, default="web")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.depth_cm} cm @ {self.lat:.4f},{self.lon:.4f}"


class PumpEvent(models.Model):
    """A pump house switched on, off or reported faulty, by whom and when."""

    class State(models.TextChoices):
        ON = "on", _("On")
        OFF = "off", _("Off")
        FAULT = "fault", _("Fault")

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="pump_events")
    state = models.CharField(max_length=10, choices=State.choices)
    at = models.DateTimeField()
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.station_id} {self.state}"


class Shelter(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        FULL = "full", _("Full")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=255, blank=True)
    lon = models.FloatField()
    lat = models.FloatField()
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.SET_NULL, related_name="flood_shelters"
    )
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    occupancy = models.PositiveIntegerField(_("occupancy (people)"), default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLOSED)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MaintenanceLog(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="maintenance")
    performed_at = models.DateTimeField()
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("work done"), max_length=255)
    notes = models.TextField(_("notes"), blank=True)
    next_due = models.DateField(_("next due"), null=True, blank=True)
    status_after = models.CharField(max_length=20, choices=StationStatus.choices, blank=True)

    class Meta:
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"{self.station_id} {self.action}"
