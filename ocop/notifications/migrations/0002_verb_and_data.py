"""Notifications store a verb code and the values of its sentence instead of the sentence.

Each stored text (written in the writer's language, Vietnamese or English) is matched against
the sentences of that time, frozen below so that later changes to the verb table do not change
what this migration does; a match becomes its verb and values (numbers as numbers, dates as ISO
strings, the level as its code). A text that matches nothing keeps its words under the verb
``legacy`` ({"text": …}), so nothing is lost. Stored links are kept.
"""

import re
from datetime import datetime

from django.db import migrations, models

# (verb, (Vietnamese sentence, English sentence[, English plural])) as worded until this change.
SENTENCES = (
    ('dossier.opened', (
        '%(actor)s đã lập hồ sơ OCOP %(ref)s cho sản phẩm “%(product)s”.',
        '%(actor)s created OCOP dossier %(ref)s for product “%(product)s”.',
    )),
    ('dossier.submitted', (
        'Hồ sơ %(ref)s — “%(product)s” của %(producer)s vừa được nộp, cần kiểm tra.',
        'Dossier %(ref)s — “%(product)s” of %(producer)s has been submitted and needs checking.',
    )),
    ('dossier.resubmitted', (
        'Hồ sơ %(ref)s — “%(product)s” đã được bổ sung (phiên bản %(version)d), cần kiểm tra lại.',
        'Dossier %(ref)s — “%(product)s” has been corrected (version %(version)d) and needs checking again.',
    )),
    ('dossier.commune_checked', (
        'Xã đã kiểm tra hồ sơ %(ref)s — “%(product)s”; chờ kiểm tra tính đầy đủ.',
        'The commune has checked dossier %(ref)s — “%(product)s”; awaiting the completeness check.',
    )),
    ('dossier.corrections_requested', (
        'Hồ sơ %(ref)s — “%(product)s” cần bổ sung %(count)d nội dung.',
        'Dossier %(ref)s — “%(product)s” needs %(count)d correction.',
        'Dossier %(ref)s — “%(product)s” needs %(count)d corrections.',
    )),
    ('dossier.accepted', (
        'Hồ sơ %(ref)s — “%(product)s” đã được tiếp nhận vào %(round)s.',
        'Dossier %(ref)s — “%(product)s” has been accepted into %(round)s.',
    )),
    ('dossier.withdrawn', (
        'Chủ thể đã rút hồ sơ %(ref)s — “%(product)s”.',
        'The producer has withdrawn dossier %(ref)s — “%(product)s”.',
    )),
    ('evaluation.assigned', (
        '%(council)s: %(count)d hồ sơ mới được phân công để đánh giá.',
        '%(council)s: %(count)d new dossier assigned for assessment.',
        '%(council)s: %(count)d new dossiers assigned for assessment.',
    )),
    ('evaluation.conflict_declared', (
        '%(member)s kê khai xung đột lợi ích với hồ sơ %(ref)s, không tham gia chấm hồ sơ này.',
        '%(member)s declared a conflict of interest with dossier %(ref)s and will not score it.',
    )),
    ('evaluation.all_sheets_submitted', (
        'Tất cả thành viên đã nộp phiếu chấm hồ sơ %(ref)s; chủ tịch có thể khoá lượt chấm.',
        'All members have submitted their sheets for dossier %(ref)s; the chair can lock the scoring round.',
    )),
    ('evaluation.scoring_closed', (
        'Chủ tịch đã khoá lượt chấm %(revision)d của hồ sơ %(ref)s.',
        'The chair has locked scoring round %(revision)d of dossier %(ref)s.',
    )),
    ('evaluation.scoring_closed_rescore', (
        'Chủ tịch đã khoá lượt chấm %(revision)d của hồ sơ %(ref)s: điểm chênh lệch quá giới hạn, hội đồng cần chấm lại.',
        'The chair has locked scoring round %(revision)d of dossier %(ref)s: the scores differ beyond the limit and the council must rescore.',
    )),
    ('evaluation.rescore', (
        'Hội đồng chấm lại hồ sơ %(ref)s (lượt %(revision)d).',
        'The council is rescoring dossier %(ref)s (round %(revision)d).',
    )),
    ('evaluation.result', (
        'Kết quả đánh giá hồ sơ %(ref)s — “%(product)s”: %(mean)s điểm, %(stars)d sao.',
        'Assessment result for dossier %(ref)s — “%(product)s”: %(mean)s points, %(stars)d stars.',
    )),
    ('evaluation.proposed_up', (
        'Hồ sơ %(ref)s — “%(product)s” (%(mean)s điểm) được đề nghị %(level)s đánh giá.',
        'Dossier %(ref)s — “%(product)s” (%(mean)s points) has been referred to the %(level)s for assessment.',
    )),
    ('evaluation.not_recognised', (
        'Sản phẩm “%(product)s” chưa được công nhận OCOP.',
        'Product “%(product)s” has not been recognised as OCOP.',
    )),
    ('evaluation.not_recognised_reason', (
        'Sản phẩm “%(product)s” chưa được công nhận OCOP: %(reason)s',
        'Product “%(product)s” has not been recognised as OCOP: %(reason)s',
    )),
    ('certificate.issued', (
        'Sản phẩm “%(product)s” được công nhận %(stars)d sao, giấy chứng nhận số %(number)s.',
        'Product “%(product)s” has been recognised with %(stars)d stars, certificate no. %(number)s.',
    )),
    ('certificate.revoked', (
        'Giấy chứng nhận OCOP số %(number)s (“%(product)s”) đã bị thu hồi theo quyết định số %(decision)s.',
        'OCOP certificate no. %(number)s (“%(product)s”) has been revoked by decision no. %(decision)s.',
    )),
    ('certificate.expiry_reminder', (
        'Giấy chứng nhận OCOP số %(number)s (“%(product)s”) hết hiệu lực sau ngày %(day)s (còn %(days)d ngày). Chủ thể có thể nộp hồ sơ đánh giá lại.',
        'OCOP certificate no. %(number)s (“%(product)s”) expires after %(day)s (%(days)d day left). The producer may submit a re-assessment dossier.',
        'OCOP certificate no. %(number)s (“%(product)s”) expires after %(day)s (%(days)d days left). The producer may submit a re-assessment dossier.',
    )),
    ('certificate.expired', (
        'Giấy chứng nhận OCOP số %(number)s (“%(product)s”) đã hết hiệu lực từ ngày %(day)s; sản phẩm không được dùng nhãn OCOP cho đến khi được công nhận lại.',
        'OCOP certificate no. %(number)s (“%(product)s”) expired on %(day)s; the product may not use the OCOP label until it is recognised again.',
    )),
)

INTEGERS = {"count", "days", "version", "revision", "stars"}
LEVELS = {"cấp huyện": "district", "cấp tỉnh": "province", "cấp trung ương": "central"}
LEVEL_WORDS = {code: word for word, code in LEVELS.items()}
# The conflict sentence named the member as "Name (Role)"; the new one shows the name only.
MEMBER = re.compile(r"^(?P<name>.*\S) \([^()]*\)$")
FIELD = re.compile(r"%\((\w+)\)([sd])")


def _regex(sentence: str) -> re.Pattern:
    out, last = [], 0
    for m in FIELD.finditer(sentence):
        out.append(re.escape(sentence[last:m.start()]))
        out.append(rf"(?P<{m[1]}>\d+)" if m[2] == "d" else rf"(?P<{m[1]}>.+?)")
        last = m.end()
    out.append(re.escape(sentence[last:]))
    return re.compile("".join(out), re.DOTALL)


PATTERNS = [(verb, _regex(s)) for verb, sentences in SENTENCES for s in sentences]


def parse(text: str) -> tuple[str, dict]:
    """(verb, data) for a stored sentence; ("legacy", {"text": text}) when none fits."""
    for verb, pattern in PATTERNS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        data = m.groupdict()
        try:
            for key in INTEGERS & data.keys():
                data[key] = int(data[key])
            if "day" in data:
                data["day"] = datetime.strptime(data["day"], "%d/%m/%Y").date().isoformat()
            if "level" in data:
                data["level"] = LEVELS[data["level"]]
        except (KeyError, ValueError):
            continue
        if "member" in data and (named := MEMBER.match(data["member"])):
            data["member"] = named["name"]
        return verb, data
    return "legacy", {"text": text}


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    batch = []
    for n in Notification.objects.only("pk", "verb").iterator(chunk_size=2000):
        n.verb, n.data = parse(n.verb)
        batch.append(n)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["verb", "data"])
            batch = []
    Notification.objects.bulk_update(batch, ["verb", "data"])


def backwards(apps, schema_editor):
    """Back to Vietnamese sentences (the language of the old default)."""
    vietnamese = {verb: sentences[0] for verb, sentences in SENTENCES}
    Notification = apps.get_model("notifications", "Notification")
    batch = []
    for n in Notification.objects.only("pk", "verb", "data").iterator(chunk_size=2000):
        data = dict(n.data or {})
        text = data.get("text") if n.verb == "legacy" else None
        if text is None:
            if "day" in data:
                data["day"] = datetime.strptime(data["day"], "%Y-%m-%d").strftime("%d/%m/%Y")
            if "level" in data:
                data["level"] = LEVEL_WORDS.get(data["level"], data["level"])
            try:
                text = vietnamese[n.verb] % data
            except (KeyError, TypeError, ValueError):
                text = n.verb
        n.verb = str(text)[:255]
        batch.append(n)
    Notification.objects.bulk_update(batch, ["verb"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="nội dung"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
