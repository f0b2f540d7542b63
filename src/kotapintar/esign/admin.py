"""Admin of the esign app: read-mostly views of the PKI and documents (writes go through services)."""

from django.contrib import admin

from kotapintar.esign.models import Document, PkiCertificate, Revocation, SignatureRecord


@admin.register(PkiCertificate)
class PkiCertificateAdmin(admin.ModelAdmin[PkiCertificate]):
    list_display = ("common_name", "kind", "serial", "not_after", "created_at")
    list_filter = ("kind",)
    search_fields = ("common_name", "nip", "serial")
    exclude = ("key_pem", "passphrase_hash")
    readonly_fields = (
        "kind",
        "issuer",
        "serial",
        "subject",
        "cert_der",
        "key_protection",
        "token_label",
        "token_key_id",
        "not_before",
        "not_after",
    )


@admin.register(Revocation)
class RevocationAdmin(admin.ModelAdmin[Revocation]):
    list_display = ("certificate", "revoked_at", "reason")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    list_display = ("title", "number", "status", "code", "created_at")
    list_filter = ("status", "source")
    search_fields = ("title", "number", "code")
    readonly_fields = ("code", "original_sha256", "status")


@admin.register(SignatureRecord)
class SignatureRecordAdmin(admin.ModelAdmin[SignatureRecord]):
    list_display = ("document", "signer_name", "backend", "legal_level", "level", "signed_at")
