# Seed 001's last step, with what this machine can build: the seed freezes its app with PyInstaller and
# ships the binary FROM scratch (1.2 GB -> 8 MB). PyInstaller is neither on PyPI here (no PyPI) nor in
# Debian, so tools/mktiny.py does the same job with the standard library: it runs the app once, records
# every module it imported and every file it opened, byte-compiles the modules at -OO into python311.zip,
# and keeps the interpreter, the extension modules that were loaded and their ldd closure, the botocore
# data files the S3 client read (gzipped: botocore loads <name>.json.gz) and the CA bundle botocore
# verifies TLS with. Same trade-off as PyInstaller: a module the trace never imported is missing at run
# time. What each step saves, in bytes, is in mktiny.py's docstring (25.3 -> 21.7 MB uncompressed).
ARG PYTHON_BUILD_IMAGE=python:3.12-slim
FROM ${PYTHON_BUILD_IMAGE} AS builder
COPY requirements.txt /tmp/
RUN apt-get update && apt-get install -y --no-install-recommends python3-flask python3-boto3 \
    && rm -rf /var/lib/apt/lists/*
COPY tools/mktiny.py /tmp/
COPY app.py /tmp/app/app.py
RUN python3 /tmp/mktiny.py /tmp/app/app.py /closure

FROM scratch
COPY --from=builder /closure/ /
ENV PATH=/usr/bin LANG=C.UTF-8 PYTHONHOME=/usr PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY app.py .
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/bin/python3"]
CMD ["app.py"]
