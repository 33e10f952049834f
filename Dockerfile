FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.prod
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY apps ./apps
COPY config ./config
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build SPECIAL_DATA_KEYS=build DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput
RUN useradd --system --home /app journal && mkdir -p /app/var/media && chown -R journal /app/var
USER journal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4", "--access-logfile", "-"]
