"""Web pages of the accounts app; each views module declares its own ``urlpatterns``."""

from accounts.views import auth, organizations, seekers, staff

app_name = "accounts"

urlpatterns = [*auth.urlpatterns, *seekers.urlpatterns, *organizations.urlpatterns, *staff.urlpatterns]
