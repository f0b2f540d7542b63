"""`kotapintar flood-replay`: a recorded series through the same alarm logic, nothing written; bad lines
reported per line; threshold files that invert or overlap refused."""

from __future__ import annotations

import io
import json
import random
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kotapintar.flood import services
from kotapintar.flood.models import Alert, Incident, Observation
from tests.flood.conftest import T0, reading
from tests.flood.test_incidents import noisy_flood

pytestmark = pytest.mark.django_db


def write_csv(tmp_path, lines: list[str], name: str = "series.csv"):
    path = tmp_path / name
    path.write_text("station,parameter,time,value\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(code: str, series) -> list[str]:
    return [f"{code},water_level,{t.isoformat()},{v}" for t, v in series]


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("flood_replay", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def write_thresholds(tmp_path, data) -> str:
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_noisy_flood_replays_as_one_incident_without_writing(tmp_path, river):
    csv = write_csv(tmp_path, rows("loji-1", noisy_flood(T0)))
    spec = {"loji-1": {"waspada": 100, "siaga": 150, "awas": 200, "deadband": 10, "on_readings": 2}}
    result = run("--csv", str(csv), "--thresholds", write_thresholds(tmp_path, spec))
    assert len(result["incidents"]) == 1
    incident = result["incidents"][0]
    assert (incident["station"], incident["max_level"]) == ("loji-1", 2)
    assert incident["closed"] is not None
    assert [s["to"] for s in incident["steps"] if s["to"] > s["from"]] == [1, 2]
    assert result["transitions"] == len(incident["steps"])
    assert result["notifications"] == len(incident["steps"])
    assert not (Observation.objects.exists() or Alert.objects.exists() or Incident.objects.exists())


def test_without_a_dwell_the_same_noise_flaps(tmp_path, river):
    rng = random.Random(3)
    series = [(T0 + timedelta(minutes=i), round(100 + rng.uniform(-5, 5), 1)) for i in range(60)]
    csv = write_csv(tmp_path, rows("loji-1", series))
    spec = {
        "loji-1": {
            "waspada": 100,
            "siaga": 150,
            "awas": 200,
            "deadband": 0,
            "off_delay_s": 0,
            "on_readings": 1,
        }
    }
    flapping = run("--csv", str(csv), "--thresholds", write_thresholds(tmp_path, spec))
    spec["loji-1"].update(deadband=10, off_delay_s=1800, on_readings=2)
    steady = run("--csv", str(csv), "--thresholds", write_thresholds(tmp_path, spec))
    assert flapping["transitions"] > 10
    assert steady["transitions"] == 1


def test_the_station_thresholds_are_used_when_no_file_is_given(tmp_path, river):
    csv = write_csv(tmp_path, rows("loji-1", [(T0, 50), (T0 + timedelta(minutes=10), 160)]))
    result = run("--csv", str(csv))
    assert [(s["from"], s["to"]) for s in result["incidents"][0]["steps"]] == [(0, 2)]  # on_readings=1


def test_bad_lines_are_reported_per_line_and_the_rest_replayed(tmp_path, river):
    t = [T0 + timedelta(minutes=10 * i) for i in range(4)]
    lines = [
        f"loji-1,water_level,{t[0].isoformat()},50",
        f"nowhere,water_level,{t[0].isoformat()},50",
        f"loji-1,water_level,{t[1].isoformat()},abc",
        f"loji-1,water_level,{t[2].isoformat()},160",
        f"loji-1,water_level,{t[1].isoformat()},170",
        f"loji-1,water_level,{t[2].isoformat()},165",
        "loji-1,water_level,not-a-time,165",
        f"loji-1,water_level,{t[3].isoformat()},170",
    ]
    result = run("--csv", str(write_csv(tmp_path, lines)))
    assert [(r["line"], r["code"]) for r in result["rejected"]] == [
        (3, "unknown_station"),
        (4, "not_numeric"),
        (6, "unordered_time"),
        (7, "duplicate_time"),
        (8, "bad_time"),
    ]
    assert result["replayed"] == 3
    assert len(result["incidents"]) == 1


def test_the_station_option_replays_one_station(tmp_path, river, rain):
    lines = rows("loji-1", [(T0, 160)]) + [f"hujan-1,rainfall,{T0.isoformat()},3"]
    result = run("--csv", str(write_csv(tmp_path, lines)), "--station", "loji-1")
    assert result["replayed"] == 1 and result["rejected"] == []


@pytest.mark.parametrize(
    ("spec", "reason"),  # the reason in Indonesian, the default language
    [
        ({"waspada": 150, "siaga": 100, "awas": 200}, "terbalik"),
        ({"waspada": 100, "siaga": 100, "awas": 200}, "terbalik"),
        ({"waspada": 100, "siaga": 110, "awas": 200, "deadband": 20}, "tumpang tindih"),
    ],
)
def test_threshold_files_that_invert_or_overlap_are_refused_with_the_reason(tmp_path, river, spec, reason):
    csv = write_csv(tmp_path, rows("loji-1", [(T0, 160)]))
    with pytest.raises(CommandError, match=f"bad_limits: .*{reason}.*loji-1"):
        run("--csv", str(csv), "--thresholds", write_thresholds(tmp_path, {"loji-1": spec}))


def test_a_threshold_file_that_is_not_thresholds_is_refused(tmp_path, river):
    csv = write_csv(tmp_path, rows("loji-1", [(T0, 160)]))
    with pytest.raises(CommandError, match="bad_threshold_file"):
        run("--csv", str(csv), "--thresholds", write_thresholds(tmp_path, {"loji-1": {"waspada": "x"}}))


def stored(river) -> None:
    start = timezone.now().replace(microsecond=0) - timedelta(days=2)
    series = noisy_flood(start)
    services.readings_ingest(readings=[reading("loji-1", v, t) for t, v in series], source="http")


def test_the_station_page_replays_stored_readings_with_other_thresholds(login_client, operator, river):
    stored(river)
    before = (Alert.objects.count(), Incident.objects.count())
    query = "replay=1&waspada=100&siaga=150&awas=200&deadband=10&off_delay_s=1800&on_readings=3&days=7"
    body = login_client(operator).get(f"/banjir/stasiun/loji-1/?{query}").content.decode()
    assert 'id="replay-data"' in body
    assert "1 incidents" in body or "1 insiden" in body
    assert (Alert.objects.count(), Incident.objects.count()) == before


def test_the_station_page_refuses_inverted_thresholds_with_the_reason(login_client, operator, river):
    query = (
        "replay=1&waspada=200&siaga=150&awas=300&deadband=5&off_delay_s=0&on_readings=1&on_delay_s=0&days=7"
    )
    body = login_client(operator).get(f"/banjir/stasiun/loji-1/?{query}").content.decode()
    assert 'id="replay-error"' in body and 'id="replay-data"' not in body
