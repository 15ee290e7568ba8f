"""Celery tasks: lifecycle."""
