# Ours for seed 002's service: the production packages and ffmpeg are installed in a builder; the
# runtime is the distroless-style Python base plus exactly what runs: the packages' site-packages
# entries, the ffmpeg binary and the shared-library closure (ldd) of ffmpeg and of every extension module,
# each library at the path ldd found it under (/lib is /usr/lib in both images; Debian's alternatives,
# e.g. libblas.so.3, are copied as the file the link points to, where the loader looks for it). No shell, apt, pip or curl; non-root 65532; no HEALTHCHECK
# (nothing in the image can run one: the orchestrator checks /health). Substitution (no PyPI here):
# Debian's packages of the nine production projects (bench/python-ffmpeg/README.md).
ARG PYTHON_BUILD_IMAGE=python:3.11-slim
ARG PYTHON_RUNTIME_IMAGE=gcr.io/distroless/python3-debian12:nonroot

FROM ${PYTHON_BUILD_IMAGE} AS deps
COPY requirements-prod.txt /tmp/
RUN ls /usr/lib/python3/dist-packages > /tmp/before \
    && apt-get update && apt-get install -y --no-install-recommends ffmpeg python3-fastapi python3-uvicorn \
       python3-pydantic python3-pydub python3-mutagen python3-watchdog python3-inotify python3-requests python3-xxhash \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /out/usr/lib/python3/dist-packages /out/usr/bin \
    && ls /usr/lib/python3/dist-packages | grep -vxFf /tmp/before \
       | sed 's#^#/usr/lib/python3/dist-packages/#' | xargs cp -a -t /out/usr/lib/python3/dist-packages \
    && cp /usr/bin/ffmpeg /out/usr/bin/ \
    && { ldd /usr/bin/ffmpeg; find /out/usr/lib/python3/dist-packages -name '*.so' -exec ldd {} \; ; } \
       | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u \
       | while read -r lib; do dir=/usr$(dirname "$lib" | sed 's#^/usr##'); mkdir -p "/out$dir"; \
           cp -L "$lib" "/out$dir/$(basename "$lib")"; done

FROM ${PYTHON_RUNTIME_IMAGE}
COPY --from=deps /out/ /
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=/app/src
WORKDIR /app
COPY src/ ./src/
COPY main.py ./
USER 65532:65532
EXPOSE 8080
CMD ["main.py"]
