"""Regenerate the synthetic test city "Kota Teluk Uji" (run from the repository root):

    python tests/core/data/teluk_uji/generate.py

Deterministic: the same files every time. See README.md in this folder for what the data is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CITY_CODE = "72.99"
#: South-west corner of the city and the size of one kelurahan cell, in degrees (about 1.1 km).
WEST, SOUTH, STEP = 121.40, -1.05, 0.01
KECAMATAN = [
    ("01", "Teluk Barat", ["Pantai Indah", "Sukamaju", "Bukit Harapan"]),
    ("02", "Teluk Timur", ["Muara Baru", "Karang Sari", "Tanjung Jaya"]),
]


def _cell(col: int, row: int) -> list[list[float]]:
    """A cell as a closed ring of 9 points (corners and edge midpoints), counter-clockwise."""
    x0, y0 = round(WEST + col * STEP, 6), round(SOUTH + row * STEP, 6)
    x1, y1 = round(x0 + STEP, 6), round(y0 + STEP, 6)
    xm, ym = round(x0 + STEP / 2, 6), round(y0 + STEP / 2, 6)
    ring = [[x0, y0], [xm, y0], [x1, y0], [x1, ym], [x1, y1], [xm, y1], [x0, y1], [x0, ym]]
    return [*ring, ring[0]]


def build() -> tuple[dict[str, Any], dict[str, Any]]:
    kelurahan, kecamatan = [], []
    for row, (kec_no, kec_name, names) in enumerate(KECAMATAN):
        kec_code = f"{CITY_CODE}.{kec_no}"
        for col, name in enumerate(names):
            kelurahan.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": f"{kec_code}.{1001 + col}",
                        "name": name,
                        "kecamatan": kec_name,
                        "population": 4000 + 750 * (row * 3 + col),
                        "population_year": 2024,
                    },
                    "geometry": {"type": "Polygon", "coordinates": [_cell(col, row)]},
                }
            )
        x0, y0 = round(WEST, 6), round(SOUTH + row * STEP, 6)
        x1, y1 = round(WEST + 3 * STEP, 6), round(y0 + STEP, 6)
        kecamatan.append(
            {
                "type": "Feature",
                "properties": {"code": kec_code, "name": kec_name},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
                },
            }
        )
    return (
        {"type": "FeatureCollection", "features": kelurahan},
        {"type": "FeatureCollection", "features": kecamatan},
    )


def main() -> None:
    kel, kec = build()
    (HERE / "kelurahan.geojson").write_text(json.dumps(kel, indent=1) + "\n", encoding="utf-8")
    (HERE / "kecamatan.geojson").write_text(json.dumps(kec, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
