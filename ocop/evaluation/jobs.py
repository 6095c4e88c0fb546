"""Proposal ZIPs as background jobs (the jobs app runs them; ocop/jobs/kinds.py), and the
council list's Excel export (ocop/jobs/exports.py).

A proposal's ``allowed`` is the proposal page's own rule, asked at the request and at every
download. The council export holds the rows of the council list for the requester — the
councils of rounds they manage, or those they sit on — with the list's figures only: no score,
no member's sheet, no conflict declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.models import User
from ocop.evaluation.models import Council, CouncilResult
from ocop.evaluation.pdf import proposal_zip
from ocop.evaluation.selectors import council_list, may_download_proposal
from ocop.jobs import services as jobs
from ocop.jobs.exports import Column, ListExport, describe_with, list_page, register_export
from ocop.jobs.kinds import JobKind, Output, Progress, register
from ocop.jobs.models import Job
from ocop.rules.levels import LEVEL_CHOICES


def _allowed(user: User, params: dict[str, Any]) -> bool:
    return may_download_proposal(user, params["dossier"], params["result"]) is not None


def _run(job: Job, progress: Progress) -> Output:
    result = CouncilResult.objects.select_related("dossier").get(pk=job.params["result"])
    return Output(proposal_zip(result, progress=progress),
                  f"de-nghi-{result.dossier.reference}.zip", "application/zip")


def start_proposal_zip(*, actor: User, result: CouncilResult) -> Job:
    return jobs.enqueue(actor=actor, kind=Job.Kind.PROPOSAL_ZIP,
                        params={"dossier": result.dossier_id, "result": result.pk},
                        title=_("Hồ sơ đề nghị %(ref)s") % {"ref": result.dossier.reference})


def _back(job: Job) -> tuple[str, str]:
    return reverse("evaluation:result", args=[job.params["dossier"]]), _("Về kết quả đánh giá")


register(Job.Kind.PROPOSAL_ZIP, JobKind(_allowed, _run, back=_back))


def _councils(user: User, filters: Mapping[str, str]) -> QuerySet[Council]:
    return council_list(user, str(filters.get("q", "")).strip()[:100]).select_related(
        "round__programme_year")


COUNCILS = register_export(ListExport(
    name="evaluation.councils",
    title=gettext_lazy("Danh sách hội đồng đánh giá, phân hạng"),
    sheet="Hội đồng",
    filename="hoi-dong",
    page=list_page("evaluation:councils"),
    columns=(
        Column("Hội đồng", lambda c: c.name, width=40),
        Column("Quyết định thành lập", lambda c: c.decision_number, width=20),
        Column("Cấp", lambda c: c.level, width=16, choices=LEVEL_CHOICES),
        Column("Đợt đánh giá", lambda c: c.round.name, width=30),
        Column("Năm", lambda c: c.round.programme_year.year, width=8),
        Column("Số thành viên", lambda c: c.member_count, "int", 12),
        Column("Số hồ sơ", lambda c: c.dossier_count, "int", 10),
        Column("Ngày thành lập", lambda c: c.created_at, "date", 14),
    ),
    rows=_councils,
    describe=describe_with(("q", "Tìm kiếm", None)),
))
