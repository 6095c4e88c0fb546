"""The dashboard's area (``Scope``) and the product sets its figures count.

A figure counts the records of one area: the nation, a current province or a current commune.
A record lies where its producer's commune lies *today* (``current_province`` /
``current_commune``, the rule of ``ocop.accounts.jurisdiction``), so a product registered under
a legacy commune of huyện Lục Ngạn is counted by today's Bắc Ninh and Xã Lục Ngạn.

Every product figure is a count over one of the named product sets of ``product_set_q`` and the
drill-down list filters with the very same ``Q``: a number on the dashboard and the length of
the list behind it cannot disagree. Stars and "OCOP" status come from certificates, never from
``Product.stars``: a product is OCOP on a day while one of its certificates is valid that day
(``Certificate.objects.valid_on``), at the highest star of those certificates; it is
"recognised" (cumulative) when a certificate was issued to it up to the day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.certificates import selectors as certificate_selectors
from ocop.certificates.models import Certificate
from ocop.core.refusals import Forbidden
from ocop.dashboards import permissions
from ocop.dossiers.models import OPEN_STATES, Dossier, DossierState
from ocop.evaluation.models import CouncilResult
from ocop.registry.models import Product
from ocop.rules.certification import TOP_STARS, add_months
from ocop.rules.levels import CENTRAL, PROVINCE
from ocop.units.models import Succession, Unit

# A product "came back" when a new certificate was issued to it before the end of this many
# months after its previous certificate expired (docs/dashboards.md, re-evaluation rate).
REEVALUATION_GRACE_MONTHS = 6
# Windows of the "certificates expiring" figure, in days after the day of the dashboard.
EXPIRY_WINDOWS = (30, 90, 180)
CENTRAL_EVALUATION_STATES = frozenset(
    {DossierState.ACCEPTED, DossierState.UNDER_EVALUATION, DossierState.SCORED})


# --- Scope -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The area a figure counts: the nation (no unit), a current province or a current commune.

    ``unit`` is the current province or commune (``None`` for the nation)."""

    unit: Unit | None = None

    @property
    def level(self) -> str:
        return "nation" if self.unit is None else self.unit.level

    @property
    def name(self) -> str:
        return _("Toàn quốc") if self.unit is None else self.unit.full_name

    def q(self, commune_path: str) -> Q:
        """Records whose commune (at ``commune_path``, a path to a commune FK; empty for units
        themselves) lies in the area."""
        if self.unit is None:
            return Q()
        prefix = f"{commune_path}__" if commune_path else ""
        if self.unit.level == Unit.Level.PROVINCE:
            return Q(**{f"{prefix}current_province_id": self.unit.pk})
        return Q(**{f"{prefix}current_commune_id": self.unit.pk})

    def contains(self, unit: Unit) -> bool:
        """Whether a current province or commune lies inside this area."""
        if self.unit is None:
            return True
        if self.unit.level == Unit.Level.PROVINCE:
            return (unit.pk == self.unit.pk or unit.parent_id == self.unit.pk
                    or unit.current_province_id == self.unit.pk)
        return unit.pk == self.unit.pk


def user_scope(user: User) -> Scope:
    """The viewer's own area; ``Forbidden`` (with the reason) for anyone without a dashboard."""
    permissions.can_view(user).check()
    return Scope(None if user.is_nationwide else user.unit)


def scope_for(user: User, area: str = "") -> Scope:
    """The viewer's area, or a current province or commune inside it when ``area`` names one
    (the central office opens a province, a province opens one of its communes). An area outside
    the viewer's is refused, never silently widened."""
    own = user_scope(user)
    if not area:
        return own
    unit = Unit.objects.filter(pk=area, era=Unit.Era.CURRENT,
                               level__in=(Unit.Level.PROVINCE, Unit.Level.COMMUNE)).first()
    if unit is None or not own.contains(unit):
        raise Forbidden(_("Địa bàn này nằm ngoài phạm vi của bạn."), code="dashboards.outside")
    return Scope(unit)


# --- Legacy districts ------------------------------------------------------------------------


@dataclass
class DistrictMap:
    """Which legacy (pre-2025) district each commune belonged to.

    A legacy commune names its district (``parent``). A record kept under a *current* commune is
    given the legacy district of the communes that merged into it; when they came from several
    districts, the district that gave the most communes (then the lowest code), so that each
    product is counted in exactly one district."""

    of_current: dict[str, str]
    names: dict[str, str]

    def current_communes_of(self, district: str) -> list[str]:
        return sorted(c for c, d in self.of_current.items() if d == district)

    def district_q(self, district: str, commune_path: str = "producer__commune") -> Q:
        return (Q(**{f"{commune_path}__era": Unit.Era.LEGACY,
                     f"{commune_path}__parent_id": district})
                | Q(**{f"{commune_path}_id__in": self.current_communes_of(district)}))


def district_map(scope: Scope) -> DistrictMap:
    """The legacy districts of the scope's communes (two queries whatever the data size)."""
    successions = Succession.objects.filter(
        predecessor__level=Unit.Level.COMMUNE, successor__level=Unit.Level.COMMUNE,
        successor__era=Unit.Era.CURRENT, predecessor__parent__isnull=False)
    if scope.unit is not None:
        successions = successions.filter(scope.q("successor"))
    given: dict[str, Counter[str]] = defaultdict(Counter)
    for successor, district in successions.values_list("successor_id", "predecessor__parent_id"):
        given[successor][district] += 1
    of_current = {c: min(n.items(), key=lambda kv: (-kv[1], kv[0]))[0] for c, n in given.items()}
    districts = Unit.objects.filter(era=Unit.Era.LEGACY, level=Unit.Level.DISTRICT)
    if scope.unit is not None:
        districts = districts.filter(
            Q(pk__in=set(of_current.values())) | Q(children__in=Unit.objects.filter(
                scope.q(""), era=Unit.Era.LEGACY, level=Unit.Level.COMMUNE))).distinct()
    names = dict(districts.values_list("pk", "full_name"))
    return DistrictMap(of_current, names)


# --- Product sets ----------------------------------------------------------------------------


def before_end_of(day: date) -> datetime:
    """The first moment after ``day`` in the project's time zone: "created on or before the
    day" is ``created_at < before_end_of(day)``, which the database compares as stored
    instead of converting every row's timestamp to a local date (a function call per row on
    SQLite)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))



def stars_on(day: date) -> Subquery:
    """The highest star of the product's certificates valid on ``day`` (NULL: not OCOP): the
    certificates app's own rule, the one ``Product.stars`` is kept by."""
    return certificate_selectors.best_valid_stars(day)


def ocop_until(day: date) -> Subquery:
    """The last day of the product's OCOP status as seen on ``day``: the latest end among its
    certificates valid that day."""
    return Subquery(Certificate.objects.valid_on(day).filter(product=OuterRef("pk"))
                    .order_by("-valid_until").values("valid_until")[:1])


def products_in(scope: Scope, day: date) -> QuerySet[Product]:
    """The scope's products with the certificate facts of ``day`` (``stars_on``,
    ``ocop_until``); the base of every product figure and drill-down list."""
    return (Product.objects.filter(scope.q("producer__commune"))
            .annotate(stars_on=stars_on(day), ocop_until=ocop_until(day)))


def count_where(qs: QuerySet, conditions: dict[str, Q]) -> dict[str, int]:
    """How many rows of ``qs`` meet each condition, in one query. Each condition becomes a
    column of the rows first: aggregating over annotated rows wraps them in a subquery, where a
    condition's own correlated subquery (``Exists``) could no longer see the row."""
    flags = {f"flag_{name}": ExpressionWrapper(q, output_field=BooleanField())
             for name, q in conditions.items()}
    return qs.annotate(**flags).aggregate(
        **{name: Count("pk", filter=Q(**{f"flag_{name}": True})) for name in conditions})


def recognised_q(day: date) -> Q:
    """On products: recognised by ``day`` (any certificate issued up to then, valid or not)."""
    return Q(Exists(Certificate.objects.filter(certificate_selectors.recognised_q(day),
                                               product=OuterRef("pk"))))


def valid_q(stars: int | None = None) -> Q:
    """On ``products_in``: OCOP on the day (at ``stars`` when given)."""
    return Q(stars_on__isnull=False) if stars is None else Q(stars_on=stars)


def expiring_q(day: date, within: int) -> Q:
    """On ``products_in``: OCOP on the day, and that status ends within ``within`` days."""
    return Q(stars_on__isnull=False, ocop_until__lte=day + timedelta(days=within))


def new_in_year_q(year: int, day: date) -> Q:
    """Products whose first certificate was issued in ``year`` (up to ``day``)."""
    earlier = Certificate.objects.filter(product=OuterRef("pk"), issued_on__lt=date(year, 1, 1))
    first = Certificate.objects.filter(product=OuterRef("pk"), issued_on__year=year,
                                       issued_on__lte=day)
    return Q(Exists(first)) & ~Q(Exists(earlier))


def registered_q(day: date) -> Q:
    """Products registered on the platform up to ``day``."""
    return Q(created_at__lt=before_end_of(day))


# The stages of the 5★ pipeline, in order; each is a ``Q`` on ``products_in``.
PIPELINE_STAGES = ("four_star", "dossier", "province_five", "central_round", "five_star")


def pipeline_q(stage: str, day: date) -> Q:
    """A stage of the 5★ pipeline as seen on ``day``:

    - ``four_star``: OCOP 4★ on the day (the pool a 5★ candidate comes from);
    - ``dossier``: a dossier asking for 5★ opened up to the day and not yet closed (its state
      today: dossiers keep no history of their states apart from the audit log);
    - ``province_five``: a provincial council's final result of 5★ (the condition for proposing
      the product to the central council) finalised up to the day;
    - ``central_round``: accepted into a central round up to the day and still being evaluated;
    - ``five_star``: OCOP 5★ on the day."""
    if stage == "four_star":
        return valid_q(TOP_STARS - 1)
    if stage == "five_star":
        return valid_q(TOP_STARS)
    if stage == "dossier":
        return Q(Exists(Dossier.objects.filter(
            product=OuterRef("pk"), target_stars=TOP_STARS, state__in=OPEN_STATES,
            created_at__lt=before_end_of(day))))
    if stage == "province_five":
        return Q(Exists(CouncilResult.objects.filter(
            dossier__product=OuterRef("pk"), final=True, level=PROVINCE, stars__gte=TOP_STARS,
            finalised_at__lt=before_end_of(day))))
    if stage == "central_round":
        return Q(Exists(Dossier.objects.filter(
            product=OuterRef("pk"), round__level=CENTRAL, accepted_at__lt=before_end_of(day),
            state__in=CENTRAL_EVALUATION_STATES)))
    raise ValueError(stage)


# --- Re-evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expiry:
    """A certificate that ran to its end (not revoked before it) by the day, and whether its
    product came back: a later certificate issued to it before the end of
    ``REEVALUATION_GRACE_MONTHS`` months after the expiry (and by the day)."""

    product_id: int
    valid_until: date
    came_back: bool


def expiries(scope: Scope, day: date) -> list[Expiry]:
    """Every certificate of the scope that expired by ``day`` (one query). Counted in Python
    because the grace period is in calendar months, which SQLite and PostgreSQL do not add
    alike."""
    rows = list(Certificate.objects.filter(scope.q("product__producer__commune"),
                                           issued_on__lte=day)
                .order_by("product_id", "issued_on")
                .values_list("product_id", "issued_on", "valid_until", "revoked_on"))
    issued: dict[int, list[date]] = defaultdict(list)
    for product_id, issued_on, _until, _revoked in rows:
        issued[product_id].append(issued_on)
    out = []
    for product_id, issued_on, valid_until, revoked_on in rows:
        if valid_until >= day or (revoked_on is not None and revoked_on <= valid_until):
            continue  # still running on the day, or revoked (never due for re-evaluation)
        window_end = min(day, add_months(valid_until, REEVALUATION_GRACE_MONTHS))
        came_back = any(issued_on < later <= window_end for later in issued[product_id])
        out.append(Expiry(product_id, valid_until, came_back))
    return out


def expired_products(scope: Scope, day: date, start: date, end: date) -> tuple[set[int], set[int]]:
    """(products with a certificate that expired between ``start`` and ``end``, those of them
    that came back)."""
    due: set[int] = set()
    back: set[int] = set()
    for e in expiries(scope, day):
        if start <= e.valid_until <= end:
            due.add(e.product_id)
            if e.came_back:
                back.add(e.product_id)
    return due, back


# --- Drill-down ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drill:
    """A drill-down: which product set, narrowed by which dimensions. Its query string is what
    the dashboard links to; ``product_list`` reads it back."""

    set: str = "valid"
    on: date | None = None
    stars: int | None = None
    group: str = ""
    district: str = ""
    commune: str = ""
    province: str = ""
    within: int | None = None
    year: int | None = None
    stage: str = ""

    def params(self) -> dict[str, str]:
        values = {"set": self.set, "on": self.on.isoformat() if self.on else "",
                  "stars": self.stars, "group": self.group, "district": self.district,
                  "commune": self.commune, "province": self.province,
                  "within": self.within, "year": self.year, "stage": self.stage}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


DRILL_SETS = ("valid", "recognised", "registered", "expiring", "new", "expired", "not_back",
              "back", "pipeline")


def drill_q(drill: Drill, day: date, scope: Scope) -> Q:
    """The ``Q`` (on ``products_in(scope, day)``) of a drill-down; the figures count with the
    same pieces."""
    q = Q()
    if drill.set == "valid":
        q &= valid_q(drill.stars)
    elif drill.set == "recognised":
        q &= recognised_q(day)
    elif drill.set == "registered":
        q &= registered_q(day)
    elif drill.set == "expiring":
        q &= expiring_q(day, drill.within or EXPIRY_WINDOWS[-1])
    elif drill.set == "new" and drill.year:
        q &= new_in_year_q(drill.year, day)
    elif drill.set in ("expired", "back", "not_back") and drill.year:
        end = min(date(drill.year, 12, 31), day)
        due, back = expired_products(scope, day, date(drill.year, 1, 1), end)
        ids = {"expired": due, "back": back, "not_back": due - back}[drill.set]
        q &= Q(pk__in=sorted(ids))
    elif drill.set == "pipeline" and drill.stage in PIPELINE_STAGES:
        q &= pipeline_q(drill.stage, day)
    else:
        return Q(pk__in=[])
    if drill.group:
        q &= Q(product_set__group_id=drill.group)
    if drill.province:
        q &= Q(producer__commune__current_province_id=drill.province)
    if drill.commune:
        q &= Q(producer__commune__current_commune_id=drill.commune)
    if drill.district:
        q &= district_map(scope).district_q(drill.district)
    return q


def product_list(scope: Scope, drill: Drill, day: date) -> QuerySet[Product]:
    """The products behind a dashboard number, with what the list shows."""
    return (products_in(scope, day).filter(drill_q(drill, day, scope))
            .select_related("producer", "producer__commune", "producer__commune__current_commune",
                            "producer__commune__current_province", "product_set__group")
            .order_by("name", "id"))
