"""The main menu, grouped, built from each app's own permission rules.

Fourteen destinations in one row wrapped to two on a desktop and made a long column on a phone,
so the menu is grouped the way the programme's staff think of their work: the OCOP cycle
(producers, products, dossiers, councils, certificates, traceability), steering (plans,
reports, inspections, training) and public information (criteria, news, map). A link shows only
to those its page admits, and it asks the page's own rule (``can_use``, ``can_view``) rather
than repeating role lists here, so a menu never offers a page that answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.accounts.models import Role
from ocop.dashboards import permissions as dashboards
from ocop.inspections import permissions as inspections
from ocop.market import permissions as market
from ocop.people import services as people
from ocop.planning import permissions as planning
from ocop.reports import permissions as reports
from ocop.trade import permissions as trade

Rule = Callable[[Any], bool]


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _everyone(user: Any) -> bool:
    return True


def _programme(user: Any) -> bool:
    """Signed in with an account of the OCOP programme: a buyer (Role.BUYER) is not one, and
    the office's pages refuse it (ocop.accounts.middleware.BuyerBoundaryMiddleware)."""
    return _signed_in(user) and user.role != Role.BUYER


def _role(*roles: str) -> Rule:
    return lambda user: _signed_in(user) and user.role in roles


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    shown: Rule = _programme


@dataclass(frozen=True)
class Section:
    label: str | Promise
    entries: tuple[Entry, ...]


@dataclass
class Link:
    label: str
    url: str
    current: bool = False
    is_group = False


@dataclass
class Group:
    label: str
    links: list[Link] = field(default_factory=list)
    is_group = True

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


MENU: tuple[Entry | Section, ...] = (
    Entry(_("Bảng điều khiển"), "dashboards:home", lambda u: bool(dashboards.can_view(u))),
    Section(_("Chương trình OCOP"), (
        Entry(pgettext_lazy("danh sách", "Chủ thể"), "registry:producer_list"),
        Entry(pgettext_lazy("danh sách", "Sản phẩm"), "registry:product_list"),
        Entry(pgettext_lazy("danh sách", "Hồ sơ"), "dossiers:list"),
        Entry(_("Chấm điểm"), "evaluation:assigned", _role(Role.COUNCIL_MEMBER)),
        Entry(_("Hội đồng"), "evaluation:councils",
              _role(Role.PROVINCE_OFFICE, Role.CENTRAL, Role.ADMIN)),
        Entry(_("Giấy chứng nhận"), "certificates:list"),
        Entry(_("Truy xuất"), "trace:lot_list"),
        Entry(_("Kênh bán hàng"), "market:home", lambda u: market.may_sell(u)),
    )),
    Section(_("Điều hành"), (
        Entry(_("Kế hoạch năm"), "planning:list", lambda u: bool(planning.can_use(u))),
        Entry(pgettext_lazy("định kỳ", "Báo cáo"), "reports:index",
              lambda u: bool(reports.can_use(u))),
        Entry(_("Kiểm tra sau công nhận"), "inspections:index",
              lambda u: bool(inspections.can_use_inspections(u))),
        Entry(_("Đào tạo"), "training:courses"),
        Entry(_("Tài khoản trong địa bàn"), "people:list",
              lambda u: bool(people.can_manage_people(u))),
    )),
    Entry(_("Kết nối cung cầu"), "trade:home", lambda u: bool(trade.can_use(u))),
    Section(_("Thông tin"), (
        Entry(_("Sản phẩm OCOP"), "catalogue:list", _everyone),
        Entry(_("Bản đồ"), "maps:map", _everyone),
        Entry(_("Du lịch"), "tourism:list", _everyone),
        Entry(_("Hội chợ, sự kiện"), "fairs:calendar", _everyone),
        Entry(_("Tin tức"), "news:list", _everyone),
        Entry(pgettext_lazy("danh sách", "Bộ tiêu chí"), "criteria:sheet_list", _everyone),
    )),
)


def _link(entry: Entry, path: str) -> Link:
    url = reverse(entry.url_name)
    # The home page "/" would be the prefix of every path; no menu entry points there.
    return Link(str(entry.label), url, current=path == url or (path.startswith(url) and url != "/"))


# Up to this many links in all (a visitor's six public pages: catalogue, map, tourism, fairs,
# news and criteria), no groups at all.
FLAT_UP_TO = 6


def menu_for(user: Any, path: str) -> list[Link | Group]:
    """What ``user`` sees in the menu on the page at ``path``: links, and groups of links.
    A group with a single link left for this user is shown as that link, and a short menu
    shows no groups at all."""
    items: list[Link | Group] = []
    for item in MENU:
        if isinstance(item, Entry):
            if item.shown(user):
                items.append(_link(item, path))
            continue
        links = [_link(entry, path) for entry in item.entries if entry.shown(user)]
        if len(links) == 1:
            items.append(links[0])
        elif links:
            items.append(Group(str(item.label), links))
    if sum(len(i.links) if isinstance(i, Group) else 1 for i in items) <= FLAT_UP_TO:
        return [link for i in items for link in (i.links if isinstance(i, Group) else [i])]
    return items
