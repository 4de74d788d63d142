# Seed 004 "Dockerfile.multi", verbatim but for the bases (build args) and one substitution: no PyPI here,
# so the builder's `pip install --no-cache-dir --prefix=/install -r requirements.txt` becomes Debian's
# python3-flask, whose new dist-packages entries are copied to the same prefix (/install, which the final
# stage copies to /usr/local: Debian's python3 reads /usr/local/lib/python3.11/dist-packages).
ARG PYTHON_IMAGE=python:3.12-slim
# ---- Builder ----
FROM ${PYTHON_IMAGE} AS builder
WORKDIR /app
COPY requirements.txt .
# seed: RUN pip install --no-cache-dir --prefix=/install -r requirements.txt
RUN ls /usr/lib/python3/dist-packages > /tmp/before \
    && apt-get update && apt-get install -y --no-install-recommends python3-flask \
    && mkdir -p /install/lib/python3.11/dist-packages \
    && ls /usr/lib/python3/dist-packages | grep -vxFf /tmp/before \
       | sed 's#^#/usr/lib/python3/dist-packages/#' | xargs cp -a -t /install/lib/python3.11/dist-packages

# ---- Final ----
FROM ${PYTHON_IMAGE}
WORKDIR /app
COPY --from=builder /install /usr/local
COPY app.py .
EXPOSE 8000
CMD ["python", "app.py"]
