"""Turnover in the words the city uses: 'Rp7,4 miliar'."""

import pytest

from kotapintar.lib.idr_words import format_idr_short


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (7_411_000_000, "Rp7,4 miliar"),
        (6_500_000_000, "Rp6,5 miliar"),
        (3_000_000_000, "Rp3 miliar"),
        (650_000_000, "Rp650 juta"),
        (999_960_000, "Rp1 miliar"),
        (12_500, "Rp12,5 ribu"),
        (900, "Rp900"),
        (1_200_000_000_000, "Rp1,2 triliun"),
    ],
)
def test_format_idr_short(amount, text):
    assert format_idr_short(amount) == text


def test_rounds_half_up():
    assert format_idr_short(7_450_000_000) == "Rp7,5 miliar"


def test_refuses_floats():
    with pytest.raises(TypeError):
        format_idr_short(7.4e9)  # type: ignore[arg-type]
