# Seed 004 "Dockerfile.fat", verbatim but for the base, which is a build arg (default: the seed's image).
ARG PYTHON_IMAGE=python:3.12
FROM ${PYTHON_IMAGE}
WORKDIR /app
COPY app.py .
RUN apt-get update && apt-get install -y curl
CMD ["python", "app.py"]
