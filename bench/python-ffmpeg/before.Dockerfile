# Seed 002's "before" (vidaud), as its report describes it: python:3.11-slim, already multi-stage, but
# no .dockerignore (the whole project is the build context), requirements.txt pulling the development
# and test tools too (pytest, pytest-asyncio, pytest-cov, flake8, black, bandit, safety), apt without
# --no-install-recommends or cleanup, `COPY --chown=vidaud:vidaud . .`, a healthcheck that imports
# requests. Substitution (no PyPI here): `pip install --user -r requirements.txt` is Debian's packages
# of the same projects (bench/python-ffmpeg/README.md), copied to the prefix pip --user uses.
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE} AS builder
RUN apt-get update && apt-get install -y gcc g++
WORKDIR /app
COPY . .
# seed: RUN pip install --user -r requirements.txt
RUN ls /usr/lib/python3/dist-packages > /tmp/before \
    && apt-get install -y python3-fastapi python3-uvicorn python3-pydantic python3-pydub python3-mutagen \
       python3-watchdog python3-inotify python3-requests python3-xxhash \
       python3-pytest python3-pytest-asyncio python3-pytest-cov flake8 black bandit \
    && mkdir -p /root/.local/lib/python3.11/site-packages \
    && ls /usr/lib/python3/dist-packages | grep -vxFf /tmp/before \
       | sed 's#^#/usr/lib/python3/dist-packages/#' | xargs cp -a -t /root/.local/lib/python3.11/site-packages

FROM ${PYTHON_IMAGE}
RUN apt-get update && apt-get install -y ffmpeg curl libxxhash0
RUN useradd --create-home vidaud
WORKDIR /app
COPY --from=builder --chown=vidaud:vidaud /root/.local /home/vidaud/.local
COPY --chown=vidaud:vidaud . .
USER vidaud
ENV PYTHONPATH=/app/src
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 \
    CMD python -c "import requests; requests.get('http://localhost:8080/health')" || exit 1
CMD ["python", "main.py"]
