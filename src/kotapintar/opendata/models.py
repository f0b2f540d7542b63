from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotapintar.core.models import OPD


class DatasetState(models.Model):
    """What the catalogue knows of one declared dataset (kotapintar.opendata.registry): whether the
    walidata made it public, its organisation, and when its metadata or its data last changed (the
    data's digest is compared at each refresh, so `metadata_modified` moves when the data does)."""

    name = models.SlugField(max_length=100, unique=True)
    public = models.BooleanField(_("public"), default=False)
    opd = models.ForeignKey(OPD, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    metadata_changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_digest = models.CharField(max_length=64, blank=True)
    data_changed_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.name

    @property
    def metadata_modified(self) -> object:
        return max(t for t in (self.metadata_changed_at, self.data_changed_at) if t is not None)
