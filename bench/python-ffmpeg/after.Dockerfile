# Seed 002's "after": requirements-prod.txt only, a .dockerignore (after.Dockerfile.dockerignore),
# --no-install-recommends with the lists removed in the same RUN, `apt-get autoremove`, only src/ and
# main.py copied, a curl healthcheck. Substitution (no PyPI here): `pip install --user -r
# requirements-prod.txt` is Debian's packages of the same nine projects (bench/python-ffmpeg/README.md).
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE} AS builder
RUN apt-get update && apt-get install -y --no-install-recommends \
    gcc g++ \
    && rm -rf /var/lib/apt/lists/* \
    && apt-get clean
WORKDIR /app
COPY requirements-prod.txt .
# seed: RUN pip install --user --no-cache-dir -r requirements-prod.txt
RUN ls /usr/lib/python3/dist-packages > /tmp/before \
    && apt-get update && apt-get install -y --no-install-recommends python3-fastapi python3-uvicorn \
       python3-pydantic python3-pydub python3-mutagen python3-watchdog python3-inotify python3-requests python3-xxhash \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /root/.local/lib/python3.11/site-packages \
    && ls /usr/lib/python3/dist-packages | grep -vxFf /tmp/before \
       | sed 's#^#/usr/lib/python3/dist-packages/#' | xargs cp -a -t /root/.local/lib/python3.11/site-packages

FROM ${PYTHON_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends \
    ffmpeg curl libxxhash0 \
    && rm -rf /var/lib/apt/lists/* \
    && apt-get clean \
    && apt-get autoremove -y
RUN useradd --create-home vidaud
WORKDIR /app
COPY --from=builder --chown=vidaud:vidaud /root/.local /home/vidaud/.local
COPY --chown=vidaud:vidaud src/ ./src/
COPY --chown=vidaud:vidaud main.py ./
USER vidaud
ENV PYTHONPATH=/app/src
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
    CMD curl -f http://localhost:8080/health || exit 1
CMD ["python", "main.py"]
