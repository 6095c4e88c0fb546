"""Pages of the accounts a province's standing office gives (``services`` holds the rules)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.models import User
from ocop.core.refusals import Invalid, NotFound, show_on_form
from ocop.people import selectors, services, tasks
from ocop.people.forms import PersonForm


def _office(request: HttpRequest) -> str:
    """The province the signed-in office manages; 403 with the reason for anyone else."""
    if not (verdict := services.can_manage_people(request.user)):
        raise PermissionDenied(verdict.reason)
    return selectors.managed_province_id(request.user)


def _invite(request: HttpRequest, person_id: int) -> None:
    """Queue the set-password e-mail once the account is saved."""
    domain, secure = request.get_host(), request.is_secure()
    language = translation.get_language() or "vi"
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(person_id, domain, secure,
                                                                language))


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    _office(request)
    page = Paginator(selectors.people_for(request.user),
                     settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    province = _office(request)
    form = PersonForm(request.POST or None, province_id=province)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person = services.create_person(actor=request.user, data=form.cleaned_data)
                _invite(request, person.pk)
        except Invalid as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã tạo tài khoản %(username)s và gửi thư đặt mật khẩu "
                                        "tới %(email)s.") % {"username": person.username,
                                                            "email": person.email})
            return redirect("people:list")
    return render(request, "people/form.html", {"form": form})


def _person(request: HttpRequest, pk: int) -> User:
    _office(request)
    try:
        return selectors.person_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    active = request.POST.get("active") == "1"
    services.set_active(actor=request.user, person=person, active=active)
    messages.success(request, (_("Đã mở khoá tài khoản %(username)s.") if active
                               else _("Đã khoá tài khoản %(username)s: người này không đăng "
                                      "nhập được nữa.")) % {"username": person.username})
    return redirect("people:list")


@login_required
@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if not person.is_active or person.has_usable_password() or not person.email:
        messages.error(request, _("Tài khoản %(username)s đã đặt mật khẩu hoặc đang bị khoá: "
                                  "không cần gửi lại thư.") % {"username": person.username})
    else:
        _invite(request, person.pk)
        messages.success(request, _("Đã gửi lại thư đặt mật khẩu tới %(email)s.")
                         % {"email": person.email})
    return redirect("people:list")
