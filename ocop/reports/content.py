"""A report's content: the figures of its sections, gathered once for both files.

``gather`` calls the figure functions (``figures.py``) for the sections of the report's kind and
reports its progress step by step; the Excel and PDF writers only lay the result out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ocop.reports import figures
from ocop.reports.models import Report
from ocop.reports.periods import Period
from ocop.units.models import Unit

Step = Callable[[], None]


@dataclass
class Content:
    scope: Unit | None
    scope_name: str
    period: Period
    sections: tuple[str, ...]
    made_on: date
    products: figures.ProductFigures | None = None
    certificates: figures.CertificateFigures | None = None
    plans: list[figures.PlanFigures] | None = None

    @property
    def is_commune(self) -> bool:
        return self.scope is not None and self.scope.level == Unit.Level.COMMUNE


# Steps of ``gather`` per section, for the progress bar (two more: the Excel and the PDF file).
STEPS = {"products": 1, "certificates": 1, "plan": 1, "budget": 0}


def step_count(report: Report) -> int:
    return sum(STEPS[s] for s in report.sections) + 2


def gather(report: Report, made_on: date, step: Step) -> Content:
    content = Content(report.scope, report.scope_name, report.period, report.sections, made_on)
    if "products" in report.sections:
        content.products = figures.products_on(report.scope, report.end)
        step()
    if "certificates" in report.sections:
        content.certificates = figures.certificates_within(report.scope, report.period)
        step()
    if "plan" in report.sections:
        content.plans = figures.plan_progress(report.scope, report.period)
        step()
    return content
