from vidaud.api import health


def test_health_reports_ffmpeg():
    assert health()["ffmpeg"].startswith("ffmpeg version")
