"""Web pages of the vacancies app; each views module declares its own ``urlpatterns``."""

from vacancies.views import applications, imports, lifecycle, matching, projects, referrals, search

app_name = "vacancies"

urlpatterns = [
    *search.urlpatterns,
    *lifecycle.urlpatterns,
    *applications.urlpatterns,
    *referrals.urlpatterns,
    *projects.urlpatterns,
    *imports.urlpatterns,
    *matching.urlpatterns,
]
