# Ours for seed 004's app: the dependencies are installed in a builder (Debian's python3-flask: no PyPI
# here; with PyPI, `pip install --no-cache-dir --target /site -r requirements.txt`) and only the new
# site-packages entries reach a distroless-style Python runtime: the interpreter, its stdlib and library
# closure, no shell, no apt, no pip, non-root (65532). No HEALTHCHECK: the image has no shell or HTTP
# client to run one, and the app serves nothing; the orchestrator's check is the place for it.
ARG PYTHON_BUILD_IMAGE=python:3.12-slim
ARG PYTHON_RUNTIME_IMAGE=gcr.io/distroless/python3-debian12:nonroot

FROM ${PYTHON_BUILD_IMAGE} AS deps
COPY requirements.txt /tmp/
RUN ls /usr/lib/python3/dist-packages > /tmp/before \
    && apt-get update && apt-get install -y --no-install-recommends python3-flask \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /site \
    && ls /usr/lib/python3/dist-packages | grep -vxFf /tmp/before \
       | sed 's#^#/usr/lib/python3/dist-packages/#' | xargs cp -a -t /site

FROM ${PYTHON_RUNTIME_IMAGE}
COPY --from=deps /site /usr/lib/python3/dist-packages
WORKDIR /app
COPY app.py .
USER 65532:65532
ENV PYTHONDONTWRITEBYTECODE=1
CMD ["app.py"]
