"""Gunicorn settings for `make serve`.

    GUNICORN_BIND     address to listen on [127.0.0.1:8000]
    WEB_CONCURRENCY   worker processes [2 per CPU + 1]
    GUNICORN_CMD_ARGS any other gunicorn option, e.g. "--pid /run/fanwiki.pid"

Access log on stdout, errors on stderr. `kill -HUP <master pid>` reloads gracefully: new workers
start with the new code and settings, the old ones finish their requests (up to graceful_timeout).
"""

import multiprocessing
import os

wsgi_app = "fanwiki.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# Workers import the code themselves, so a HUP reload picks up a new release.
preload_app = False
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, staggered, so a slow leak never grows.
max_requests = 1000
max_requests_jitter = 100

# No gunicornc control socket (one fixed path per user, shared by every instance): HUP and TERM suffice.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = "info"
# The proxy's X-Forwarded-For beside the peer address, the time taken in milliseconds, the worker's <pid>.
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %(p)s'


def post_worker_init(worker):
    """Say at start-up when several workers would each keep their own cache.

    Runs in each worker once the application is loaded: the master never imports Django, so a
    HUP reload brings in new code and settings.
    """
    if worker.cfg.workers < 2:
        return
    from fanwiki.checks import per_process_cache_warning

    warning = per_process_cache_warning()
    if warning:
        worker.log.warning("%s workers: %s %s", worker.cfg.workers, warning.msg, warning.hint)
