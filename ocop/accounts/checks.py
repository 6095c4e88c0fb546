"""Deployment checks (``manage.py check --deploy``): the account-security floor is in force, and
the caches several app servers share are shared."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from ocop.accounts.models import Role
from ocop.accounts.policy import OTP_FLOOR_ROLES


@register(Tags.security, deploy=True)
def check_account_security(app_configs=None, **kwargs) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    configured = set(settings.OTP_REQUIRED_ROLES)
    unknown = sorted(configured - set(Role.values))
    if unknown:
        errors.append(Error(
            f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Known roles: {', '.join(Role.values)}.",
            id="ocop.accounts.E001",
        ))
    missing = sorted(OTP_FLOOR_ROLES - configured)
    if missing:
        errors.append(Error(
            "Two-step verification is switched off for "
            f"{', '.join(missing)}: OTP_REQUIRED_ROLES must include them in production.",
            hint="Set OTP_REQUIRED_ROLES to at least admin,central,province_office.",
            id="ocop.accounts.E002",
        ))
    limits = {
        "STAFF_SESSION_IDLE_MINUTES": settings.STAFF_SESSION_IDLE_MINUTES,
        "STAFF_SESSION_MAX_HOURS": settings.STAFF_SESSION_MAX_HOURS,
    }
    for name, value in limits.items():
        if value <= 0:
            errors.append(Error(f"{name} must be positive (it is {value}).",
                                id="ocop.accounts.E003"))
    return errors


# Caches that live inside one process: each gunicorn worker, each machine, would count rate limits
# and keep scan caches of its own.
PROCESS_LOCAL_CACHES = frozenset({
    "django.core.cache.backends.locmem.LocMemCache",
    "ocop.core.memcache.ProcessMemoryCache",
    "django.core.cache.backends.dummy.DummyCache",
})


@register(Tags.caches, Tags.security, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Several app server processes need one cache: the public rate limit (a client spreading
    requests over N workers would get N times its allowance) and the scan caches."""
    warnings: list[CheckMessage] = []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PROCESS_LOCAL_CACHES:
        return warnings
    if settings.WEB_WORKERS > 1 or not settings.DEBUG:
        warnings.append(Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) lives inside each process, but "
            f"{settings.WEB_WORKERS} worker(s) serve in production: rate limits and scan caches "
            "would not be shared.",
            hint="Set CACHE_URL=redis://host:6379/1 (or dbcache://ocop_cache after "
                 "`manage.py createcachetable`); docs/deployment.md.",
            id="ocop.accounts.W010",
        ))
    if settings.SESSION_ENGINE in ("django.contrib.sessions.backends.cache",
                                   "django.contrib.sessions.backends.cached_db"):
        warnings.append(Warning(
            "Sessions are kept in a process-local cache: a logout in one process would not end "
            "the session in another.",
            hint="Use the database session engine, or a shared cache (CACHE_URL=redis://…).",
            id="ocop.accounts.W011",
        ))
    return warnings


@register(Tags.security, deploy=True)
def check_metrics_token(app_configs=None, **kwargs) -> list[CheckMessage]:
    token = settings.METRICS_TOKEN
    if token and len(token) < 32:
        return [Warning("METRICS_TOKEN is shorter than 32 characters.",
                        hint='python3 -c "import secrets; print(secrets.token_urlsafe(32))"',
                        id="ocop.accounts.W012")]
    return []


@register(Tags.security, deploy=True)
def check_key_encryption_key(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Production sets its own key-encryption key (ocop/core/keywrap.py): derived from the secret
    key, the stored signing keys would become unreadable the day the secret key is rotated."""
    if settings.DEBUG or settings.LOCAL_DEMO or settings.KEY_ENCRYPTION_KEY:
        return []
    return [Warning(
        "OCOP_KEY_ENCRYPTION_KEY is not set: the stored signing keys are encrypted under a key "
        "derived from DJANGO_SECRET_KEY, and rotating that secret would make them unreadable.",
        hint='python3 -c "import base64,os; print(base64.urlsafe_b64encode(os.urandom(32))'
             '.decode())"; docs/deployment.md.',
        id="ocop.accounts.W013")]
