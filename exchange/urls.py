from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from exchange import apis, views

api_v1 = [
    path("", apis.api_root, name="api-root"),
    path("catalog/", include("catalog.urls")),
    path("", include("accounts.api_urls")),
    path("", include("vacancies.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("fairs.api_urls")),
    path("stats/", include("stats.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("vacancies/", include("vacancies.urls")),
    path("notifications/", include(("notifications.urls", "notifications"))),
    path("fairs/", include("fairs.urls")),
    path("stats/", include("stats.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler403 = "exchange.views.error_403"
handler404 = "exchange.views.error_404"
handler500 = "exchange.views.error_500"
