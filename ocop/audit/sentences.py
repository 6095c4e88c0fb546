"""Audit entries told as sentences for people: one table from action code to sentence.

The audit log stores machine codes (``dossier.submit``) and raw values (``draft``, ids, file
hashes) because they are hashed and must not change with the language. Pages never show them:
``sentence_for`` turns an action into a translated sentence whose subject is the actor's role,
and ``ocop.audit.selectors`` shows field values through their choice labels. An action missing
from the table still gets a sentence (``FALLBACK``) naming the kind of object, never the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ocop.accounts.models import User


# Every sentence takes %(actor)s: the actor's role ("Chủ thể OCOP", "Cán bộ xã", "Hệ thống").
SENTENCES: dict[str, Promise] = {
    # Dossiers
    "dossier.open": _("%(actor)s đã lập hồ sơ."),
    "dossier.autosave": _("%(actor)s đã sửa nội dung hồ sơ."),
    "dossier.document_attach": _("%(actor)s đã đính kèm giấy tờ."),
    "dossier.document_remove": _("%(actor)s đã gỡ giấy tờ khỏi hồ sơ."),
    "dossier.submit": _("%(actor)s đã nộp hồ sơ."),
    "dossier.commune_check": _("%(actor)s đã kiểm tra hồ sơ: đạt."),
    "dossier.request_corrections": _("%(actor)s đã yêu cầu bổ sung hồ sơ."),
    "dossier.resubmit": _("%(actor)s đã nộp bổ sung hồ sơ."),
    "dossier.accept": _("%(actor)s đã tiếp nhận hồ sơ vào đợt đánh giá."),
    "dossier.withdraw": _("%(actor)s đã rút hồ sơ."),
    "dossier.under_evaluation": _("%(actor)s đã chuyển hồ sơ sang hội đồng đánh giá."),
    "dossier.scored": _("%(actor)s đã ghi nhận hồ sơ đã chấm điểm xong."),
    "dossier.recognised": _("%(actor)s đã ghi nhận sản phẩm được công nhận."),
    "dossier.not_recognised": _("%(actor)s đã ghi nhận sản phẩm không được công nhận."),
    "dossier.proposed_up": _("%(actor)s đã đề nghị cấp trên đánh giá sản phẩm."),
    "programme_year.create": _("%(actor)s đã tạo năm chương trình."),
    "round.create": _("%(actor)s đã tạo đợt đánh giá."),
    "round.update": _("%(actor)s đã sửa đợt đánh giá."),
    # Registry
    "registry.producer.create": _("%(actor)s đã thêm chủ thể."),
    "registry.producer.update": _("%(actor)s đã sửa thông tin chủ thể."),
    "registry.producer.delete": _("%(actor)s đã xoá chủ thể."),
    "registry.product.create": _("%(actor)s đã thêm sản phẩm."),
    "registry.product.update": _("%(actor)s đã sửa thông tin sản phẩm."),
    "registry.product.delete": _("%(actor)s đã xoá sản phẩm."),
    "registry.product.stars": _("%(actor)s đã ghi nhận hạng sao của sản phẩm."),
    "registry.document.create": _("%(actor)s đã thêm giấy tờ."),
    "registry.document.update": _("%(actor)s đã sửa giấy tờ."),
    "registry.document.delete": _("%(actor)s đã xoá giấy tờ."),
    # Background jobs (ocop/jobs/services.enqueue): the action is "jobs.<kind>.request", one per
    # Job.Kind (test_every_action_told checks each kind has its sentence).
    "jobs.stamp_sheet.request": _("%(actor)s đã yêu cầu in tờ tem."),
    "jobs.proposal_zip.request": _("%(actor)s đã yêu cầu tải hồ sơ đề nghị (ZIP)."),
    "jobs.list_export.request": _("%(actor)s đã yêu cầu xuất danh sách ra Excel."),
    "jobs.registry_import.request": _("%(actor)s đã yêu cầu nhập dữ liệu từ Excel."),
    "jobs.report.request": _("%(actor)s đã yêu cầu lập báo cáo định kỳ."),
    "jobs.exchange_import.request": _("%(actor)s đã yêu cầu nhập dữ liệu trao đổi."),
    # List exports (ocop/jobs/exports.py): the action is "<list>.export".
    "registry.producers.export": _("%(actor)s đã xuất danh sách chủ thể."),
    "registry.products.export": _("%(actor)s đã xuất danh sách sản phẩm."),
    "dossiers.dossiers.export": _("%(actor)s đã xuất danh sách hồ sơ ra Excel."),
    "certificates.certificates.export": _(
        "%(actor)s đã xuất danh sách giấy chứng nhận ra Excel."),
    "certificates.decisions.export": _(
        "%(actor)s đã xuất danh sách quyết định công nhận ra Excel."),
    "evaluation.councils.export": _("%(actor)s đã xuất danh sách hội đồng ra Excel."),
    "inspections.plans.export": _("%(actor)s đã xuất danh sách kế hoạch kiểm tra ra Excel."),
    "inspections.visits.export": _("%(actor)s đã xuất danh sách lần kiểm tra ra Excel."),
    "inspections.complaints.export": _("%(actor)s đã xuất danh sách phản ánh ra Excel."),
    "training.courses.export": _("%(actor)s đã xuất danh sách lớp đào tạo ra Excel."),
    "training.registrations.export": _("%(actor)s đã xuất danh sách đăng ký đào tạo ra Excel."),
    "training.supports.export": _("%(actor)s đã xuất danh sách hỗ trợ chủ thể ra Excel."),
    "registry.classification.load": _("%(actor)s đã nạp danh mục phân loại sản phẩm."),
    # Criteria
    "criteria.import": _("%(actor)s đã nạp bộ tiêu chí."),
    "criteria.replace": _("%(actor)s đã thay bộ tiêu chí."),
    "criteria.lock": _("%(actor)s đã khoá bộ tiêu chí."),
    # Evaluation
    "evaluation.council.create": _("%(actor)s đã lập hội đồng."),
    "evaluation.member.add": _("%(actor)s đã thêm thành viên hội đồng."),
    "evaluation.assign": _("%(actor)s đã giao hồ sơ cho hội đồng."),
    "evaluation.conflict.declare": _("%(actor)s đã khai báo xung đột lợi ích."),
    "evaluation.sheet.submit": _("%(actor)s đã nộp phiếu chấm điểm."),
    "evaluation.scoring.close": _("%(actor)s đã kết thúc chấm điểm."),
    "evaluation.rescore": _("%(actor)s đã yêu cầu chấm lại."),
    "evaluation.result.finalise": _("%(actor)s đã chốt kết quả đánh giá."),
    "evaluation.result.record_upper": _("%(actor)s đã ghi nhận kết quả của cấp trên."),
    # Certificates
    "certificates.decision.create": _("%(actor)s đã ban hành quyết định công nhận."),
    "certificates.issue": _("%(actor)s đã cấp giấy chứng nhận."),
    "certificates.revoke": _("%(actor)s đã thu hồi giấy chứng nhận."),
    "certificates.remind": _("%(actor)s đã gửi nhắc hạn giấy chứng nhận."),
    "certificates.expire": _("%(actor)s đã ghi nhận giấy chứng nhận hết hiệu lực."),
    # Verifiable credentials (issuer keys; a credential itself is a copy of the audited issue)
    "credentials.key.create": _("%(actor)s đã tạo khoá ký chứng nhận số."),
    "credentials.key.rotate": _("%(actor)s đã thay khoá ký chứng nhận số."),
    "credentials.key.compromised": _("%(actor)s đã báo lộ khoá ký chứng nhận số."),
    # Traceability
    "trace.zone_create": _("%(actor)s đã thêm vùng trồng."),
    "trace.zone_status": _("%(actor)s đã đổi trạng thái vùng trồng."),
    "trace.harvest": _("%(actor)s đã ghi nhận thu hoạch."),
    "trace.transform": _("%(actor)s đã ghi nhận chế biến."),
    "trace.pack": _("%(actor)s đã ghi nhận đóng gói, dán tem."),
    "trace.ship": _("%(actor)s đã ghi nhận xuất hàng."),
    "trace.receive": _("%(actor)s đã ghi nhận nhận hàng."),
    "trace.stamps_issue": _("%(actor)s đã phát hành tem."),
    "trace.stamps_void": _("%(actor)s đã huỷ tem."),
    "epcis.capture_queued": _("%(actor)s đã gửi sự kiện truy xuất để xử lý."),
    "epcis.capture": _("%(actor)s đã ghi nhận sự kiện truy xuất."),
    "epcis.capture_failed": _("%(actor)s đã gửi sự kiện truy xuất nhưng bị từ chối."),
    # Inspections after certification
    "inspections.plan.create": _("%(actor)s đã lập kế hoạch kiểm tra."),
    "inspections.visit.record": _("%(actor)s đã ghi nhận lần kiểm tra."),
    "inspections.visit.conclude": _("%(actor)s đã ghi kết luận kiểm tra."),
    "inspections.visit.photo": _("%(actor)s đã thêm ảnh kiểm tra."),
    "inspections.visit.sample": _("%(actor)s đã ghi mẫu kiểm nghiệm."),
    "inspections.revocation.propose": _("%(actor)s đã đề nghị thu hồi giấy chứng nhận."),
    "inspections.revocation.complete": _("%(actor)s đã thu hồi giấy chứng nhận theo đề nghị."),
    "inspections.revocation.decline": _("%(actor)s đã quyết định không thu hồi giấy chứng nhận."),
    "inspections.complaint.submit": _("%(actor)s đã nhận phản ánh của người tiêu dùng."),
    "inspections.complaint.close": _("%(actor)s đã đóng phản ánh."),
    # Accounts and data loads
    "token.create": _("%(actor)s đã tạo khoá API."),
    "token.revoke": _("%(actor)s đã thu hồi khoá API."),
    "otp.enable": _("%(actor)s đã bật xác thực hai bước."),
    "units.load": _("%(actor)s đã nạp danh mục đơn vị hành chính."),
    "demo.load": _("%(actor)s đã nạp dữ liệu trình diễn."),
    "exchange.feed.restored": _("%(actor)s đã khôi phục từ bản sao lưu: các thay đổi gửi "
                                "trung ương được đánh số tiếp, không trùng số đã gửi."),
    "training.course.create": _("%(actor)s đã tạo một lớp đào tạo."),
    "training.course.update": _("%(actor)s đã sửa thông tin một lớp đào tạo."),
    "training.registration.create": _("%(actor)s đã đăng ký tham dự một lớp đào tạo."),
    "training.registration.cancel": _("%(actor)s đã huỷ một đăng ký tham dự."),
    "training.registration.attendance": _("%(actor)s đã điểm danh một người tham dự."),
    "training.support.create": _("%(actor)s đã ghi nhận một lần hỗ trợ chủ thể."),
    "news.article.create": _("%(actor)s đã soạn một bài viết."),
    "news.article.update": _("%(actor)s đã sửa một bài viết."),
    "news.article.publish": _("%(actor)s đã đăng một bài viết."),
    "news.article.withdraw": _("%(actor)s đã gỡ một bài viết khỏi trang công khai."),
    "news.attachment.add": _("%(actor)s đã đính kèm một tệp vào bài viết."),
    "news.attachment.delete": _("%(actor)s đã xoá một tệp đính kèm của bài viết."),
    # Accounts a province's standing office gives (ocop.people)
    "people.account.create": _("%(actor)s đã cấp một tài khoản."),
    "people.account.lock": _("%(actor)s đã khoá một tài khoản."),
    "people.account.unlock": _("%(actor)s đã mở khoá một tài khoản."),
    # Annual plans
    "planning.plan.create": _("%(actor)s đã lập kế hoạch năm."),
    "planning.plan.update": _("%(actor)s đã sửa kế hoạch năm."),
    "planning.plan.approve": _("%(actor)s đã ghi nhận kế hoạch được phê duyệt."),
    "planning.indicator.create": _("%(actor)s đã thêm chỉ tiêu kế hoạch."),
    "planning.indicator.update": _("%(actor)s đã sửa chỉ tiêu kế hoạch."),
    "planning.indicator.delete": _("%(actor)s đã xoá chỉ tiêu kế hoạch."),
    "planning.budget.create": _("%(actor)s đã thêm dòng kinh phí."),
    "planning.budget.update": _("%(actor)s đã cập nhật dòng kinh phí."),
    "planning.budget.delete": _("%(actor)s đã xoá dòng kinh phí."),
    # Fairs, market, tourism, criteria publishing, exchange, offline work, reports, stamps
    "criteria.accept": _("%(actor)s đã chấp nhận dùng một phiếu chấm điểm không chính thức."),
    "criteria.activate": _("%(actor)s đã đưa bộ tiêu chí vào áp dụng."),
    "criteria.supersede": _("%(actor)s đã cho bộ tiêu chí trước hết hiệu lực khi áp dụng bộ mới."),
    "criteria.discard": _("%(actor)s đã bỏ một bộ tiêu chí tải lên chưa dùng."),
    "evaluation.recognition.late": _("%(actor)s đã ban hành quyết định công nhận sau hạn."),
    "evaluation.result.late": _("%(actor)s đã chốt kết quả đánh giá sau hạn."),
    "evaluation.sheet.held": _(
        "%(actor)s đã gửi phiếu chấm từ máy ngoại tuyến; phiếu được giữ lại chờ xem xét."),
    "exchange.key.create": _("%(actor)s đã tạo khoá ký dữ liệu liên thông."),
    "exchange.partner.active": _("%(actor)s đã bật hoặc tắt kết nối với nền tảng đối tác."),
    "exchange.partner.register": _("%(actor)s đã đăng ký nền tảng đối tác."),
    "fairs.event.create": _("%(actor)s đã tạo hội chợ, sự kiện xúc tiến."),
    "fairs.event.update": _("%(actor)s đã sửa hội chợ, sự kiện xúc tiến."),
    "fairs.event.close": _("%(actor)s đã kết thúc nhận đăng ký hội chợ."),
    "fairs.booth_class.save": _("%(actor)s đã lưu loại gian hàng."),
    "fairs.application.create": _("%(actor)s đã đăng ký tham gia hội chợ."),
    "fairs.application.accept": _("%(actor)s đã nhận đăng ký và xếp gian hàng."),
    "fairs.application.waitlisted": _("%(actor)s đã đưa đăng ký vào danh sách chờ."),
    "fairs.application.refused": _("%(actor)s đã không nhận đăng ký tham gia hội chợ."),
    "fairs.application.results": _("%(actor)s đã báo kết quả tham gia hội chợ."),
    "inspections.visit.held": _(
        "%(actor)s đã gửi kết quả kiểm tra từ máy ngoại tuyến; kết quả được giữ lại chờ xem xét."),
    "inspections.visit.import": _("%(actor)s đã nhập kết quả kiểm tra ghi ngoại tuyến."),
    "market.offer_create": _("%(actor)s đã thêm cách bán sản phẩm."),
    "market.offer_update": _("%(actor)s đã sửa cách bán sản phẩm."),
    "market.offer_delete": _("%(actor)s đã xoá cách bán sản phẩm."),
    "market.gift_set_create": _("%(actor)s đã tạo bộ quà tặng."),
    "market.gift_set_update": _("%(actor)s đã sửa bộ quà tặng."),
    "market.gift_set_delete": _("%(actor)s đã xoá bộ quà tặng."),
    "market.gift_set_broken": _("%(actor)s đã báo bộ quà tặng có sản phẩm hết giấy chứng nhận."),
    "opendata.release.build": _("%(actor)s đã lập bản dữ liệu mở."),
    "reports.report.request": _("%(actor)s đã yêu cầu lập báo cáo."),
    "reports.report.schedule": _("%(actor)s đã lập báo cáo định kỳ."),
    "tourism.destination.create": _("%(actor)s đã tạo điểm du lịch."),
    "tourism.destination.update": _("%(actor)s đã sửa điểm du lịch."),
    "tourism.destination.publish": _("%(actor)s đã công bố hoặc ngừng công bố điểm du lịch."),
    "tourism.photo.add": _("%(actor)s đã thêm ảnh điểm du lịch."),
    "tourism.photo.delete": _("%(actor)s đã xoá ảnh điểm du lịch."),
    "tourism.product.add": _("%(actor)s đã thêm sản phẩm bán tại điểm du lịch."),
    "tourism.product.remove": _("%(actor)s đã bỏ sản phẩm bán tại điểm du lịch."),
    "tourism.itinerary.create": _("%(actor)s đã tạo hành trình du lịch."),
    "tourism.itinerary.update": _("%(actor)s đã sửa hành trình du lịch."),
    "tourism.itinerary.publish": _("%(actor)s đã công bố hoặc ngừng công bố hành trình du lịch."),
    "trace.scans_prune": _("%(actor)s đã gộp các lượt quét tem cũ thành số liệu theo ngày."),
    "trace.stamp_key_create": _("%(actor)s đã tạo khoá ký tem."),
    "trace.stamp_key_revoke": _("%(actor)s đã thu hồi khoá ký tem."),
    "trace.suspicion_clear": _("%(actor)s đã xác nhận tem bị nghi là hàng giả không có vấn đề."),
    "criteria.stage": _("%(actor)s đã tải lên bộ tiêu chí chờ áp dụng."),
    "criteria.restage": _("%(actor)s đã tải lại bộ tiêu chí chờ áp dụng."),
    "trace.partitions_archive": _(
        "%(actor)s đã lưu trữ rồi xoá dữ liệu truy xuất của các tháng cũ."),
    "trace.partitions_drop": _("%(actor)s đã xoá dữ liệu truy xuất của các tháng cũ."),
}

FALLBACK = _("%(actor)s đã thực hiện một thao tác trên %(object)s.")


def actor_label(actor: User | None) -> str:
    """The subject of the sentence: the actor's role, or "Hệ thống" for scheduled work."""
    if actor is None:
        return gettext("Hệ thống")
    return actor.role_label


def sentence_for(action: str, actor: User | None, object_name: str) -> str:
    """``object_name`` (the object's verbose name) is used only by the fallback."""
    template = SENTENCES.get(action)
    if template is None:
        return str(FALLBACK) % {"actor": actor_label(actor), "object": object_name}
    return str(template) % {"actor": actor_label(actor)}


def action_label(action: str) -> str:
    """The action as a short phrase without its actor, for the administration's filter:
    "dossier.submit" → "Đã nộp hồ sơ". An action without a sentence keeps its code, in words."""
    template = SENTENCES.get(action)
    if template is None:
        return gettext("Thao tác khác (%(code)s)") % {"code": action}
    phrase = (str(template) % {"actor": ""}).strip().rstrip(".")
    return phrase[:1].upper() + phrase[1:]
