"""The Kominfo taxonomy: 6 dimensions × 3 elements, bilingual, with local elements."""

from __future__ import annotations

import pytest

from kotapintar.core.errors import Conflict, PermissionDenied
from kotapintar.masterplan import services
from kotapintar.masterplan.models import Dimension, Element

pytestmark = pytest.mark.django_db


def test_six_dimensions_with_three_elements_each(reference):
    assert Dimension.objects.count() == 6
    for dim in Dimension.objects.all():
        assert dim.elements.filter(is_local=False).count() == 3
    assert Element.objects.get(code="ENV-2").name_id == "Sampah & Limbah"
    assert Element.objects.get(code="ENV-2").name_en == "Waste"


def test_reference_is_idempotent(reference):
    assert services.reference_ensure() == 0


def test_bappeda_adds_a_local_element(reference, city, bappeda_user):
    el = services.element_create_local(
        actor=bappeda_user,
        city=city,
        dimension_code="LIV",
        code="liv-l1",
        name_id="Drainase",
        name_en="Drainage",
    )
    assert el.is_local and el.code == "LIV-L1" and el.dimension.code == "LIV"
    with pytest.raises(Conflict):
        services.element_create_local(
            actor=bappeda_user, city=city, dimension_code="LIV", code="LIV-L1", name_id="x", name_en="x"
        )


def test_opd_cannot_add_elements(reference, city, opd_user):
    with pytest.raises(PermissionDenied):
        services.element_create_local(
            actor=opd_user, city=city, dimension_code="LIV", code="X", name_id="x", name_en="x"
        )
