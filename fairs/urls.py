"""Web pages of the fairs app; each views module declares its own ``urlpatterns``."""

from fairs.views import fairs, participation, results, seekers

app_name = "fairs"

urlpatterns = [
    *fairs.urlpatterns,
    *participation.urlpatterns,
    *seekers.urlpatterns,
    *results.urlpatterns,
]
