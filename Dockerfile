# Relais: production image. Configure with RELAIS_* / SLACK_* / MATTERMOST_* variables.
# The install steps are the lock's, in this order; `make docker-check` replays every
# `RUN pip install` line below in a throwaway venv where Docker cannot run.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY store ./store
RUN pip install --no-deps --no-build-isolation .
RUN useradd --create-home --uid 10001 relais \
    && mkdir -p /data \
    && chown relais:relais /data

USER 10001
WORKDIR /data
ENV RELAIS_DATABASE_URL=sqlite:////data/relais.db \
    RELAIS_HTTP_PORT=3000 \
    RELAIS_LOG_FORMAT=json
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]

ENTRYPOINT ["relais"]
CMD ["run"]
