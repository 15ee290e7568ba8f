from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Site-wide templates, static files, the home page and the health check."""

    name = "exchange"
    verbose_name = "Exchange"
