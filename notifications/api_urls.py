"""The notifications API, mounted under /api/v1/."""

from notifications.apis import urlpatterns

__all__ = ["urlpatterns"]
