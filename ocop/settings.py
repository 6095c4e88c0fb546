"""One settings file driven by environment variables (12-factor).

SQLite is the embedded default; set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/ocop)
for PostgreSQL. Production: DJANGO_DEBUG=false, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS set.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The fallback key is only acceptable for the local demo; production must set its own, and
# without one it refuses to start (ImproperlyConfigured) instead of failing on first request.
if DEBUG:
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY",
        default="insecure-demo-key-only-for-local-use-0123456789abcdefghijklmnopqrstuvwxyz",
    )
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    # Lets django-ninja serve Swagger UI from its own static files (not a CDN the CSP blocks).
    "ninja",
    "ocop.units",
    "ocop.audit",
    "ocop.accounts",
    "ocop.registry",
    "ocop.criteria",
    "ocop.dossiers",
    "ocop.notifications",
    "ocop.certificates",
    "ocop.evaluation",
    "ocop.trace",
    "ocop.inspections",
    "ocop.planning",
    "ocop.dashboards",
    "ocop.worker",
    "ocop.jobs",
    "ocop.news",
    "ocop.training",
    "ocop.people",
    "ocop.reports",
    "ocop.maps",
    "ocop.tourism",
    "ocop.market",
    "ocop.fairs",
    "ocop.trade",
    "ocop.catalogue",
    "ocop.credentials",
    "ocop.opendata",
    "ocop.exchange",
    "ocop.workqueue",
    "ocop.demo",
    "ocop.api",
    "ocop.web",
    "ocop.operations",
]

MIDDLEWARE = [
    # Request id, request log line and metrics: first, to see every answer (ocop.operations).
    "ocop.operations.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ocop.accounts.throttle.PublicRateLimitMiddleware",
    "ocop.accounts.middleware.SessionLimitsMiddleware",
    "ocop.accounts.middleware.StaffSecondFactorMiddleware",
    "ocop.accounts.middleware.BuyerBoundaryMiddleware",
    # Axes must be last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ocop.urls"
WSGI_APPLICATION = "ocop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ocop" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "ocop.web.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'ocop.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A worker process writes beside the web server: WAL and a busy timeout keep them apart.
    # The public scan reads a stamp's evidence from a file of hundreds of megabytes at national
    # scale; through SQLite's default 2 MB page cache every read copied pages in again (about
    # 140 µs a scan at 1,000,000 stamps). Mapping the file (shared by every worker through the
    # OS page cache) and a 64 MB cache per connection, filled only as pages are read, halve it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                         "PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536;"),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Connections are kept open between requests on both engines: opening a SQLite connection (and
# its PRAGMAs) cost more than the scan page's one query.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)

# A PostgreSQL streaming read replica (docs/database-replica.md): DATABASE_REPLICA_URL adds the
# "replica" alias, the router and its middleware; without it everything reads the primary.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5)
# How often each process looks at the replica's health and lag.
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=2)
# After a POST/PUT/PATCH/DELETE the same browser reads from the primary this long: longer than
# the worst staleness the replica may have (lag limit + check interval), so a save is seen.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
# Always read from the primary: sign-in, sessions, second factor, lockouts, API tokens and roles
# (a revocation or a lockout must hold at once), the audit chain, the task queue and the jobs
# whose progress a user watches.
REPLICA_PRIMARY_APPS = ["sessions", "auth", "contenttypes", "accounts", "otp_totp", "axes",
                        "audit", "django_tasks_db", "worker", "jobs"]
DATABASE_ROUTERS: list[str] = []
if env("DATABASE_REPLICA_URL", default=""):
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL chỉ dùng với PostgreSQL: SQLite không có bản sao đọc.")
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # A replica that went away must cost a request at most this long before the fallback.
        "OPTIONS": {"connect_timeout": env.int("REPLICA_CONNECT_TIMEOUT", default=2)},
        # The test runner neither creates nor flushes the standby: it uses the primary's test
        # database name, which the standby receives through streaming replication.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["ocop.core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
                      "ocop.core.replica.ReplicaPinningMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Login hardening: lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Renders accounts/locked_out.html in Vietnamese with the cool-off in minutes.
AXES_LOCKOUT_CALLABLE = "ocop.accounts.views.locked_out"
# Reverse proxies in front of Django that append to X-Forwarded-For (0 = none: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "ocop.accounts.client_ip.client_ip"
OTP_TOTP_ISSUER = "OCOP"
# Two-step verification (TOTP) is mandatory for these roles, and for every superuser or admin-site
# account (ocop.accounts.policy). admin, central and province_office are the floor that
# `check --deploy` enforces; add commune_officer, council_member or inspector to widen it.
OTP_REQUIRED_ROLES = [
    role.strip()
    for role in env.list("OTP_REQUIRED_ROLES", default=["admin", "central", "province_office"])
    if role.strip()
]
# Public scan and verification endpoints: requests per client address (django-ratelimit).
PUBLIC_RATE_LIMIT = env("PUBLIC_RATE_LIMIT", default="60/m")
# Anonymous browsing of the catalogue, tourism, gift sets and fairs (pages and API): several
# visitors may share one mobile carrier's address. The marketplace feeds each stream every
# certified product: a shop pulls them a few times a day (ocop/accounts/throttle.py).
BROWSE_RATE_LIMIT = env("BROWSE_RATE_LIMIT", default="300/m")
FEED_RATE_LIMIT = env("FEED_RATE_LIMIT", default="30/h")
# The scan log is written in batches per server process (ocop/trace/scanlog.py): at this many
# rows, when the oldest is this many seconds old, and at exit. A killed worker loses at most that.
STAMP_SCAN_BUFFER = env.int("STAMP_SCAN_BUFFER", default=100)
STAMP_SCAN_FLUSH_SECONDS = env.float("STAMP_SCAN_FLUSH_SECONDS", default=2.0)
# The scan's one query is a prepared statement on PostgreSQL (ocop/trace/scan.py); off behind a
# connection pooler in transaction mode that drops prepared statements (PgBouncer before 1.21).
TRACE_PREPARED_EVIDENCE = env.bool("TRACE_PREPARED_EVIDENCE", default=True)
# Consumer complaints sent through the public form (ocop.inspections): per client address.
COMPLAINT_RATE_LIMIT = env("COMPLAINT_RATE_LIMIT", default="5/h")
# Public sign-ups (a buyer organisation, ocop.trade) sent per client address.
SIGNUP_RATE_LIMIT = env("SIGNUP_RATE_LIMIT", default="5/h")
# Signed-in sessions end after this much inactivity, and in any case this long after login.
# Staff (public-office accounts) get short sessions; producers keep longer ones.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
STAFF_SESSION_MAX_HOURS = env.float("STAFF_SESSION_MAX_HOURS", default=12)
PRODUCER_SESSION_IDLE_HOURS = env.float("PRODUCER_SESSION_IDLE_HOURS", default=72)
PRODUCER_SESSION_MAX_HOURS = env.float("PRODUCER_SESSION_MAX_HOURS", default=14 * 24)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "ocop" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Leaflet's JS/CSS from the django-leaflet package, for the map page (ocop/maps/finders.py).
    "ocop.maps.finders.LeafletFinder",
]
# The map page loads its base layer as .geojson, which WhiteNoise would send as octet-stream.
WHITENOISE_MIMETYPES = {".geojson": "application/geo+json"}
MEDIA_URL = "/media/"  # required by FileSystemStorage; nothing is served there
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))


def s3_storage(*, endpoint_url: str | None, bucket: str, access_key: str, secret_key: str,
               region: str) -> dict:
    """The ``default`` storage on an S3-API bucket (django-storages; docs/file-storage.md).

    The bucket stays private: objects are written with the private ACL, and the app never hands
    out an object URL: downloads are streamed by ``ocop.core.files.serve_protected`` after the
    permission check. ``querystring_auth`` stays on (with a one-minute lifetime) so that a stray
    ``.url`` could only ever give a short-lived signed address, never a public one.
    """
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "access_key": access_key,
            "secret_key": secret_key,
            "region_name": region,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "signature_version": "s3v4",
            # S3-compatible servers on a host name or address of their own take path-style
            # requests (virtual-host style would need a DNS name per bucket); AWS takes both.
            "addressing_style": "path" if endpoint_url else None,
            # Names are random (ocop.core.files.UnguessableUploadTo) and never reused, as on disk.
            "file_overwrite": False,
            # A download read through the storage API beyond this size spools to a temporary
            # file instead of memory.
            "max_memory_size": 2_621_440,
        },
    }


# STORAGE_BACKEND: "local" (the embedded default: files under MEDIA_ROOT) or "s3" (an S3-API
# bucket, the national topology; docs/file-storage.md).
STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    _default_storage = s3_storage(
        endpoint_url=env("S3_ENDPOINT_URL", default=None) or None,
        bucket=env("S3_BUCKET"),
        access_key=env("S3_ACCESS_KEY_ID"),
        secret_key=env("S3_SECRET_ACCESS_KEY"),
        region=env("S3_REGION", default="us-east-1"),
    )
else:
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND must be 'local' or 's3', not {STORAGE_BACKEND!r}")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Stored files are served only by permission-checked views (ocop.core.files); no URL maps
# MEDIA_ROOT (with STORAGE_BACKEND=s3 they are streamed from the bucket). SENDFILE_BACKEND
# (local disk only): "development" streams through Django, "nginx" hands the transfer to the
# front server (X-Accel-Redirect to the internal location SENDFILE_URL), "simple" reads the
# file into the response; any other value is a django-sendfile2 backend module path.
_SENDFILE_BACKENDS = {name: f"django_sendfile.backends.{name}"
                      for name in ("development", "simple", "nginx", "xsendfile", "mod_wsgi")}
_sendfile_backend = env("SENDFILE_BACKEND", default="development")
SENDFILE_BACKEND = _SENDFILE_BACKENDS.get(_sendfile_backend, _sendfile_backend)
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = env("SENDFILE_URL", default="/protected-media")
# Results of background jobs (stamp sheets, ZIPs, exports) are deleted this long after they are
# made (``manage.py jobs_cleanup``).
JOB_RESULT_RETENTION_HOURS = env.int("JOB_RESULT_RETENTION_HOURS", default=24)
# Uploads: checked by content and capped in size (see ocop.registry.uploads).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# The national topology's queue: TASKS_REDIS_URL=redis://host:6379/0 puts django.tasks on Redis
# through RQ (ocop/worker/redis_backend.py, docs/worker.md); it wins over TASKS_BACKEND. Unset,
# the database queue stays the embedded default. /readyz and the queue-depth metric read it too.
TASKS_REDIS_URL = env("TASKS_REDIS_URL", default="")
if TASKS_REDIS_URL:
    TASKS["default"] = {"BACKEND": "ocop.worker.redis_backend.RedisBackend",
                        "QUEUES": ["default"], "OPTIONS": {"URL": TASKS_REDIS_URL}}

# E-mail (Django 6.1 MAILERS): EMAIL_URL such as smtp+tls://user:password@smtp.example.vn:587
# sends through SMTP. Without it: the console in development, a local MTA (localhost:25) in
# production (check --deploy refuses development-only backends there).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="OCOP <no-reply@ocop.local>")
EMAIL_URL = env("EMAIL_URL", default="" if DEBUG else "smtp://localhost:25")
if EMAIL_URL:
    _mail = env.email_url_config(EMAIL_URL)
    MAILERS = {"default": {"BACKEND": _mail["EMAIL_BACKEND"]}}
    if _mail["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        MAILERS["default"]["OPTIONS"] = {
            "host": _mail.get("EMAIL_HOST"),
            "port": _mail.get("EMAIL_PORT") or None,
            "username": _mail.get("EMAIL_HOST_USER"),
            "password": _mail.get("EMAIL_HOST_PASSWORD"),
            "use_tls": _mail.get("EMAIL_USE_TLS", False),
            "use_ssl": _mail.get("EMAIL_USE_SSL", False),
            "timeout": 20,
        }
else:
    MAILERS = {
        "default": {
            "BACKEND": env(
                "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
            )
        }
    }

# Public base URL used in QR codes and e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The agency named on the public pages' "Cơ quan quản lý, liên hệ" page (ocop.catalogue): the
# province's OCOP standing office. Unset, the page shows the demo province's office with example
# contacts, marked as examples.
OCOP_AGENCY_NAME = env("OCOP_AGENCY_NAME", default="")
OCOP_AGENCY_ADDRESS = env("OCOP_AGENCY_ADDRESS", default="")
# The national exchange (docs/exchange.md): this platform's name among its partners (the key id of
# its signed requests and the prefix of the product codes it mints; unique across platforms), and
# how far a signed request's timestamp may be from our clock.
EXCHANGE_PLATFORM_CODE = env("OCOP_EXCHANGE_PLATFORM_CODE", default="ocop")
EXCHANGE_SIGNATURE_WINDOW_SECONDS = env.int("OCOP_EXCHANGE_SIGNATURE_WINDOW_SECONDS", default=300)
OCOP_AGENCY_PHONE = env("OCOP_AGENCY_PHONE", default="")
OCOP_AGENCY_EMAIL = env("OCOP_AGENCY_EMAIL", default="")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; keep default.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# `make run` serves the demo with DEBUG off on plain http://127.0.0.1 and says so explicitly with
# OCOP_LOCAL_DEMO=true: cookies without the Secure flag, no HTTPS redirect, no HSTS. It is refused
# for any other host name, so it cannot weaken a real deployment by accident.
LOCAL_DEMO = not DEBUG and env.bool("OCOP_LOCAL_DEMO", default=False)

# Encrypts private signing keys at rest (ocop/core/keywrap.py; docs/deployment.md). Unset, it is
# derived from SECRET_KEY: set it in production so that rotating SECRET_KEY keeps the keys.
KEY_ENCRYPTION_KEY = env("OCOP_KEY_ENCRYPTION_KEY", default="")
if LOCAL_DEMO and not set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "testserver"}:
    raise ImproperlyConfigured(
        "OCOP_LOCAL_DEMO=true chỉ dùng cho bản demo trên 127.0.0.1/localhost; "
        f"DJANGO_ALLOWED_HOSTS={','.join(ALLOWED_HOSTS)} là máy chủ thật."
    )
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not LOCAL_DEMO)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = not LOCAL_DEMO
    CSRF_COOKIE_SECURE = not LOCAL_DEMO
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if LOCAL_DEMO else 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL_DEMO
    SECURE_HSTS_PRELOAD = not LOCAL_DEMO

# --- Operations: several stateless app servers (docs/deployment.md, "National topology") -------
# The rate-limit counters and the scan caches live in the default cache. One process may keep
# them in its own memory; several (WEB_WORKERS > 1, or more than one machine) must share one:
# CACHE_URL=redis://127.0.0.1:6379/1 (Django's RedisCache), or dbcache://ocop_cache after
# `manage.py createcachetable`. `check --deploy` warns otherwise (ocop.accounts.W010).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # Django's, without its per-character memcached key check (ocop/core/memcache.py).
    CACHES["default"]["BACKEND"] = "ocop.core.memcache.ProcessMemoryCache"
    # Django's default of 300 entries is less than one per stamp batch plus one rate-limit counter
    # per client: past it, entries are culled at random and the scan caches miss.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that hangs must not hang every public request behind it.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 2, "socket_timeout": 2})
# The fast path in front of the middleware (ocop/operations/fastpath.py, docs/deployment.md):
# anonymous GET/HEAD of pages that declared ``Cache-Control: public, max-age=N`` are replayed for
# min(N, FASTPATH_MAX_AGE) seconds; views marked sessionless (the scan page) skip the session,
# authentication and CSRF middleware. Stored pages live in their own cache ("fastpath"): shared
# when CACHE_URL is Redis, otherwise in each process's memory, bounded in entries so that a crawl
# of odd query strings cannot evict the scan and rate-limit caches.
FASTPATH_ENABLED = env.bool("FASTPATH_ENABLED", default=True)
FASTPATH_DIRECT_LANE = env.bool("FASTPATH_DIRECT_LANE", default=True)
FASTPATH_MAX_AGE = min(60, env.int("FASTPATH_MAX_AGE", default=60))
FASTPATH_MAX_BYTES = 256 * 1024
FASTPATH_REPLAY_GUARDS = ["ocop.accounts.throttle.PublicRateLimitMiddleware"]
# Compiled when a worker starts (ocop.operations.fastpath.warm), not on a visitor's request.
FASTPATH_WARM_TEMPLATES = ["trace/scan.html", "trace/_scan_lot.html", "accounts/too_many.html"]
CACHES["fastpath"] = (
    {**CACHES["default"], "KEY_PREFIX": "fastpath"}
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    else {"BACKEND": "ocop.core.memcache.ProcessMemoryCache", "LOCATION": "fastpath",
          "OPTIONS": {"MAX_ENTRIES": 2000}})
# gunicorn processes per machine (scripts/serve.sh exports it); read by the check above.
WEB_WORKERS = env.int("WEB_WORKERS", default=1)
# Sessions stay in the database, which every app server shares. cached_db would save a query per
# request but needs a shared cache: a session cached in one process's memory would outlive a
# logout made through another (the check refuses that combination too).
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
# Load-balancer probes and the metrics scraper talk plain http to each app server on the private
# network, not through the TLS proxy: no redirect to https for them (docs/deployment.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# /readyz gives every dependency this long in all, then answers 503 "timeout".
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)
# /metrics (and /readyz's error details): a bearer token, optionally only from these networks.
# Without a token a production server refuses everyone (ocop/operations/access.py).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# Logs: plain text (the default, for `make run` and a terminal) or LOG_FORMAT=json, one object a
# line with the request id, for a log collector. Every record carries the request id; the request
# line itself (logger ocop.request) is written in json mode, where it replaces gunicorn's access
# log; in text mode gunicorn's access log is enough, so ocop.request is kept to warnings.
LOG_FORMAT = env("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT}: chỉ nhận text hoặc json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ocop.operations.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "ocop.operations.logs.JsonFormatter"}},
    "handlers": {"console": {
        "class": "logging.StreamHandler", "filters": ["request_id"],
        **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
    }},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO; keep PDF rendering quiet.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"},
                "ocop.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"}},
}

# Page sizes of lists, shared by pages and API.
PAGE_SIZE = 25
API_MAX_PAGE_SIZE = 200

# Background workers (manage.py worker): a heartbeat every few seconds; a task whose worker has
# not beaten for the lease is requeued, and failed after the last attempt (ocop.worker.services).
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=5)
WORKER_LEASE_SECONDS = env.float("WORKER_LEASE_SECONDS", default=30)
WORKER_MAX_ATTEMPTS = env.int("WORKER_MAX_ATTEMPTS", default=3)
# How often a worker runs the apps' periodic checks (ocop/worker/hooks.py): last month's reports.
WORKER_PERIODIC_SECONDS = env.float("WORKER_PERIODIC_SECONDS", default=3600)
