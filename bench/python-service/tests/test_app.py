import app


def test_healthz():
    client = app.app.test_client()
    assert client.get("/healthz").json["version"] == app.APP_VERSION
