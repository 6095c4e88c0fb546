"""Demo OCOP cycles for the dossier side (called by ``manage.py demo_cycle`` after demo_data).

- Bắc Giang 2024 (legacy province LP24), Kế hoạch 14/KH-UBND of 06/02/2024: district rounds
  evaluated before 15/06 and 15/10/2024, province rounds before 10/07 and 30/10/2024,
  recognition ceremonies before 15/12/2024 (the seed plan, section II.10). Dossiers are
  accepted into the district rounds (the evaluation demo scores them), one is withdrawn and one
  went through a correction round.
- Merged Bắc Ninh (P24) 2025 and 2026 under Decision 1489: commune pre-check, province rounds;
  2025 round 1 and 2026 round 1 are closed with accepted dossiers, 2026 round 2 is open with
  drafts, submitted, commune-checked, corrections-requested and resubmitted dossiers.

Deterministic: products are taken in a fixed order and answers come from a seeded generator,
so the same demo_data gives the same dossiers. The services are called with the simulated
"today"; stored timestamps are then set to the simulated dates (the audit log keeps the real
time of loading: it is an append-only chain).
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from ocop.accounts.models import Role, User
from ocop.core.text import fold
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.models import CriteriaSetVersion
from ocop.criteria.services import load_shipped_sets
from ocop.dossiers import checklist, services
from ocop.dossiers.models import (
    CorrectionRequest,
    Dossier,
    DossierVersion,
    ProgrammeYear,
    Round,
)
from ocop.notifications.models import Notification
from ocop.registry.models import Product
from ocop.units.models import Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OK = {"ok": True, "comment": ""}


class DemoError(ValueError):
    pass


@dataclass
class DemoCycleResult:
    programme_years: int = 0
    rounds: int = 0
    dossiers: dict[str, int] = field(default_factory=dict)

    def count(self, state: str) -> None:
        self.dossiers[state] = self.dossiers.get(state, 0) + 1


def at(day: date, hour: int = 9) -> datetime:
    """A simulated moment of the demo (its stored dates), in the province's time."""
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def _document(item_code: str) -> SimpleUploadedFile:
    """The sample a demo producer attaches for a checklist item: a real one-page PDF that says
    which document it stands in for and that it is a demo sample, under a file name such as a
    producer gives ("phieu-ket-qua-kiem-nghiem-san-pham.pdf"), so that an officer trying the
    demo opens a readable page rather than a broken file."""
    label = checklist.item(item_code).label_vi
    title = re.split(r"[(/;]", label)[0]
    name = "-".join(re.sub(r"[^a-z0-9]+", " ", fold(title)).split()) + ".pdf"
    return SimpleUploadedFile(name, _sample_pdf(label), "application/pdf")


@functools.cache
def _sample_pdf(label: str) -> bytes:
    # One render per checklist item (about twenty), not per dossier: the page names no product.
    # WeasyPrint directly: the shared helper lives in ocop.certificates, above this app.
    from weasyprint import HTML  # lazily: loading Pango costs ~0.3 s at start-up

    return HTML(string=render_to_string("dossiers/demo_document.html", {"label": label})
                ).write_pdf()


class CycleBuilder:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.result = DemoCycleResult()
        self.users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
        self.demo_producers = {u.producer_id for u in self.users.values() if u.producer_id}

    # --- rounds -----------------------------------------------------------------------------

    def round(self, year: ProgrammeYear, level: str, number: int, name: str, unit: Unit | None,
              dates: tuple[date, date, date, date]) -> Round:
        opens, deadline, evaluation, recognition = dates
        r = services.save_round(actor=None, programme_year=year, data={
            "level": level, "number": number, "name": name, "opens_on": opens,
            "submission_deadline": deadline, "evaluation_deadline": evaluation,
            "recognition_deadline": recognition, "status": Round.Status.OPEN,
            "issuing_unit": unit,
        })
        self.result.rounds += 1
        return r

    @staticmethod
    def close(*rounds: Round) -> None:
        Round.objects.filter(pk__in=[r.pk for r in rounds]).update(status=Round.Status.CLOSED)

    # --- dossiers ---------------------------------------------------------------------------

    def _producer_actor(self, product: Product) -> User | None:
        return next((u for u in self.users.values()
                     if u.role == Role.PRODUCER and u.producer_id == product.producer_id), None)

    def _commune_actor(self, product: Product) -> User | None:
        commune = product.producer.commune.current_commune_id
        return next((u for u in self.users.values()
                     if u.role == Role.COMMUNE_OFFICER and u.unit_id == commune), None)

    def _office(self) -> User | None:
        return self.users.get("demo-tinh")

    def _criteria_set(self, product: Product, day: date) -> CriteriaSetVersion:
        # Every product set has a shipped sheet (illustrative where the annex was not found), so
        # every demo dossier is scored on a sheet of its own product set.
        try:
            return services.default_criteria_set(product, day)
        except services.StateError as exc:
            raise DemoError(f"{product}: {exc}") from None

    def _answers(self, dossier: Dossier) -> dict[str, str]:
        # Demo data only: a seeded generator for repeatable answers, not for secrets.
        key = f"{self.seed}-{dossier.producer.tax_code}-{dossier.product.name}"
        rng = random.Random(key)  # noqa: S311
        engine_set = criteria_selectors.engine_set(dossier.criteria_set)
        answers = {}
        for c in engine_set.criteria:
            options = sorted(c.options, key=lambda o: o.points)
            # Aim at the target: better options for 4-5 stars, the upper half for 3 stars.
            start = len(options) // 2 if dossier.target_stars == 3 else max(len(options) - 2, 0)
            answers[c.code] = rng.choice(options[start:] or options).code
        return answers

    def prepare(self, product: Product, round_: Round, day: date, stars: int,
                full: bool = True) -> Dossier:
        actor = self._producer_actor(product)
        # Many demo products hold a certificate from paper records: theirs is a re-recognition
        # or an upgrade, as the office would file it.
        dossier = services.open_dossier(
            actor=actor, product=product, target_stars=stars,
            kind=services.kind_for(product, stars, day),
            criteria_set=self._criteria_set(product, day), requested_round=round_, today=day,
        )
        answers = self._answers(dossier)
        if not full:  # a draft in progress: part of the self-assessment done
            answers = dict(list(answers.items())[: len(answers) // 2])
        services.autosave(actor=actor, dossier=dossier, self_assessment=answers, form={
            "annual_output": f"{random.Random(product.name).randint(5, 80)} tấn",  # noqa: S311
            "main_market": "Trong tỉnh và Hà Nội",
            "raw_material_source": "Vùng nguyên liệu của hợp tác xã và các hộ thành viên",
            "idea_origin": "Sản phẩm truyền thống của địa phương",
            "contact_phone": product.producer.phone or "0204 3854 000",
        })
        items = checklist.items_for(product, stars)
        wanted = [it for it in items if it.is_mandatory(stars)] if full else items[:2]
        for it in wanted:
            services.attach_document(actor=actor, dossier=dossier, checklist_item=it.code,
                                     file=_document(it.code))
        Dossier.objects.filter(pk=dossier.pk).update(created_at=at(day, 8))
        dossier.refresh_from_db()
        return dossier

    def submit(self, dossier: Dossier, day: date) -> None:
        services.submit(actor=self._producer_actor(dossier.product), dossier=dossier, today=day)
        Dossier.objects.filter(pk=dossier.pk).update(submitted_at=at(day),
                                                     state_changed_at=at(day))
        DossierVersion.objects.filter(dossier=dossier).update(created_at=at(day))
        dossier.refresh_from_db()

    def precheck(self, dossier: Dossier, day: date) -> None:
        services.commune_precheck(actor=self._commune_actor(dossier.product), dossier=dossier,
                                  results={"local_raw_materials": OK, "local_labour": OK,
                                           "idea_origin": OK})
        Dossier.objects.filter(pk=dossier.pk).update(commune_checked_at=at(day, 14),
                                                     state_changed_at=at(day, 14))
        dossier.refresh_from_db()

    def corrections(self, dossier: Dossier, day: date) -> None:
        services.request_corrections(actor=self._office(), dossier=dossier, items=[
            {"code": "business_plan",
             "comment": "Bổ sung số liệu sản lượng, doanh thu hai năm gần nhất."},
            {"code": "test_report", "comment": "Bổ sung phiếu kết quả kiểm nghiệm còn hiệu lực."},
        ])
        CorrectionRequest.objects.filter(dossier=dossier).update(created_at=at(day, 10))
        Dossier.objects.filter(pk=dossier.pk).update(state_changed_at=at(day, 10))
        dossier.refresh_from_db()

    def resubmit(self, dossier: Dossier, day: date) -> None:
        actor = self._producer_actor(dossier.product)
        services.attach_document(actor=actor, dossier=dossier, checklist_item="test_report",
                                 file=_document("test_report"))
        services.resubmit(actor=actor, dossier=dossier, today=day, answer={
            "items": {"business_plan": "Đã bổ sung số liệu 2022–2023.",
                      "test_report": "Đã bổ sung phiếu kiểm nghiệm."}})
        last = dossier.versions.order_by("-number").first()
        DossierVersion.objects.filter(pk=last.pk).update(created_at=at(day))
        CorrectionRequest.objects.filter(dossier=dossier).update(answered_at=at(day))
        Dossier.objects.filter(pk=dossier.pk).update(state_changed_at=at(day))
        dossier.refresh_from_db()

    def accept(self, dossier: Dossier, day: date, round_: Round | None = None) -> None:
        services.accept(actor=self._office(), dossier=dossier, round=round_)
        Dossier.objects.filter(pk=dossier.pk).update(accepted_at=at(day, 15),
                                                     state_changed_at=at(day, 15))
        dossier.refresh_from_db()

    def withdraw(self, dossier: Dossier, day: date, reason: str) -> None:
        services.withdraw(actor=self._producer_actor(dossier.product), dossier=dossier,
                          reason=reason)
        Dossier.objects.filter(pk=dossier.pk).update(state_changed_at=at(day))
        dossier.refresh_from_db()


def _products(q: Q) -> list[Product]:
    """Active products without a dossier yet, in a fixed order."""
    return list(
        Product.objects.filter(q, status=Product.Status.ACTIVE, dossiers__isnull=True)
        .select_related("producer__commune__parent", "product_set")
        .order_by("producer__tax_code", "name", "id")
    )


def _flagship_first(products: list[Product], names: tuple[str, ...],
                    producers: set[int]) -> list[Product]:
    """The demo accounts' products named in ``names`` first (other producers may use the same
    product names), then the rest in their fixed order."""
    chosen = []
    for name in names:
        match = next((p for p in products if p.name == name and p.producer_id in producers),
                     None)
        if match is not None:
            chosen.append(match)
    return chosen + [p for p in products if p not in chosen]


def _bac_giang_2024(b: CycleBuilder) -> list[Dossier]:
    province = Unit.objects.filter(pk="LP24").first()
    if province is None:
        raise DemoError("The legacy province LP24 (Bắc Giang) is not loaded.")
    year = services.create_programme_year(
        actor=None, province=province, year=2024, plan_reference="Kế hoạch 14/KH-UBND",
        plan_date=date(2024, 2, 6),
    )
    b.result.programme_years += 1
    products = _flagship_first(
        _products(Q(producer__commune__era="legacy", producer__commune__parent__parent=province)),
        ("Vải thiều Lục Ngạn", "Mỳ Chũ Nam Dương"), b.demo_producers,
    )
    # Take up to two products from each of the first districts, flagships first.
    per_district: dict[str, list[Product]] = {}
    for p in products:
        per_district.setdefault(p.producer.commune.parent_id, []).append(p)
    first = products[0].producer.commune.parent_id if products else None
    districts = sorted(per_district, key=lambda k: (k != first, k))[:6]
    chosen = [p for d in districts for p in per_district[d][:2]]
    prov1 = b.round(year, "province", 1, "Đợt 1 cấp tỉnh năm 2024 (Bắc Giang)", province,
                    (date(2024, 6, 1), date(2024, 6, 20), date(2024, 7, 10), date(2024, 12, 15)))
    prov2 = b.round(year, "province", 2, "Đợt 2 cấp tỉnh năm 2024 (Bắc Giang)", province,
                    (date(2024, 10, 1), date(2024, 10, 18), date(2024, 10, 30),
                     date(2024, 12, 15)))
    rounds1, rounds2 = {}, {}
    for key in districts:
        district = Unit.objects.get(pk=key)
        rounds1[key] = b.round(year, "district", 1, f"Đợt 1 cấp huyện năm 2024 — {district.name}",
                               district, (date(2024, 3, 1), date(2024, 5, 15),
                                          date(2024, 6, 15), date(2024, 12, 15)))
        rounds2[key] = b.round(year, "district", 2, f"Đợt 2 cấp huyện năm 2024 — {district.name}",
                               district, (date(2024, 7, 1), date(2024, 9, 15),
                                          date(2024, 10, 15), date(2024, 12, 15)))
    dossiers = []
    for i, product in enumerate(chosen):
        key = product.producer.commune.parent_id
        second = i % 3 == 2
        round_ = rounds2[key] if second else rounds1[key]
        start = date(2024, 7, 15) if second else date(2024, 3, 20)
        stars = 4 if i in (0, 3) else 3
        d = b.prepare(product, round_, start, stars)
        b.submit(d, start + timedelta(days=10))
        if i == 5:
            b.withdraw(d, start + timedelta(days=15),
                       "Chủ thể chưa đủ sản lượng để giao mẫu.")
        else:
            if i in (1, 4):
                b.corrections(d, start + timedelta(days=15))
                b.resubmit(d, start + timedelta(days=20))
            b.accept(d, round_.submission_deadline)
        b.result.count(d.state)
        dossiers.append(d)
    b.close(prov1, prov2, *rounds1.values(), *rounds2.values())
    return dossiers


def _bac_ninh_2025_2026(b: CycleBuilder) -> list[Dossier]:
    province = Unit.objects.filter(pk="P24").first()
    if province is None:
        raise DemoError("The current province P24 (Bắc Ninh) is not loaded.")
    y25 = services.create_programme_year(
        actor=None, province=province, year=2025,
        plan_reference="Kế hoạch OCOP năm 2025 của tỉnh Bắc Ninh (sau hợp nhất) — dữ liệu mẫu")
    y26 = services.create_programme_year(
        actor=None, province=province, year=2026,
        plan_reference="Kế hoạch OCOP năm 2026 của tỉnh Bắc Ninh — dữ liệu mẫu")
    b.result.programme_years += 2
    r25 = b.round(y25, "province", 1, "Đợt 1 cấp tỉnh năm 2025", province,
                  (date(2025, 8, 1), date(2025, 10, 31), date(2025, 11, 28), date(2025, 12, 31)))
    r26a = b.round(y26, "province", 1, "Đợt 1 cấp tỉnh năm 2026", province,
                   (date(2026, 3, 1), date(2026, 5, 31), date(2026, 7, 15), date(2026, 8, 31)))
    r26b = b.round(y26, "province", 2, "Đợt 2 cấp tỉnh năm 2026", province,
                   (date(2026, 9, 1), date(2026, 12, 31), date(2027, 1, 31), date(2027, 3, 31)))
    products = _flagship_first(
        _products(Q(producer__commune__current_province=province)),
        ("Vải thiều sấy khô Phì Điền", "Mật ong hoa vải Phì Điền", "Mỳ Chũ gạo lứt Nam Dương",
         "Rượu vải Phì Điền"), b.demo_producers,
    )
    flag = products[:4]
    eligible = [p for p in products[4:] if p.producer_id not in b.demo_producers
                and not (p.producer.commune.era == "legacy"
                         and p.producer.commune.parent
                         and p.producer.commune.parent.parent_id == "LP24")]
    # This year's open round has first evaluations too: products registered since the reform
    # that never held a certificate (most demo products hold one from the paper records).
    newcomers = [p for p in eligible
                 if services.kind_for(p, 3, r26b.opens_on) == Dossier.Kind.NEW][:3]
    rest = [p for p in eligible if p not in newcomers]
    others = rest[:8] + newcomers + rest[8:9]  # 8–10: submitted twice, and a draft
    if len(flag) < 4 or len(newcomers) < 3 or len(others) < 12:
        raise DemoError("Not enough Bắc Ninh products without a dossier for the 2025–2026 demo.")
    dossiers = []

    def accepted(product: Product, round_: Round, day: date, stars: int = 3) -> Dossier:
        d = b.prepare(product, round_, day, stars)
        b.submit(d, day + timedelta(days=5))
        b.precheck(d, day + timedelta(days=9))
        b.accept(d, round_.submission_deadline)
        return d

    # 2025 round 1 and 2026 round 1: accepted (the evaluation demo scores them).
    for i, p in enumerate(others[:4]):
        dossiers.append(accepted(p, r25, date(2025, 8, 10 + i), 4 if i == 0 else 3))
    for i, p in enumerate(others[4:7]):
        dossiers.append(accepted(p, r26a, date(2026, 3, 10 + i)))
    # 2026 round 2, open: every step of the intake is represented.
    dried, honey, noodle, wine = flag
    d = b.prepare(honey, r26b, date(2026, 11, 2), 3, full=False)  # draft, half done
    dossiers.append(d)
    d = b.prepare(dried, r26b, date(2026, 10, 5), 4)  # waits for the commune (demo-xa)
    b.submit(d, date(2026, 10, 20))
    dossiers.append(d)
    d = b.prepare(noodle, r26b, date(2026, 9, 15), 3)  # waits for the province (demo-tinh)
    b.submit(d, date(2026, 9, 25))
    b.precheck(d, date(2026, 10, 1))
    dossiers.append(d)
    d = b.prepare(wine, r26b, date(2026, 9, 10), 3)  # waits for the producer
    b.submit(d, date(2026, 9, 20))
    b.precheck(d, date(2026, 9, 24))
    b.corrections(d, date(2026, 10, 2))
    dossiers.append(d)
    d = b.prepare(others[7], r26b, date(2026, 9, 5), 3)  # answered corrections
    b.submit(d, date(2026, 9, 12))
    b.precheck(d, date(2026, 9, 16))
    b.corrections(d, date(2026, 9, 22))
    b.resubmit(d, date(2026, 10, 6))
    dossiers.append(d)
    for i, p in enumerate(others[8:10]):  # submitted, waiting for their commune
        d = b.prepare(p, r26b, date(2026, 10, 1 + i), 3)
        b.submit(d, date(2026, 10, 12 + i))
        dossiers.append(d)
    d = b.prepare(others[10], r26b, date(2026, 10, 20), 3, full=False)
    dossiers.append(d)
    d = b.prepare(others[11], r26a, date(2026, 3, 5), 3)
    b.submit(d, date(2026, 3, 15))
    b.withdraw(d, date(2026, 4, 2), "Chủ thể đề nghị rút để hoàn thiện bao bì.")
    dossiers.append(d)
    for d in dossiers:
        b.result.count(Dossier.objects.get(pk=d.pk).state)
    b.close(r25, r26a)
    return dossiers


@transaction.atomic
def build_cycle(*, seed: int = 2024) -> DemoCycleResult:
    """Build both demo cycles on top of demo_data; refuses to run twice."""
    if ProgrammeYear.objects.filter(province_id__in=["LP24", "P24"]).exists():
        raise DemoError("The demo cycle is already loaded (programme years exist).")
    load_shipped_sets()
    builder = CycleBuilder(seed)
    old = _bac_giang_2024(builder)
    new = _bac_ninh_2025_2026(builder)
    # Notices about past years are history, not work to do: mark them read.
    past = [str(d.pk) for d in old] + [str(d.pk) for d in new
                                       if d.requested_round and d.requested_round.status
                                       == Round.Status.CLOSED]
    Notification.objects.filter(target_type="dossiers.dossier", target_id__in=past,
                                read_at__isnull=True).update(read_at=at(date(2026, 1, 1)))
    return builder.result
