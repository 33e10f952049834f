"""gunicorn settings shared by the Dockerfile, docker-compose and `make bench`:
`gunicorn -c config/gunicorn.py config.wsgi`. Each can be overridden by the environment.

Pages are CPU-bound Python with short waits on PostgreSQL and Redis: one process per core
keeps the cores busy, and a few threads per process cover those waits (gthread). More
processes than cores only add memory and context switches (bench/results/README.md).
"""

import os

_cores = os.cpu_count() or 1

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", _cores))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Keep-alive for the reverse proxy's pooled connections.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
