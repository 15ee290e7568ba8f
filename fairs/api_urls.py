"""API endpoints of the fairs app under /api/v1/; each apis module declares its own ``urlpatterns``."""

from fairs.apis import fairs, participation, results, seekers

urlpatterns = [
    *fairs.urlpatterns,
    *participation.urlpatterns,
    *seekers.urlpatterns,
    *results.urlpatterns,
]
