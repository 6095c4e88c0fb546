"""Who may write the programme's news and guidance.

- ``manage_articles(user, province)``: the standing office of that province writes its
  province's articles; the central office and administrators write nation-wide ones (no
  province) and may correct any province's. Everyone else only reads what is published.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.units.models import Unit


def may_write_news(user: User) -> bool:
    """Whether the user writes articles at all (the management pages)."""
    return user.is_authenticated and user.is_active and (
        user.is_nationwide or (user.role == Role.PROVINCE_OFFICE and user.unit_id is not None))


def manage_articles(user: User, province: Unit | None) -> Verdict:
    if not may_write_news(user):
        return denied(_("Chỉ cơ quan thường trực OCOP mới đăng tin, hướng dẫn."),
                      "news.not_an_office")
    if user.is_nationwide:
        return ALLOWED
    if province is None:
        return denied(_("Bài áp dụng toàn quốc do Văn phòng Điều phối Trung ương đăng."),
                      "news.national_only")
    if province.pk != user.unit_id:
        return denied(_("Bạn chỉ đăng bài của tỉnh/thành phố mình."), "news.other_province")
    return ALLOWED


rules.add_perm("news.manage_article",
               rules.predicate(lambda user, article: bool(manage_articles(user, article.province))))
