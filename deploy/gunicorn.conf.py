"""Gunicorn for OOcamp: `gunicorn -c deploy/gunicorn.conf.py oocamp.wsgi`.

Every setting can be changed from the environment, so one file serves a laptop, a 2-core VM
and a container platform. Logs (errors, and requests with GUNICORN_ACCESS_LOG=1) go to stdout as
JSON lines, like Django's.

Connections: each worker process has its own psycopg pool of up to DB_POOL_MAX connections
(settings.py). Keep GUNICORN_THREADS <= DB_POOL_MAX (a thread holds one connection while it
serves a request) and

    instances x GUNICORN_WORKERS x DB_POOL_MAX + job workers x DB_POOL_MAX + 10 <= max_connections

(PostgreSQL's default is 100: e.g. 2 instances x 5 workers x 4 + 2 x 4 + 10 = 58).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# 2 x cores + 1 sync workers is gunicorn's rule of thumb for an app that waits on a database.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is killed (PDFs and ZIPs are built by the job worker,
# not in requests); on SIGTERM, requests in flight get graceful_timeout seconds to finish.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # behind nginx's keep-alive upstream connections
# Recycle workers now and then (slow leaks in any library), not all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The app is not loaded before the fork: each worker opens its own database pool.
preload_app = False
# Heartbeat files on a RAM disk where there is one (a slow disk can make workers look dead).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Trust X-Forwarded-Proto only from the proxy in front (nginx on the same machine by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "oocamp")
# Gunicorn 27's control socket has one default path per user, which a second instance on the
# same machine would take over; OOcamp does not use it.
control_socket_disable = True

# A line per request only when asked (GUNICORN_ACCESS_LOG=1): nginx in front logs every request
# already, and writing it here cost 6 % of a worker's CPU under the vote load (row 1 of the
# reliability plan, py-spy: gunicorn's access atoms, the logging call and the JSON formatter).
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "") in {"1", "true", "yes"} else None
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'
# JSON lines on stdout; the formatter also lifts method, path, status and duration into fields.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "oocamp.jsonlog.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
if os.environ.get("LOG_FORMAT") == "text":
    logconfig_dict = {}
