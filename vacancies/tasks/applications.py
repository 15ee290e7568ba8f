"""Celery tasks: applications."""
