# The image pipelines/executors/k8s.yaml runs every step in (README, "Run it on Kubernetes"):
#   docker build -t registry.example.com/chipfacts:latest .
# The locked dependencies are installed with their hashes, as the Quickstart does; the code is
# installed editable because the warehouse's SQL (sql/) is read from beside the package.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 chipfacts
WORKDIR /app

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY pyproject.toml README.md LICENSE workspace.yaml ./
COPY .dagster_home/dagster.yaml ./dagster.yaml
COPY pipelines ./pipelines
COPY assets ./assets
COPY sql ./sql
RUN pip install --no-deps -e . && chipfacts --version

# Every setting of README "Configuration" can be overridden; these put the folder, the
# warehouse and Dagster's history on the one volume every step mounts (/data).
ENV SEEDS_DIR=/data/seeds \
    DUCKDB_PATH=/data/warehouse.duckdb \
    STAGING_DIR=/data/staging \
    DAGSTER_HOME=/data/dagster_home

USER chipfacts
# Dagster needs DAGSTER_HOME to exist, with the instance settings (the warehouse's pool) in it.
CMD ["sh", "-c", "mkdir -p \"$DAGSTER_HOME\" && cp -n /app/dagster.yaml \"$DAGSTER_HOME/\" && exec dagster asset materialize -m pipelines.definitions --select '*'"]
