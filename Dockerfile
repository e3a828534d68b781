# Relais: production image. Configure with RELAIS_* / SLACK_* / MATTERMOST_* variables.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY store ./store
RUN pip install . \
    && useradd --create-home --uid 10001 relais \
    && mkdir -p /data \
    && chown relais:relais /data

USER relais
WORKDIR /data
ENV RELAIS_DATABASE_URL=sqlite:////data/relais.db \
    RELAIS_HTTP_PORT=3000 \
    RELAIS_LOG_FORMAT=json
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)" || exit 1

ENTRYPOINT ["relais"]
CMD ["run"]
