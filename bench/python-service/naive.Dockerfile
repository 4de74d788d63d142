# Seed 000's "before", as its report lists it: python:3.12 (full), editors and compilers from apt without
# cleanup, data-science, notebook and test packages, no .dockerignore (the benchmark's context carries .git,
# tests and .env), root, one stage, and the whole context copied before anything is installed.
# Substitution (no PyPI here): the seed's `pip install -r requirements.txt` (requirements-naive.txt:
# flask boto3 pandas numpy scikit-learn matplotlib jupyter pytest black pylint) is Debian's packages of
# the same projects, installed with apt in the same way (recommends included, lists kept).
ARG PYTHON_IMAGE=python:3.12
FROM ${PYTHON_IMAGE}
WORKDIR /app
COPY . .
RUN apt-get update
RUN apt-get install -y curl git vim nano htop tree build-essential
# seed: RUN pip install -r requirements-naive.txt
RUN apt-get install -y python3-flask python3-boto3 python3-pandas python3-numpy python3-sklearn \
    python3-matplotlib jupyter-notebook python3-pytest black pylint
EXPOSE 8080
CMD ["python", "app.py"]
