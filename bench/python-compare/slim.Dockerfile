# Seed 004 "Dockerfile.slim", verbatim but for the base, which is a build arg (default: the seed's image).
ARG PYTHON_IMAGE=python:3.12-slim
FROM ${PYTHON_IMAGE}
WORKDIR /app
COPY app.py .
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
CMD ["python", "app.py"]
