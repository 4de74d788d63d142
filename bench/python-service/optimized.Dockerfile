# Seed 000's "after", as its report describes it: a builder stage installs the packages, the final stage
# is python:3.12-slim with only flask and boto3, pip's cache off (--no-cache-dir), RUNs combined, a
# .dockerignore (optimized.Dockerfile.dockerignore), a non-root appuser owning the files.
# Substitution (no PyPI here): `pip install --no-cache-dir --user flask boto3` in the builder becomes
# Debian's python3-flask and python3-boto3, whose new dist-packages entries are copied to the prefix
# pip --user would have used (/root/.local), and from there to the final stage.
ARG PYTHON_IMAGE=python:3.12-slim
FROM ${PYTHON_IMAGE} AS builder
WORKDIR /app
COPY requirements.txt .
# seed: RUN pip install --no-cache-dir --user -r requirements.txt
RUN ls /usr/lib/python3/dist-packages > /tmp/before \
    && apt-get update && apt-get install -y --no-install-recommends python3-flask python3-boto3 \
    && mkdir -p /root/.local/lib/python3.11/site-packages \
    && ls /usr/lib/python3/dist-packages | grep -vxFf /tmp/before \
       | sed 's#^#/usr/lib/python3/dist-packages/#' | xargs cp -a -t /root/.local/lib/python3.11/site-packages

FROM ${PYTHON_IMAGE}
RUN useradd --create-home appuser
WORKDIR /app
COPY --from=builder --chown=appuser:appuser /root/.local /home/appuser/.local
COPY --chown=appuser:appuser app.py .
USER appuser
EXPOSE 8080
CMD ["python", "app.py"]
