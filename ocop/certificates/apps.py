from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "ocop.certificates"
    verbose_name = _("Quyết định công nhận và giấy chứng nhận OCOP")

    def ready(self) -> None:
        # Registers certificates.view_certificate / certificates.revoke_certificate with `rules`,
        # and the lists' Excel exports (ocop/jobs/exports.py).
        from django.db.models.signals import post_delete, post_save

        from ocop.certificates import jobs, permissions  # noqa: F401
        from ocop.certificates.models import Certificate
        from ocop.certificates.selectors import (
            forget_verification,
            held_certificate,
            product_section,
            public_products_q,
        )
        from ocop.dossiers import hooks as dossier_hooks
        from ocop.registry import hooks as registry_hooks

        registry_hooks.public_products_q.provide(public_products_q)
        dossier_hooks.held_certificate.provide(held_certificate)
        # The certificate the product holds, on the registry's product page.
        registry_hooks.product_sections.provide(product_section)
        # The public verification answers from a cache (selectors.public_verification).
        post_save.connect(forget_verification, sender=Certificate,
                          dispatch_uid="certificates.forget_verification")
        post_delete.connect(forget_verification, sender=Certificate,
                            dispatch_uid="certificates.forget_verification_deleted")
