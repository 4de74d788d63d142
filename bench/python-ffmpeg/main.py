"""Seed 002's service (vidaud, a video-to-audio converter), reduced to what the image needs to prove:
FastAPI under uvicorn, pydub/mutagen/watchdog/xxhash importable, and the ffmpeg binary runnable."""
import os
import sys

from vidaud.api import app, health

if __name__ == "__main__":
    if "--check" in sys.argv:  # a smoke test without a server
        print(health())
        sys.exit(0)
    import uvicorn

    uvicorn.run(app, host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "8080")))
