from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kotapintar.api import api

# The API comes first: every POS payment and sensor batch resolves its URL, and an empty-prefix
# include placed before it would make each API request try all of the site's pages first.
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("kotapintar.core.urls")),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("masterplan/", include("kotapintar.masterplan.urls")),
    path("tte/", include("kotapintar.esign.urls")),
    path("batik/", include("kotapintar.batik.urls")),
    path("dompet/", include("kotapintar.wallet.urls")),
    path("banjir/", include("kotapintar.flood.urls")),
    path("ruang-kendali/", include("kotapintar.controlroom.urls")),
    path("flood/cap.xml", include("kotapintar.flood.cap_urls")),
    path("", include("kotapintar.opendata.urls")),
]
