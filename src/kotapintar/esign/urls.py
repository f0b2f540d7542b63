from django.urls import URLPattern, URLResolver, path, re_path

from kotapintar.esign import views

app_name = "esign"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("dokumen/unggah/", views.document_upload, name="document_upload"),
    path("dokumen/buat-surat/", views.document_generate, name="document_generate"),
    path("dokumen/<uuid:public_id>/", views.document_detail, name="document_detail"),
    path("dokumen/<uuid:public_id>/alur/", views.workflow_start, name="workflow_start"),
    path("dokumen/<uuid:public_id>/paraf/", views.paraf, name="paraf"),
    path("dokumen/<uuid:public_id>/kembalikan/", views.send_back, name="send_back"),
    path("dokumen/<uuid:public_id>/ajukan-ulang/", views.restart, name="restart"),
    path("dokumen/<uuid:public_id>/tandatangani/", views.sign, name="sign"),
    path("dokumen/<uuid:public_id>/selesaikan/", views.resolve_unknown, name="resolve_unknown"),
    path("dokumen/<uuid:public_id>/revisi/<int:seq>.pdf", views.revision_download, name="revision_download"),
    path("tandatangani-massal/", views.batch_sign, name="batch_sign"),
    path("sertifikat/", views.certificates, name="certificates"),
    path("verifikasi/", views.verify_upload, name="verify_upload"),
    path("verifikasi/<str:code>", views.verify_code, name="verify_code"),
    path("verifikasi/<str:code>/unduh", views.verify_download, name="verify_download"),
    path("pki/crl/<uuid:public_id>.crl", views.pki_crl, name="pki_crl"),
    path("pki/ca/<uuid:public_id>.cer", views.pki_ca, name="pki_ca"),
    path("pki/ocsp/", views.pki_ocsp, name="pki_ocsp"),
    re_path(r"^pki/ocsp/(?P<encoded>[A-Za-z0-9+/=%_-]+)$", views.pki_ocsp_get, name="pki_ocsp_get"),
    path("pki/tsa/", views.pki_tsa, name="pki_tsa"),
]
