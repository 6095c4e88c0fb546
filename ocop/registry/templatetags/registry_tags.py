"""Small display helpers for registry templates."""

from django import template

register = template.Library()


@register.filter
def star_glyphs(stars: int | None) -> str:
    """★★★☆☆ for 3 of 5 stars; empty for a product without a rating."""
    if not stars:
        return ""
    return "★" * stars + "☆" * (5 - stars)
