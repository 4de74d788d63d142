import os
import subprocess

import fastapi
import mutagen
import pydub
import watchdog
import xxhash

APP_VERSION = "1"  # the benchmark bumps it for a code-only change

app = fastapi.FastAPI()


@app.get("/health")
def health() -> dict:
    ffmpeg = subprocess.run(["ffmpeg", "-hide_banner", "-version"], capture_output=True, text=True, check=True)
    return {
        "version": APP_VERSION,
        "ffmpeg": ffmpeg.stdout.split("\n", 1)[0],
        "pydub": pydub.AudioSegment.converter,
        "mutagen": mutagen.version_string,
        "watchdog": watchdog.__name__,
        "xxhash": xxhash.xxh64(b"vidaud").hexdigest(),
        "uid": os.getuid(),
    }
