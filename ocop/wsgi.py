import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
django_application = get_wsgi_application()

# Anonymous public pages are replayed or served behind a light middleware stack before the full
# one (ocop/operations/fastpath.py; FASTPATH_ENABLED=false turns it off).
from ocop.operations.fastpath import FastPath, warm  # noqa: E402 — needs the settings above

application = FastPath(django_application)
# Each gunicorn worker imports this module before it accepts a request: load the URLconf and the
# public templates now rather than on some visitor's request (ocop.operations.fastpath.warm).
warm()
