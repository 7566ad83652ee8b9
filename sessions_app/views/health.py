"""`/healthz`: may this process take requests? For load balancers, nginx and monitoring.

It asks what every request needs, the database (SELECT 1, through the pool) and the cache (a
write read back, from Redis when that is configured), and answers 200 with
`{"database": "ok", "cache": "ok"}`, or 503 with the part that failed marked "failed" (the
error itself goes to the log, not to whoever asks). Public and cheap: no session, no user, no
template, no redirect (it is exempt from SECURE_SSL_REDIRECT), never cached."""

import logging
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        logger.exception("Health check: the database does not answer")
        return False


def cache_ok() -> bool:
    key, value = f"oocamp:healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        found = cache.get(key)
        cache.delete(key)
    except Exception:
        logger.exception("Health check: the cache does not answer")
        return False
    if found != value:
        logger.error("Health check: the cache did not keep a value")
    return found == value


@require_GET
@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "cache": cache_ok()}
    body = {name: "ok" if ok else "failed" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
