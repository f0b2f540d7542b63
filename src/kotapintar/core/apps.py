from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kotapintar.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.core import checks
        from django.utils.module_loading import autodiscover_modules

        from kotapintar.core import net, siteurl

        checks.register(net.check_settings, checks.Tags.security)
        checks.register(siteurl.check_allowed_hosts, checks.Tags.security, "site_url", deploy=True)
        autodiscover_modules("metrics")  # each app's live figures (kotapintar.core.metrics)
        autodiscover_modules("audit_labels")  # each app's audit actions in words (core.audit_labels)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: the city administrator's role opens it (core.adminsite)."""

    default = False  # `kotapintar.core` itself stays CoreConfig
    default_site = "kotapintar.core.adminsite.AdminSite"
