"""Error codes of the master plan app, each declared once (see kotapintar.core.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import ValidationFailed, declare

XlsxInvalid = declare("xlsx_invalid", ValidationFailed, _("The file is not an Excel workbook (.xlsx)."))
XlsxTooLarge = declare(
    "xlsx_too_large",
    ValidationFailed,
    _("The workbook is larger than an upload may be (5 MB, 32 MB unpacked)."),
)
