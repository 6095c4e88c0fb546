"""The council's minutes (biên bản) as PDF, and the ZIP sent to the upper level."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from ocop.certificates.documents import authority, date_line
from ocop.certificates.pdf import html_to_pdf
from ocop.criteria import selectors as criteria_selectors
from ocop.evaluation.models import CouncilMember, CouncilResult, MemberRole
from ocop.rules.councils import SCORE_SPREAD_LIMIT
from ocop.rules.levels import LEVEL_LABELS


def minutes_context(result: CouncilResult) -> dict:
    dossier = result.dossier
    data = result.data
    members = {str(m.pk): m for m in CouncilMember.objects.filter(
        council_id=result.council_id).select_related("user")} if result.council_id else {}
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    labels = {c.code: c.label_vi for c in engine_set.criteria}
    rows = [
        {"name": str(members.get(m["member_id"], m["member_id"])),
         "role": members[m["member_id"]].get_role_display() if m["member_id"] in members else "",
         "total": Decimal(m["total"]), "parts": m["parts"], "chair": m["is_chair"]}
        for m in data.get("members", [])
    ]
    excluded = [
        {"name": str(members.get(e["member_id"], e["member_id"])), "reason": e["reason"]}
        for e in data.get("excluded", [])
    ]
    criteria = [{**c, "label": labels.get(c["code"], c.get("label_vi", ""))}
                for c in data.get("criteria", [])]
    return {
        **_document_parts(result),
        "r": result, "d": dossier, "council": result.council, "data": data, "rows": rows,
        "excluded": excluded, "criteria": criteria, "parts": list(data.get("part_means", {})),
        "level": LEVEL_LABELS.get(result.level, result.level),
        "spread_limit": SCORE_SPREAD_LIMIT,  # for a result recorded without a council
        "printed": timezone.localtime(),
    }


def _document_parts(result: CouncilResult) -> dict:
    """Decree 30/2020/NĐ-CP parts of the minutes: the People's Committee that set the council
    up (governing body, named as on the day), the number, place and date, the two signers and
    the recipients."""
    council, dossier = result.council, result.dossier
    round_ = council.round if council is not None else dossier.round
    day = timezone.localdate(result.finalised_at or result.created_at)
    governing = authority(round_.issuing_unit if round_ is not None else None, day)
    signers: dict[str, str] = {}
    if council is not None:
        for member in (CouncilMember.objects.filter(
                council=council, role__in=(MemberRole.CHAIR, MemberRole.SECRETARY))
                .select_related("user").order_by("id")):
            signers.setdefault(member.role, member.user.get_full_name() or member.user.username)
    return {
        # Decree 30 lets the governing body's name shorten "Ủy ban nhân dân" to "UBND".
        "parent_line": " ".join(governing.header).replace("ỦY BAN NHÂN DÂN", "UBND", 1),
        "issuer_lines": ("HỘI ĐỒNG ĐÁNH GIÁ,", "PHÂN HẠNG SẢN PHẨM OCOP"),
        "number": f"{dossier.reference}/BB-HĐ",
        "top_date_line": date_line(governing.place, day),
        "chair_name": signers.get(MemberRole.CHAIR, ""),
        "secretary_name": signers.get(MemberRole.SECRETARY, ""),
        "recipients": [
            f"{governing.name} (để quyết định công nhận)",
            "Cơ quan thường trực Chương trình OCOP",
            "Thành viên Hội đồng",
            f"Lưu: hồ sơ {dossier.reference}",
        ],
    }


def minutes_pdf(result: CouncilResult) -> bytes:
    # The minutes are an official Vietnamese record: the level and role labels (translatable on
    # screen) are rendered in Vietnamese whatever the interface language of the user who locks
    # the result.
    with translation.override("vi"):
        html = render_to_string("evaluation/pdf/minutes.html", minutes_context(result))
    return html_to_pdf(html)


def proposal_zip(result: CouncilResult,
                 progress: Callable[[int, int], None] | None = None) -> bytes:
    """Summary PDF (the minutes) plus the dossier's documents, for the upper level.

    ``progress(done, total)`` is called after each file (the background job's progress bar)."""
    dossier = result.dossier
    documents = list(dossier.documents.select_related("evidence"))
    total = len(documents) + 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{dossier.reference}/bien-ban-{dossier.reference}.pdf",
                         result.minutes.read() if result.minutes else minutes_pdf(result))
        if progress is not None:
            progress(1, total)
        for done, document in enumerate(documents, start=2):
            stored = document.file if document.file else (
                document.evidence.file if document.evidence_id else None)
            if stored:
                name = document.original_name or stored.name.rsplit("/", 1)[-1]
                with stored.open("rb") as fh:
                    archive.writestr(f"{dossier.reference}/tai-lieu/{document.pk}-{name}",
                                     fh.read())
            if progress is not None:
                progress(done, total)
    return buffer.getvalue()
