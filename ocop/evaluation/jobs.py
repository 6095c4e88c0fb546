"""Proposal ZIPs as background jobs (the jobs app runs them; ocop/jobs/kinds.py).

``allowed`` is the proposal page's own rule, asked at the request and at every download.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.evaluation.models import CouncilResult
from ocop.evaluation.pdf import proposal_zip
from ocop.evaluation.selectors import may_download_proposal
from ocop.jobs import services as jobs
from ocop.jobs.kinds import JobKind, Output, Progress, register
from ocop.jobs.models import Job


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


register(Job.Kind.PROPOSAL_ZIP, JobKind(_allowed, _run))
