"""The web app (FastAPI): server-rendered pages, a JSON API under /api/v1, static ES modules."""
