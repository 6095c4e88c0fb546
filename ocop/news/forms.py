from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.news.models import Article
from ocop.units.models import Unit


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["kind", "province", "title", "body", "title_en", "body_en"]
        # The English fields hold English text: lang="en" tells browsers, screen readers and
        # spell checkers (and the crawler's English-word check) so.
        widgets = {"body": forms.Textarea(attrs={"rows": 14}),
                   "title_en": forms.TextInput(attrs={"lang": "en"}),
                   "body_en": forms.Textarea(attrs={"rows": 8, "lang": "en"})}

    def __init__(self, *args, choose_province: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if choose_province:
            # The central office writes nation-wide (blank) or for any current province.
            self.fields["province"].queryset = Unit.objects.filter(
                level=Unit.Level.PROVINCE, era=Unit.Era.CURRENT).order_by("name")
            self.fields["province"].empty_label = _("Toàn quốc")
        else:
            del self.fields["province"]


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Thời điểm đăng"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Để trống để đăng ngay; chọn một thời điểm sắp tới để hẹn giờ đăng."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp"),
                           help_text=_("PDF, Word, Excel hoặc ảnh; kiểm tra theo nội dung tệp."))
    name = forms.CharField(label=_("Tên hiển thị"), max_length=200, required=False)
