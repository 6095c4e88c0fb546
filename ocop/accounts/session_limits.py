"""Idle timeout and absolute lifetime of signed-in sessions (limits in ocop.accounts.policy).

Two stamps live in the session: when the user signed in and when they were last seen. The
"last seen" stamp is rewritten at most once a minute, so that a busy page does not write its
session row on every request; the idle timeout is therefore exact to within that minute.
"""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from ocop.accounts.policy import session_limits

LOGIN_AT = "ocop_login_at"
SEEN_AT = "ocop_seen_at"
TOUCH_EVERY_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="ocop.accounts.session_limits.stamp_login")
def stamp_login(sender, request: HttpRequest, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


def session_expired(request: HttpRequest) -> bool:
    """True when the signed-in session of ``request`` has outlived a limit; otherwise record
    this request as activity. A session without stamps (signed in before they existed) starts
    counting now."""
    session, now = request.session, time.time()
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        session[LOGIN_AT] = session[SEEN_AT] = now
        return False
    idle, lifetime = session_limits(request.user)
    if now - seen_at > idle.total_seconds() or now - login_at > lifetime.total_seconds():
        return True
    if now - seen_at >= TOUCH_EVERY_SECONDS:
        session[SEEN_AT] = now
    return False
