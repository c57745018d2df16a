"""gunicorn settings for `make serve`: threaded workers on loopback, access log to stdout.

PORT (8000) and WEB_CONCURRENCY (twice the cores) come from the environment; a TLS
proxy in front terminates HTTPS and forwards to 127.0.0.1.
"""

import multiprocessing
import os

# As manage.py and portal/wsgi.py: on_starting below sets Django up before any
# worker imports the application.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
# Views wait on the bank most of the time: threads overlap those waits.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
# No query string in the access log: reset links and filters stay out of it.
# %(p)s is the worker's pid, as "<1234>": which worker served what.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s worker=%(p)s'
forwarded_allow_ips = "127.0.0.1"


def on_starting(server: object) -> None:
    """Run Django's system checks before any worker starts: a missing static
    manifest (portal.E001) or a bad setting stops the server instead of serving 500s."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("check")
