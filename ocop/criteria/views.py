from django.http import HttpRequest, HttpResponse


def sheet_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")
