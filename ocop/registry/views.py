from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def producer_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")
