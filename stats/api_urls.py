"""Statistics API under /api/v1/stats/ (the endpoints are declared in ``stats.apis``)."""

from stats import apis

urlpatterns = [*apis.urlpatterns]
