"""Public statistics pages."""

from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("headline.csv", views.headline_csv, name="headline-csv"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("refresh/", views.refresh, name="refresh"),
    path("<slug:chart>.csv", views.chart_csv, name="chart-csv"),
    path("<slug:section>/", views.section, name="section"),
]
