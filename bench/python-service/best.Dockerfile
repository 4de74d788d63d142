# Ours for seed 000's service: flask and boto3 installed in a builder (Debian's python3-flask and
# python3-boto3: no PyPI here; with PyPI, `pip install --no-cache-dir --target /site -r requirements.txt`),
# only their site-packages entries copied onto the distroless-style Python runtime (interpreter, stdlib,
# library closure, CA certificates; no shell, apt or pip), code copied last, non-root 65532, bytecode
# of the app not written. No HEALTHCHECK: no shell or HTTP client in the image; the orchestrator checks
# /healthz (ECS healthCheck, Kubernetes probe).
ARG PYTHON_BUILD_IMAGE=python:3.12-slim
ARG PYTHON_RUNTIME_IMAGE=gcr.io/distroless/python3-debian12:nonroot

FROM ${PYTHON_BUILD_IMAGE} AS deps
COPY requirements.txt /tmp/
RUN ls /usr/lib/python3/dist-packages > /tmp/before \
    && apt-get update && apt-get install -y --no-install-recommends python3-flask python3-boto3 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /site \
    && ls /usr/lib/python3/dist-packages | grep -vxFf /tmp/before \
       | sed 's#^#/usr/lib/python3/dist-packages/#' | xargs cp -a -t /site

FROM ${PYTHON_RUNTIME_IMAGE}
COPY --from=deps /site /usr/lib/python3/dist-packages
ENV PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY app.py .
USER 65532:65532
EXPOSE 8080
CMD ["app.py"]
