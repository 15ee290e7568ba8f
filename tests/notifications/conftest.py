import pytest


@pytest.fixture
def database_mail(settings):
    """E-mail goes to the DeliveredEmail table, in the sending transaction (see mail_backends)."""
    settings.EMAIL_BACKEND = "notifications.mail_backends.DatabaseEmailBackend"
