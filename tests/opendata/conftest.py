"""Open data fixtures: a walidata, and synthetic datasets registered for one test (many of them, to
page through as a harvester does), with rows the test can change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kotapintar.core.models import Role
from kotapintar.opendata import registry, services
from kotapintar.opendata.registry import Column, Dataset, Resource, Statistics
from tests.factories import OPDFactory


@pytest.fixture
def walidata(make_user: Callable[..., Any], city: Any) -> Any:
    return make_user(Role.WALIDATA, username="walidata")


@pytest.fixture
def producers(city: Any) -> list[Any]:
    return [
        OPDFactory.create(city=city, code=code, name=name, short_name=code.upper())
        for code, name in (
            ("bpbd", "Badan Penanggulangan Bencana Daerah"),
            ("bappeda", "Badan Perencanaan Pembangunan Daerah"),
            ("dinkominfo", "Dinas Komunikasi dan Informatika"),
            ("dinparbudpora", "Dinas Pariwisata, Kebudayaan, Kepemudaan dan Olahraga"),
        )
    ]


class Synthetic:
    """`n` registered datasets `uji-000`…; `rows[name]` is each one's data (change it to change it)."""

    def __init__(self, n: int, *, personal: bool = False, prefix: str = "uji") -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.datasets: list[Dataset] = []
        for i in range(n):
            name = f"{prefix}-{i:03d}"
            self.rows[name] = [{"nomor": i, "nilai": i * 10}]
            self.datasets.append(
                Dataset(
                    name=name,
                    title_id=f"Data uji {i}",
                    title_en=f"Test data {i}",
                    notes_id="Dataset uji.",
                    notes_en="A test dataset.",
                    opd="bpbd" if i % 2 else "bappeda",
                    dimensions=("ENV",) if i % 3 else ("GOV",),
                    tags=("uji", f"kelompok-{i % 4}"),
                    frequency="daily",
                    statistics=Statistics(kegiatan="Uji", variabel=("nomor", "nilai")),
                    personal=personal,
                    resources=(
                        Resource(
                            name="tabel",
                            title_id="Tabel",
                            title_en="Table",
                            columns=(
                                Column("nomor", "integer", "Nomor", "Number"),
                                Column("nilai", "integer", "Nilai", "Value"),
                            ),
                            rows=self._rows(name),
                        ),
                    ),
                )
            )

    def _rows(self, name: str) -> Callable[[], Iterator[dict[str, Any]]]:
        return lambda: iter(self.rows[name])

    def register(self) -> None:
        for d in self.datasets:
            registry.register(d)

    def unregister(self) -> None:
        for d in self.datasets:
            registry._REGISTRY.pop(d.name, None)


@pytest.fixture
def synthetic() -> Iterator[Callable[..., Synthetic]]:
    made: list[Synthetic] = []

    def make(n: int, **kwargs: Any) -> Synthetic:
        s = Synthetic(n, **kwargs)
        s.register()
        made.append(s)
        return s

    yield make
    for s in made:
        s.unregister()


@pytest.fixture
def publish(walidata: Any) -> Callable[..., None]:
    """publish() makes every declared non-personal dataset public and takes its digest."""

    def _publish(names: list[str] | None = None) -> None:
        for d in registry.datasets():
            if not d.personal and (names is None or d.name in names):
                services.publication_set(actor=walidata, name=d.name, public=True)
        services.states_refresh()

    return _publish
