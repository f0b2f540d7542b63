import logging

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from kotapintar.esign.checks import check_ca_site_url


class _DropExpectedPyhankoWarning(logging.Filter):
    """B-LT signing hands pyHanko the revocation data up front (CRLs and OCSP produced in-process) with
    fetching disabled on purpose; pyHanko warns about that on every signature."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


class EsignConfig(AppConfig):
    name = "kotapintar.esign"
    label = "esign"
    verbose_name = _("Electronic signatures (TTE)")

    def ready(self) -> None:
        checks.register(check_ca_site_url, checks.Tags.security, "site_url", deploy=True)
        logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_DropExpectedPyhankoWarning())
