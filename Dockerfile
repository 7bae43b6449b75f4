# Vigie: slim runtime image, non-root, charter and sample shipped.

# The official python:3.11-slim image, pinned by the digest of its multi-platform manifest list, so a
# rebuild gets the same Python and Debian whatever the tag points to later. To refresh it on purpose:
#   docker buildx imagetools inspect python:3.11-slim        (take the "Digest:" line)
# then rebuild, run the bot and `make test` in it, and commit the new digest. Override for a one-off
# build with --build-arg PYTHON_IMAGE=python:3.11-slim@sha256:...
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIGIE_DB=/data/vigie.sqlite3 \
    VIGIE_CHARTER=/app/policies/charter.toml

RUN useradd --create-home --uid 10001 vigie \
    && mkdir -p /data && chown vigie:vigie /data

WORKDIR /app
# Dependencies first, at the exact versions developers test (hashes checked): this layer is rebuilt
# only when the lock changes, not on every code change.
COPY requirements-runtime.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements-runtime.lock

COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY cogs ./cogs
COPY policies ./policies
RUN pip install --no-cache-dir --no-deps .

USER vigie
VOLUME ["/data"]
EXPOSE 3000 8080
# /healthz on VIGIE_HEALTH_PORT (8080): the database answers and every platform is connected.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "bot", "health"]
# SIGTERM (docker stop) stops taking events and exits within 10 s; recorded steps resume at the next start.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
