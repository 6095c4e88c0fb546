"""The parts of an administrative document that Decree 30/2020/NĐ-CP fixes (Appendix I): the
issuing authority, the place and date line, the signing block. Shared by the certificate and
the council's minutes; the texts are official Vietnamese and are not translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ocop.certificates.models import Certificate, RecognitionDecision, SigningCapacity
from ocop.units.models import Unit
from ocop.units.names import full_address, official_name
from ocop.units.sources import REFORM_DATE

# The ministry was renamed when MARD and MONRE merged on 1 March 2025.
_MINISTRY_RENAMED = date(2025, 3, 1)


@dataclass(frozen=True)
class Authority:
    """An issuing authority as printed on one day."""

    header: tuple[str, ...]  # upper-case lines of the top-left block
    name: str  # in a sentence: "Ủy ban nhân dân tỉnh Bắc Giang"
    place: str  # địa danh of the date line: "Bắc Giang", "Lục Ngạn", "Hà Nội"
    collective: str  # "ỦY BAN NHÂN DÂN" (signed "TM."), empty for a ministry
    head: str  # whose behalf a deputy signs: "Chủ tịch", "Bộ trưởng"
    deputy: str  # the deputy's usual position: "Phó Chủ tịch", "Thứ trưởng"


def authority(unit: Unit | None, on: date) -> Authority:
    """The People's Committee of ``unit`` (a province or a pre-2025 district), or the ministry
    when ``unit`` is empty (5★ decisions), named as on ``on``."""
    if unit is None:
        name = ("Bộ Nông nghiệp và Phát triển nông thôn" if on < _MINISTRY_RENAMED
                else "Bộ Nông nghiệp và Môi trường")
        return Authority(header=(name.upper(),), name=name, place="Hà Nội", collective="",
                         head="Bộ trưởng", deputy="Thứ trưởng")
    unit_name = official_name(unit, on=on)
    return Authority(
        header=("ỦY BAN NHÂN DÂN", unit_name.upper()),
        name=f"Ủy ban nhân dân {official_name(unit, on=on, lowercase_type=True)}",
        place=unit.name, collective="ỦY BAN NHÂN DÂN", head="Chủ tịch", deputy="Phó Chủ tịch",
    )


def date_line(place: str, day: date) -> str:
    """"Bắc Giang, ngày 05 tháng 02 năm 2024": a day below 10 and the months 1 and 2 take a
    leading zero, other months none ("tháng 3"), as Decree 30 writes them."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# "Phó Chủ tịch Ủy ban nhân dân tỉnh" → "Phó Chủ tịch": the TM. line already names the body.
_BODY_SUFFIX = re.compile(r"\s+(ủy|uỷ) ban nhân dân.*$|\s+ubnd.*$", re.IGNORECASE)


def signing_block(decision: RecognitionDecision, issuer: Authority) -> list[str]:
    """The capacity and position lines above the signature, upper case:
    ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] or [..., "CHỦ TỊCH"]."""
    lines = [f"TM. {issuer.collective}"] if issuer.collective else []
    position = _BODY_SUFFIX.sub("", decision.signer_title.strip())
    if decision.signing_capacity == SigningCapacity.DEPUTY:
        lines += [f"KT. {issuer.head.upper()}", (position or issuer.deputy).upper()]
    else:
        lines.append((position or issuer.head).upper())
    return lines


def producer_address(certificate: Certificate, today: date) -> str:
    """The producer's address on a certificate and its verification page, types in lower case.

    A certificate issued before the July 2025 reform gives the address as registered and where
    that is today ("xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn, …)"); one
    issued since gives only today's units, since the old ones no longer existed when it was
    signed, even for a producer still registered under them."""
    return full_address(certificate.producer.commune, on=today,
                        legacy=certificate.issued_on < REFORM_DATE)
