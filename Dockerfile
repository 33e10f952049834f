# The production image: the application runs from /app; only its locked dependencies are
# installed into the interpreter (requirements/prod.txt: no embedded PostgreSQL, no test tools).
FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    STATIC_ROOT=/app/var/staticfiles MEDIA_ROOT=/app/var/media
# Pango and fonts with Cyrillic for the PDFs (weasyprint); curl for the health checks.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/prod.txt requirements/prod.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/prod.txt
COPY . .
# collectstatic reads no database: any URL satisfies the production settings here.
RUN SECRET_KEY=build SPECIAL_DATA_KEYS=build DATABASE_URL=postgres://build@localhost/build \
        python manage.py collectstatic --noinput \
    && useradd --system --home /app journal \
    && mkdir -p /app/var/media /app/var/beat && chown -R journal /app/var
USER journal
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
