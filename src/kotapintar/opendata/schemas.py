from __future__ import annotations

from datetime import datetime

from ninja import Schema


class PublicationIn(Schema):
    public: bool
    opd_code: str | None = None


class DatasetStateOut(Schema):
    name: str
    title: str
    public: bool
    personal: bool
    opd_code: str | None
    metadata_modified: datetime
    url: str
