# Vigie: slim runtime image, non-root, charter and sample shipped.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIGIE_DB=/data/vigie.sqlite3 \
    VIGIE_CHARTER=/app/policies/charter.toml

RUN useradd --create-home --uid 10001 vigie \
    && mkdir -p /data && chown vigie:vigie /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY policies ./policies
RUN pip install --no-cache-dir .

USER vigie
VOLUME ["/data"]
EXPOSE 3000 8080
# /healthz on VIGIE_HEALTH_PORT (8080): the database answers and every platform is connected.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "bot", "health"]
# SIGTERM (docker stop) stops taking events and exits within 10 s; recorded steps resume at the next start.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
