"""Web pages: participation (filled in by the fairs issue)."""

urlpatterns: list = []
