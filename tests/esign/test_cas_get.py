"""``selectors.cas_get``: the current CA or service certificate of several kinds in one query."""

from __future__ import annotations

from typing import Any

import pytest

from kotapintar.esign import selectors
from kotapintar.esign.errors import PkiNotReady
from kotapintar.esign.models import CertKind, PkiCertificate


def test_each_kind_is_what_ca_get_gives(pki: Any) -> None:
    kinds = (CertKind.TSA, CertKind.ROOT, CertKind.ISSUING, CertKind.OCSP)
    assert selectors.cas_get(*kinds) == [selectors.ca_get(kind) for kind in kinds]


def test_a_kind_without_a_current_certificate_is_pki_not_ready(pki: Any) -> None:
    PkiCertificate.objects.filter(kind=CertKind.TSA).delete()
    with pytest.raises(PkiNotReady):
        selectors.cas_get(CertKind.ROOT, CertKind.TSA)
