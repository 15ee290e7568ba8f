"""API endpoints of the vacancies app under /api/v1/; each apis module declares its own ``urlpatterns``."""

from vacancies.apis import applications, imports, lifecycle, matching, projects, referrals, search

urlpatterns = [
    *search.urlpatterns,
    *lifecycle.urlpatterns,
    *applications.urlpatterns,
    *referrals.urlpatterns,
    *projects.urlpatterns,
    *imports.urlpatterns,
    *matching.urlpatterns,
]
