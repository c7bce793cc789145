"""The product's URL map plus one bare view: the load benchmark's ceiling.

`/__bench__/bare/` answers "ok" through the whole middleware stack (session, user,
memberships, second factor, CSP…) without a query of its own: what a page costs at the
least on the same server. Only bench/load_settings.py uses this module.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from ouderbuddy import urls as product

BARE_PATH = "/__bench__/bare/"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare, name="bench_bare")]
urlpatterns += product.urlpatterns

handler400 = product.handler400
handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
