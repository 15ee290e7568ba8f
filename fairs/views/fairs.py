"""Web pages: fairs (filled in by the fairs issue)."""

urlpatterns: list = []
