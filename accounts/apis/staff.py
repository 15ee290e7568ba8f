"""Staff API: the verification queue, employment centres and who works where."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis.organizations import MemberSerializer, OrganizationSerializer
from accounts.models import EmploymentCentre, Organization, StaffAssignment
from accounts.selectors.organizations import (
    organization_get_for_verification,
    organization_owners,
    organizations_for_verification,
)
from accounts.selectors.staff import (
    NO_SUCH_USER,
    centres_for_user,
    require_administrator,
    staff_assignment_get_for_admin,
    staff_assignments_for_user,
    user_get_by_email,
)
from accounts.services.organizations import organization_reject, organization_verify
from accounts.services.staff import staff_assign, staff_unassign

ALL_STATUSES = "all"

# --- Serializers ------------------------------------------------------------------------------


class QueueQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*Organization.Status.values, ALL_STATUSES],
        default=Organization.Status.PENDING,
        help_text="Review status to list; `all` lists every status.",
    )


class StaffOrganizationSerializer(OrganizationSerializer):
    """An organization under review, with the owners to contact."""

    owners = serializers.SerializerMethodField()

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "owners"]
        read_only_fields = fields

    @extend_schema_field(MemberSerializer(many=True))
    def get_owners(self, organization):
        return MemberSerializer(organization_owners(organization=organization), many=True).data


class RejectSerializer(serializers.Serializer):
    # Blank passes here so the service answers with its own message, as the page shows it.
    reason = serializers.CharField(allow_blank=True, help_text="Shown to the employer: what to correct.")


class CentreSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    staff_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = EmploymentCentre
        fields = ["id", "name", "region", "region_name", "address", "phone", "staff_count"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    user_email = serializers.EmailField(source="user.email", read_only=True)
    user_full_name = serializers.CharField(source="user.full_name", read_only=True)
    centre_id = serializers.IntegerField(read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    region = serializers.SlugRelatedField(source="centre.region", slug_field="code", read_only=True)

    class Meta:
        model = StaffAssignment
        fields = ["id", "user_email", "user_full_name", "centre_id", "centre_name", "region", "created_at"]
        read_only_fields = fields


class AssignmentInputSerializer(serializers.Serializer):
    user_email = serializers.EmailField(help_text="The e-mail address of an existing account.")
    centre_id = serializers.PrimaryKeyRelatedField(queryset=EmploymentCentre.objects.all())

    def validate(self, attrs):
        attrs["user"] = user_get_by_email(email=attrs["user_email"])
        if attrs["user"] is None:
            raise serializers.ValidationError({"user_email": [NO_SUCH_USER]})
        return attrs


# --- Verification -----------------------------------------------------------------------------


class OrganizationQueueApi(generics.ListAPIView):
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()  # names the model for the schema; get_queryset() scopes the real one

    @extend_schema(
        summary="Organizations of your region by review status, oldest first (staff and administrators)",
        parameters=[QueueQuerySerializer],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = QueueQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data["status"]
        return organizations_for_verification(user=self.request.user, status=None if wanted == ALL_STATUSES else wanted)


class OrganizationReviewApi(APIView):
    @extend_schema(
        summary="An organization under review, with its owners", responses={200: StaffOrganizationSerializer}
    )
    def get(self, request, organization_id: int):
        organization = organization_get_for_verification(user=request.user, organization_id=organization_id)
        return Response(StaffOrganizationSerializer(organization, context={"request": request}).data)


class OrganizationVerifyApi(APIView):
    @extend_schema(summary="Verify an organization", request=None, responses={200: OrganizationSerializer})
    def post(self, request, organization_id: int):
        organization = organization_get_for_verification(user=request.user, organization_id=organization_id)
        organization = organization_verify(organization=organization, by=request.user)
        return Response(OrganizationSerializer(organization, context={"request": request}).data)


class OrganizationRejectApi(APIView):
    @extend_schema(
        summary="Reject an organization (or withdraw its verification) with a reason",
        request=RejectSerializer,
        responses={200: OrganizationSerializer},
    )
    def post(self, request, organization_id: int):
        organization = organization_get_for_verification(user=request.user, organization_id=organization_id)
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = organization_reject(
            organization=organization, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(OrganizationSerializer(organization, context={"request": request}).data)


# --- Centres and staff ------------------------------------------------------------------------


class CentreListApi(generics.ListAPIView):
    serializer_class = CentreSerializer
    queryset = EmploymentCentre.objects.none()  # names the model for the schema; get_queryset() scopes the real one

    @extend_schema(summary="Employment centres: all for administrators, your region's for staff")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return centres_for_user(user=self.request.user)


class AssignmentListApi(generics.ListAPIView):
    serializer_class = AssignmentSerializer
    queryset = StaffAssignment.objects.none()  # names the model for the schema; get_queryset() scopes the real one

    @extend_schema(summary="Staff members: all for administrators, your region's for staff")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return staff_assignments_for_user(user=self.request.user)

    @extend_schema(
        summary="Make a user a member of staff of a centre, or move them (administrators only)",
        request=AssignmentInputSerializer,
        responses={201: AssignmentSerializer},
    )
    def post(self, request):
        require_administrator(request.user)
        serializer = AssignmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = staff_assign(
            user=serializer.validated_data["user"], centre=serializer.validated_data["centre_id"], by=request.user
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentApi(APIView):
    @extend_schema(summary="Take a member of staff out of their centre (administrators only)", responses={204: None})
    def delete(self, request, assignment_id: int):
        assignment = staff_assignment_get_for_admin(user=request.user, assignment_id=assignment_id)
        staff_unassign(assignment=assignment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("staff/organizations/", OrganizationQueueApi.as_view(), name="api-staff-organizations"),
    path("staff/organizations/<int:organization_id>/", OrganizationReviewApi.as_view(), name="api-staff-organization"),
    path(
        "staff/organizations/<int:organization_id>/verify/",
        OrganizationVerifyApi.as_view(),
        name="api-staff-organization-verify",
    ),
    path(
        "staff/organizations/<int:organization_id>/reject/",
        OrganizationRejectApi.as_view(),
        name="api-staff-organization-reject",
    ),
    path("staff/centres/", CentreListApi.as_view(), name="api-staff-centres"),
    path("staff/assignments/", AssignmentListApi.as_view(), name="api-staff-assignments"),
    path("staff/assignments/<int:assignment_id>/", AssignmentApi.as_view(), name="api-staff-assignment"),
]
