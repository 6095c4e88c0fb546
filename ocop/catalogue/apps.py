from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "ocop.catalogue"
    verbose_name = _("Danh mục sản phẩm OCOP công khai")

    def ready(self) -> None:
        from ocop.catalogue import checks  # noqa: F401  (registers the deployment check)
        from ocop.catalogue.caching import bump
        from ocop.certificates.models import Certificate
        from ocop.market.models import ChannelLink, GiftSet, GiftSetItem, Offer
        from ocop.registry.models import Producer, Product
        from ocop.tourism.models import Destination, SoldProduct

        # A certificate issued, revoked or extended, a product or producer edited, or what the
        # product page shows of the market and tourism apps changed: every cached catalogue copy
        # is forgotten (ocop/catalogue/caching.py).
        for model in (Certificate, Product, Producer, Offer, ChannelLink, GiftSet, GiftSetItem,
                      Destination, SoldProduct):
            post_save.connect(bump, sender=model, dispatch_uid=f"catalogue.bump.{model.__name__}")
            post_delete.connect(bump, sender=model,
                                dispatch_uid=f"catalogue.bump_deleted.{model.__name__}")
