"""Public news pages, and the office's pages to write, publish and withdraw articles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.core.files import serve_protected
from ocop.core.refusals import Conflict, Invalid
from ocop.news import selectors, services
from ocop.news.forms import ArticleForm, AttachmentForm, PublishForm
from ocop.news.models import Article
from ocop.news.permissions import may_write_news
from ocop.units.models import Unit

PAGE_SIZE = 20


def _show_invalid(form, exc: Invalid) -> None:
    for name, text in exc.fields.items():
        form.add_error(name if name in form.fields else None, text)
    if not exc.fields:
        form.add_error(None, exc.message)


# --- Public -----------------------------------------------------------------------------------


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("loai", "")
    kind = kind if kind in Article.Kind.values else ""
    province = Unit.objects.filter(pk=request.GET.get("tinh") or None,
                                   level=Unit.Level.PROVINCE).first()
    articles = selectors.public_articles(kind=kind, province=province)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "news/list.html", {
        "page": page, "kind": kind, "province": province, "kinds": Article.Kind.choices,
        "provinces": selectors.provinces_with_articles(),
        "may_write": may_write_news(request.user),
    })


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.public_article(pk)
    return render(request, "news/detail.html", {"article": article})


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, public = selectors.attachment_for_download(request.user, pk)
    return serve_protected(request, attachment.file, attachment.file.name.rsplit("/", 1)[-1],
                           public=public)


# --- The office's pages -----------------------------------------------------------------------


def _writer(request: HttpRequest) -> None:
    if not may_write_news(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực OCOP mới đăng tin, hướng dẫn."))


@login_required
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    _writer(request)
    page = Paginator(selectors.articles_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "news/manage_list.html", {"page": page})


@login_required
def article_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    user = request.user
    form = ArticleForm(request.POST or None, choose_province=user.is_nationwide)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        province = data.pop("province", None) if user.is_nationwide else user.unit
        try:
            article = services.create_article(actor=user, province=province, **data)
        except Invalid as exc:
            _show_invalid(form, exc)
        else:
            messages.success(request, _("Đã lưu bản nháp. Thêm tệp đính kèm nếu cần, rồi đăng."))
            return redirect("news:edit", pk=article.pk)
    return render(request, "news/edit.html", {"form": form, "article": None})


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.managed_article(request.user, pk)
    form = ArticleForm(request.POST or None, instance=article, choose_province=False)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "province"}
        try:
            services.update_article(actor=request.user, article=article, **data)
        except Invalid as exc:
            _show_invalid(form, exc)
        else:
            messages.success(request, _("Đã lưu bài viết."))
            return redirect("news:edit", pk=article.pk)
    return render(request, "news/edit.html", {
        "form": form, "article": article, "publish_form": PublishForm(),
        "attachment_form": AttachmentForm(),
    })


@login_required
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.managed_article(request.user, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish(actor=request.user, article=article,
                             at=form.cleaned_data["publish_at"])
        except Invalid as exc:
            messages.error(request, exc.fields.get("publish_at") or exc.message)
        else:
            messages.success(request, _("Đã đăng bài viết."))
    else:
        messages.error(request, _("Thời điểm đăng không hợp lệ."))
    return redirect("news:edit", pk=article.pk)


@login_required
@require_POST
def article_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.managed_article(request.user, pk)
    try:
        services.withdraw(actor=request.user, article=article)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã gỡ bài viết khỏi trang công khai."))
    return redirect("news:edit", pk=article.pk)


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.managed_article(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(actor=request.user, article=article,
                                    file=form.cleaned_data["file"],
                                    name=form.cleaned_data["name"])
        except Invalid as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã đính kèm tệp."))
    else:
        messages.error(request, _("Hãy chọn một tệp để đính kèm."))
    return redirect("news:edit", pk=article.pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        selectors.attachments_for(request.user), pk=pk)
    article_pk = attachment.article_id
    services.delete_attachment(actor=request.user, attachment=attachment)
    messages.success(request, _("Đã xoá tệp đính kèm."))
    return redirect("news:edit", pk=article_pk)
