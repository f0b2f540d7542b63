from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kotapintar.api import api

urlpatterns = [
    path("", include("kotapintar.core.urls")),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("masterplan/", include("kotapintar.masterplan.urls")),
    path("tte/", include("kotapintar.esign.urls")),
    path("batik/", include("kotapintar.batik.urls")),
    path("dompet/", include("kotapintar.wallet.urls")),
    path("banjir/", include("kotapintar.flood.urls")),
    path("flood/cap.xml", include("kotapintar.flood.cap_urls")),
]
