"""Seed 000's service: a Flask app that talks to AWS through boto3 (no request leaves this machine:
the S3 client is built, never called)."""
import json
import os
import sys

import boto3
import flask

APP_VERSION = "1"  # the benchmark bumps it for a code-only change

app = flask.Flask(__name__)
s3 = boto3.session.Session(region_name=os.environ.get("AWS_REGION", "us-east-1")).client("s3")


@app.route("/healthz")
def healthz():
    return flask.jsonify(
        version=APP_VERSION,
        python=sys.version.split()[0],
        boto3=boto3.__version__,
        s3_endpoint=s3.meta.endpoint_url,
        uid=os.getuid(),
    )


if __name__ == "__main__":
    if "--check" in sys.argv:  # what a HEALTHCHECK or a smoke test runs without a server
        print(json.dumps({"version": APP_VERSION, "boto3": boto3.__version__}))
        sys.exit(0)
    app.run(host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "8080")))
