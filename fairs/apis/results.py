"""API endpoints: results (filled in by the fairs issue)."""

urlpatterns: list = []
