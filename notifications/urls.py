"""Web pages of the notifications app, mounted at /notifications/ (namespace "notifications")."""

from notifications import views

app_name = "notifications"

urlpatterns = views.urlpatterns
