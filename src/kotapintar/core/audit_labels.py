"""What each audit action means, in words a city administrator reads.

An audit entry stores its action as a stable code (`<app>.<what>`, the contract `audit-verify` and
exports keep). Each app declares the labels of its codes in its own `audit_labels.py` with
`register({...})`; the core app discovers those modules at start-up (apps.py), so the audit log shows
"Kartu diblokir" instead of `wallet.card_block` without the core knowing the apps. A code nobody
labelled is shown as it is; `tests/core/test_audit_labels.py` fails when a recorded code has no label.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise

_LABELS: dict[str, str | Promise] = {}


def register(labels: Mapping[str, str | Promise]) -> None:
    for code, text in labels.items():
        known = _LABELS.get(code)
        if known is not None and str(known) != str(text):
            raise ValueError(f"audit action {code} is labelled twice")
        _LABELS[code] = text


def label(code: str) -> str:
    """The action's label in the active language, or the code when nobody labelled it."""
    text = _LABELS.get(code)
    return str(text) if text is not None else code


def labelled() -> frozenset[str]:
    return frozenset(_LABELS)


def _core_labels() -> None:
    from django.utils.translation import gettext_lazy as _

    register(
        {
            "core.city_init": _("City set up (city-init)"),
            "core.opd_create": _("OPD created"),
            "core.opd_update": _("OPD changed"),
            "core.password_link_create": _("One-time password link made"),
            "core.password_link_redeem": _("One-time password link used"),
            "core.token_create": _("API token created"),
            "core.token_revoke": _("API token revoked"),
            "core.user_create": _("User created"),
            "core.user_deactivate": _("User deactivated"),
            "core.user_reactivate": _("User reactivated"),
            "core.user_update": _("User changed"),
            "core.wilayah_import": _("Kelurahan and kecamatan imported"),
        }
    )


_core_labels()  # the core app's own actions (this module is the one autodiscovery finds in core)
