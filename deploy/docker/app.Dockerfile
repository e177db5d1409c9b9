# syntax=docker/dockerfile:1.7
# The Streamlit app: an HTTP client of the API only (`lexrisk ui`, the `ui` extra).
#   docker build -f deploy/docker/app.Dockerfile -t lexrisk-app .
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY contracts contracts
COPY analyzers analyzers
COPY word word
COPY annotation annotation
COPY training training
COPY serving serving
COPY ui ui
COPY eval eval
COPY lexrisk lexrisk
RUN /opt/venv/bin/pip install ".[ui]" && /opt/venv/bin/lexrisk ui --help > /dev/null

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN useradd --system --uid 10001 --home-dir /home/lexrisk --create-home lexrisk
COPY --from=build /opt/venv /opt/venv
USER 10001
WORKDIR /home/lexrisk
EXPOSE 8501
# Streamlit's own health endpoint
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["lexrisk", "ui", "--api-url", "http://api:8000", "--port", "8501"]
