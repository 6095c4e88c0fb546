from django import template

from ocop.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    """The nav link with the unread count (one COUNT query, only for signed-in users)."""
    user = context["request"].user
    return {"count": unread_count(user) if user.is_authenticated else 0}
