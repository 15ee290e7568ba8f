"""API endpoints: seekers (filled in by the fairs issue)."""

urlpatterns: list = []
