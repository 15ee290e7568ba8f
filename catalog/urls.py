from rest_framework.routers import DefaultRouter

from catalog import apis

app_name = "catalog-api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", apis.RegionViewSet, basename="region")
router.register("occupations", apis.OccupationViewSet, basename="occupation")
router.register("skills", apis.SkillViewSet, basename="skill")
router.register("education-levels", apis.EducationLevelViewSet, basename="education-level")
router.register("employment-types", apis.EmploymentTypeViewSet, basename="employment-type")
router.register("schedules", apis.WorkScheduleViewSet, basename="schedule")
router.register("industries", apis.IndustryViewSet, basename="industry")

urlpatterns = router.urls
