# syntax=docker/dockerfile:1
# The Fazhi Graph API: `docker compose up` runs it against Neo4j (see docker-compose.yml).
# Build alone: docker build -t fazhi-graph . && docker run -p 8000:8000 fazhi-graph
# GraphiQL's browser files, pinned in web/graphiql/package-lock.json (the app serves them: no CDN).
FROM node:20-slim AS graphiql
WORKDIR /graphiql
COPY web/graphiql/package.json web/graphiql/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim

# uv from its official image, pinned to the version that wrote uv.lock.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /bin/

ENV UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PYTHONUNBUFFERED=1

WORKDIR /app

# Dependencies first (cached while only the code changes), then the project itself.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
COPY . .
COPY --from=graphiql /graphiql/node_modules web/graphiql/node_modules
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

# Run unprivileged; the data dir and the gazetteer cache (~/.cache/fazhi) belong to that user.
RUN useradd --create-home --uid 10001 fazhi && mkdir -p /app/.fazhi && chown fazhi /app/.fazhi
USER fazhi
ENV PATH="/app/.venv/bin:$PATH" \
    FAZHI_DATA_DIR=/app/.fazhi

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["fazhi", "serve", "--host", "0.0.0.0", "--port", "8000"]
