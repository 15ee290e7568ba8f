"""Celery tasks: matching and fan-out."""
