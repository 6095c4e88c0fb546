from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "ocop.credentials"
    verbose_name = _("Chứng nhận số kiểm chứng được")

    def ready(self) -> None:
        # The certificates app (below) reaches this one only through its hooks: a certificate
        # issued gets its credential, a revocation sets its status bit (both inside the
        # certificates app's transaction), the PDF embeds it and its QR code carries it, the verify
        # page offers the form.
        from ocop.certificates import hooks as certificate_hooks
        from ocop.credentials import services, views

        certificate_hooks.certificate_issued.provide(services.issue_credentials)
        certificate_hooks.certificate_lapsed.provide(services.certificate_lapsed)
        certificate_hooks.pdf_attachments.provide(services.pdf_attachments)
        certificate_hooks.qr_link.provide(services.qr_link)
        certificate_hooks.verify_page_sections.provide(views.verify_section)
