"""The master plan fixtures (a plan, a worksheet, one user per role) serve the control room too."""

from tests.masterplan.conftest import (  # noqa: F401 - fixtures
    bappeda_user,
    dewan_user,
    opd_user,
    other_opd_user,
    plan,
    reference,
    worksheet,
)
