"""Every read of the registry, already scoped to the user's jurisdiction."""

from django.db.models import QuerySet

from ocop.accounts.jurisdiction import scope_by_commune
from ocop.accounts.models import User
from ocop.registry.models import Producer, Product


def producers_for(user: User) -> QuerySet[Producer]:
    return scope_by_commune(Producer.objects.all(), user, "commune", "pk")


def products_for(user: User) -> QuerySet[Product]:
    return scope_by_commune(Product.objects.all(), user, "producer__commune", "producer_id")
