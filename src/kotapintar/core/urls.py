from django.urls import include, path

from kotapintar.core import console, views

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.RateLimitedLoginView.as_view(), name="login"),
    path("akun/", views.account, name="account"),
    path("akun/token/", views.token_create, name="token_create"),
    path("akun/token/<uuid:token_id>/cabut/", views.token_revoke, name="token_revoke"),
    path("akun/sandi/<str:uidb64>/<str:token>/", views.password_link, name="password_link"),
    path("kelola/", include(console)),
    path("akun/notifikasi/dibaca/", views.notifications_read, name="notifications_read"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report", views.csp_report, name="csp_report"),
]
