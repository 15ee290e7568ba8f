from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse


@extend_schema(summary="API root: links to the documentation and the resources", responses={200: dict})
@api_view(["GET"])
@permission_classes([AllowAny])  # public on purpose: it only lists links
def api_root(request, format=None):
    return Response(
        {
            "schema": reverse("schema", request=request, format=format),
            "docs": reverse("swagger-ui", request=request, format=format),
            "catalog": {
                "regions": reverse("catalog-api:region-list", request=request, format=format),
                "occupations": reverse("catalog-api:occupation-list", request=request, format=format),
                "skills": reverse("catalog-api:skill-list", request=request, format=format),
            },
        }
    )
