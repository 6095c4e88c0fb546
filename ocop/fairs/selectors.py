"""Every read of fairs and events: the public calendar, the office's view of applications
(scoped to the reader's reach), a producer's own applications, and the figures for reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from ocop.accounts.models import Role, User
from ocop.fairs.models import Application, BoothClass, Event
from ocop.fairs.permissions import follow_events, manage_event, province_of
from ocop.planning.models import BudgetContent, BudgetLine
from ocop.registry.selectors import producers_for

_ACCEPTED = Q(applications__status=Application.Status.ACCEPTED)


def _booths() -> Prefetch:
    return Prefetch("booth_classes", queryset=BoothClass.objects.annotate(
        allocated=Count("allocations", filter=Q(
            allocations__status=Application.Status.ACCEPTED))).order_by("id"))


def public_events() -> QuerySet[Event]:
    """The calendar everyone reads (no login): what, when, where, who organises."""
    return Event.objects.select_related("province")


def calendar(today: date) -> dict[str, list[Event]]:
    """Upcoming events (not yet over, soonest first) and past ones (latest first)."""
    events = public_events()
    return {"upcoming": list(events.filter(ends_on__gte=today).order_by("starts_on", "id")),
            "past": list(events.filter(ends_on__lt=today).order_by("-starts_on", "-id"))}


def event_detail(pk: int) -> Event:
    return get_object_or_404(public_events().prefetch_related(_booths()), pk=pk)


def events_for(user: User) -> QuerySet[Event]:
    """The events whose office side the user follows: all for nation-wide accounts, those of
    their province for the province's office, inspectors and commune officers."""
    qs = public_events().annotate(
        applied=Count("applications", distinct=True),
        exhibitors=Count("applications", filter=_ACCEPTED, distinct=True),
    ).order_by("-starts_on", "-id")
    if not follow_events(user):
        return qs.none()
    if user.is_nationwide:
        return qs
    return qs.filter(province_id=province_of(user))


def applications_of(user: User, event: Event) -> QuerySet[Application]:
    """The event's applications the user may see: every one for its managers, the producers in
    reach for the province's inspectors and commune officers, its own for a producer."""
    qs = (Application.objects.filter(event=event)
          .select_related("producer", "producer__commune", "booth_class", "booth_wanted")
          .prefetch_related("products").order_by("producer__name", "id"))
    if manage_event(user, event.province):
        return qs
    if user.role == Role.PRODUCER or (follow_events(user)
                                      and province_of(user) == event.province_id):
        return qs.filter(producer__in=producers_for(user))
    return qs.none()


def application_for(user: User, pk: int) -> Application:
    """One application the user may see (404 otherwise: a probe cannot tell which)."""
    application = get_object_or_404(
        Application.objects.select_related("event", "event__province", "producer"), pk=pk)
    get_object_or_404(applications_of(user, application.event), pk=pk)
    return application


def my_applications(user: User) -> QuerySet[Application]:
    """A producer's own applications, latest event first."""
    if not (user.is_authenticated and user.role == Role.PRODUCER and user.producer_id):
        return Application.objects.none()
    return (Application.objects.filter(producer_id=user.producer_id)
            .select_related("event", "event__province", "booth_class", "booth_wanted")
            .prefetch_related("products").order_by("-event__starts_on", "-id"))


def own_application(user: User, event: Event) -> Application | None:
    return my_applications(user).filter(event=event).first()


# --- Figures for the programme's reports -----------------------------------------------------


@dataclass
class Totals:
    events: int = 0
    exhibitors: int = 0
    reported: int = 0
    sales: Decimal = Decimal(0)
    contracts: int = 0
    contracts_value: Decimal = Decimal(0)
    contacts: int = 0


@dataclass
class YearTotals(Totals):
    year: int = 0


@dataclass
class FairFigures:
    events: list[Event] = field(default_factory=list)  # annotated like ``event_figures``
    years: list[YearTotals] = field(default_factory=list)
    total: Totals = field(default_factory=Totals)


def event_figures(province_id: str | None = None, year: int | None = None,
                  until: date | None = None) -> QuerySet[Event]:
    """Events (of a province, of a year by their opening day, opened by ``until``) each
    annotated with its exhibitors (accepted applications), those who reported, and the reported
    sales, contracts (count and value) and buyer contacts."""
    qs = Event.objects.select_related("province")
    if province_id:
        qs = qs.filter(province_id=province_id)
    if year:
        qs = qs.filter(starts_on__year=year)
    if until:
        qs = qs.filter(starts_on__lte=until)
    return qs.annotate(
        exhibitors=Count("applications", filter=_ACCEPTED),
        reported=Count("applications", filter=_ACCEPTED & Q(
            applications__results_reported_at__isnull=False)),
        sales=Sum("applications__sales_vnd", filter=_ACCEPTED),
        contracts=Sum("applications__contracts_count", filter=_ACCEPTED),
        contracts_value=Sum("applications__contracts_value_vnd", filter=_ACCEPTED),
        contacts=Sum("applications__buyer_contacts_count", filter=_ACCEPTED),
    ).order_by("-starts_on", "-id")


def _add(into: Totals, event: Event) -> None:
    into.events += 1
    into.exhibitors += event.exhibitors
    into.reported += event.reported
    into.sales += event.sales or 0
    into.contracts += event.contracts or 0
    into.contracts_value += event.contracts_value or 0
    into.contacts += event.contacts or 0


def fair_totals(province_id: str | None = None, year: int | None = None,
                until: date | None = None) -> FairFigures:
    """Per-event rows, per-year totals (latest year first) and the grand total: what the
    office's figures page and the dashboards show. One query whatever the number of events."""
    figures = FairFigures(events=list(event_figures(province_id, year, until)))
    by_year: dict[int, YearTotals] = {}
    for event in figures.events:
        year_row = by_year.setdefault(event.starts_on.year, YearTotals(year=event.starts_on.year))
        _add(year_row, event)
        _add(figures.total, event)
    figures.years = [by_year[y] for y in sorted(by_year, reverse=True)]
    return figures


@dataclass
class PromotionBudget:
    approved: Decimal
    disbursed: Decimal


def promotion_budget(province_id: str | None, year: int) -> PromotionBudget | None:
    """What the province's annual plan of ``year`` (its own or its legacy provinces') budgets
    for "Quảng bá, xúc tiến thương mại" — the line fairs are paid from; the plans set no target
    in numbers of fairs (ocop.planning.models.IndicatorKind), so this is what the results are
    set against. ``None`` without such a line."""
    lines = BudgetLine.objects.filter(content=BudgetContent.PROMOTION, plan__year=year)
    if province_id:
        lines = lines.filter(Q(plan__province_id=province_id)
                             | Q(plan__province__current_province_id=province_id))
    else:
        lines = lines.filter(plan__province__isnull=True)
    sums = lines.aggregate(approved=Sum("approved"), disbursed=Sum("disbursed"))
    if sums["approved"] is None:
        return None
    return PromotionBudget(sums["approved"], sums["disbursed"] or Decimal(0))


def figures_for(user: User, year: int | None = None) -> FairFigures:
    """``fair_totals`` in the user's reach: the nation for nation-wide accounts, the province
    for the others who follow events."""
    follow_events(user).check()
    return fair_totals(None if user.is_nationwide else province_of(user), year)
