"""Celery tasks: imports."""
