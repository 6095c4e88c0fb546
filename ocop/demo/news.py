"""The demo's news: the 2024 round schedule and dossier guidance of the Bắc Giang plan
(docs/sources/ke-hoach-ocop-bac-giang-2024.txt, §10) and the legal basis, published by the
offices through the news services as they would be."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.news import services
from ocop.news.models import Article
from ocop.units.models import Unit

SCHEDULE_2024 = """\
Căn cứ Kế hoạch thực hiện Chương trình Mỗi xã một sản phẩm (OCOP) tỉnh Bắc Giang năm 2024, \
các đợt đánh giá, phân hạng sản phẩm được tổ chức như sau:

| Cấp đánh giá | Đợt 1 | Đợt 2 |
|---|---|---|
| Cấp huyện | trước ngày 15/6/2024 | trước ngày 15/10/2024 |
| Cấp tỉnh | trước ngày 10/7/2024 | trước ngày 30/10/2024 |

Căn cứ số lượng sản phẩm đề nghị đánh giá, tính chất mùa vụ của sản phẩm và thực tế của địa \
phương, Hội đồng có thể bổ sung thêm đợt đánh giá vào thời điểm phù hợp.

Lễ công bố, trao chứng nhận và vinh danh sản phẩm: **xong trước ngày 15/12/2024**.
"""

SCHEDULE_2024_EN = """\
Under Bắc Giang province's 2024 OCOP plan, the evaluation rounds are:

| Level | Round 1 | Round 2 |
|---|---|---|
| District | before 15/6/2024 | before 15/10/2024 |
| Province | before 10/7/2024 | before 30/10/2024 |

The council may add rounds depending on the number of products and their seasons.

Announcement and certificate ceremony: **by 15/12/2024**.
"""

GUIDANCE = """\
Chủ thể nộp hồ sơ trên nền tảng, tại mục **Hồ sơ**:

1. Chọn sản phẩm và đợt đánh giá đang mở.
2. Điền phiếu đăng ký và **tự chấm điểm** theo bộ tiêu chí của nhóm sản phẩm (mục *Bộ tiêu chí*).
3. Tải lên các tài liệu minh chứng theo danh mục hiện trên trang hồ sơ (PDF, Word, Excel hoặc ảnh).
4. Bấm **Nộp hồ sơ**. Cán bộ xã kiểm tra trước; cơ quan thường trực tỉnh kiểm tra tính đầy đủ \
và có thể yêu cầu bổ sung.

Khi được yêu cầu bổ sung, chủ thể nhận thông báo trên nền tảng và sửa hồ sơ trước hạn ghi trong \
thông báo.
"""

LEGAL = """\
- **Quyết định số 148/QĐ-TTg ngày 24/02/2023** của Thủ tướng Chính phủ ban hành Bộ tiêu chí và \
quy trình đánh giá, phân hạng sản phẩm Chương trình Mỗi xã một sản phẩm.
- **Quyết định số 1489/QĐ-TTg ngày 06/07/2025** sửa đổi, bổ sung Quyết định 148/QĐ-TTg theo mô \
hình chính quyền địa phương hai cấp: đánh giá ở cấp tỉnh và cấp trung ương.
"""


def _aware(year: int, month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 8, 0))


def _publish_on(article: Article, when: datetime) -> None:
    # These articles were published years ago; the service publishes only from today on, so
    # the demo moves the date afterwards.
    Article.objects.filter(pk=article.pk).update(publish_at=when)


def build_demo_news() -> int:
    province = Unit.objects.filter(pk="P24").first()
    office = User.objects.filter(role=Role.PROVINCE_OFFICE, unit=province).first()
    central = User.objects.filter(role=Role.CENTRAL).first()
    if Article.objects.exists() or office is None or central is None:
        return 0
    schedule = services.create_article(
        actor=office, province=province, kind=Article.Kind.ANNOUNCEMENT,
        title="Lịch đánh giá, phân hạng sản phẩm OCOP năm 2024", body=SCHEDULE_2024,
        title_en="OCOP evaluation rounds in 2024", body_en=SCHEDULE_2024_EN)
    services.publish(actor=office, article=schedule)
    _publish_on(schedule, _aware(2024, 3, 1))
    guidance = services.create_article(
        actor=office, province=province, kind=Article.Kind.GUIDANCE,
        title="Hướng dẫn nộp hồ sơ đánh giá, phân hạng sản phẩm OCOP trên nền tảng",
        body=GUIDANCE)
    services.publish(actor=office, article=guidance)
    legal = services.create_article(
        actor=central, province=None, kind=Article.Kind.LEGAL,
        title="Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm OCOP", body=LEGAL)
    services.publish(actor=central, article=legal)
    _publish_on(legal, _aware(2025, 7, 7))
    return 3
