# The exchange as one image: web (gunicorn, the default command), worker and beat (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# collectstatic only reads settings; these build-time values never reach the running image.
RUN SECRET_KEY=build-only-secret-key-build-only-secret-key-build-only-0000 \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build EMAIL_URL=consolemail:// \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --create-home --uid 10001 exchange \
    && mkdir -p /app/var && chown -R exchange:exchange /app/var
USER exchange

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "exchange.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
