"""Public statistics pages."""

app_name = "stats"

urlpatterns: list = []
