"""API endpoints of the accounts app under /api/v1/; each apis module declares its own ``urlpatterns``."""

from accounts.apis import me, organizations, seekers, staff

urlpatterns = [*me.urlpatterns, *seekers.urlpatterns, *organizations.urlpatterns, *staff.urlpatterns]
