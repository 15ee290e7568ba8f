"""Employer API: the caller's organization, its members and invitations, and public employer pages."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import MemberInvitation, Membership, Organization
from accounts.selectors.organizations import (
    invitation_get_for_accepting,
    invitation_get_for_owner,
    invitation_is_expired,
    membership_get_for_member,
    membership_get_for_owner,
    organization_can_publish,
    organization_get_for_member,
    organization_get_for_owner,
    organization_get_for_viewing,
    organization_members,
    organization_open_invitations,
    organization_setup_check,
    organizations_public,
)
from accounts.services.organizations import (
    invitation_accept,
    invitation_revoke,
    member_invite,
    member_remove,
    organization_create,
    organization_update,
)
from catalog.models import Region

# --- Serializers ------------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    """An organization as its members and staff see it (with the BIN and the review status)."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry = serializers.SlugRelatedField(slug_field="code", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    logo = serializers.ImageField(read_only=True)
    can_publish = serializers.SerializerMethodField(help_text="Whether its vacancies may be published (verified).")

    class Meta:
        model = Organization
        fields = [
            "id",
            "bin",
            "legal_name",
            "region",
            "region_name",
            "industry",
            "industry_name",
            "size",
            "website",
            "description",
            "logo",
            "status",
            "status_reason",
            "verified_at",
            "can_publish",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_publish(self, organization) -> bool:
        return organization_can_publish(organization)


class YourMembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "role", "created_at"]
        read_only_fields = fields


class OwnOrganizationSerializer(OrganizationSerializer):
    """The caller's organization, with the caller's membership (``context["membership"]``)."""

    your_membership = serializers.SerializerMethodField()

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "your_membership"]
        read_only_fields = fields

    @extend_schema_field(YourMembershipSerializer)
    def get_your_membership(self, organization) -> dict:
        return YourMembershipSerializer(self.context["membership"]).data


def _own_organization_data(membership: Membership, request) -> dict:
    context = {"request": request, "membership": membership}
    return OwnOrganizationSerializer(membership.organization, context=context).data


class OrganizationInputSerializer(serializers.Serializer):
    """What an owner sends. Only shapes are checked here: the service checks the values (BIN,
    catalog codes, logo) and answers field errors in the same format.
    """

    bin = serializers.CharField(help_text="12-digit BIN.")
    legal_name = serializers.CharField(max_length=300)
    region = serializers.CharField(help_text="Region code, e.g. KZ-71 (see /api/v1/catalog/regions/).")
    industry = serializers.CharField(help_text="OKED section A-U (see /api/v1/catalog/industries/).")
    size = serializers.ChoiceField(choices=Organization.Size.choices)
    website = serializers.URLField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    logo = serializers.FileField(
        required=False, allow_null=True, help_text="PNG, JPEG or WebP up to 2 MB (multipart); null removes it."
    )


class PublicEmployerSerializer(serializers.ModelSerializer):
    """What anyone may read about an employer: no BIN, no review details."""

    name = serializers.CharField(source="legal_name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry = serializers.SlugRelatedField(slug_field="code", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    size_display = serializers.CharField(source="get_size_display", read_only=True)
    logo = serializers.ImageField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "industry",
            "industry_name",
            "size",
            "size_display",
            "website",
            "description",
            "logo",
            "is_verified",
        ]
        read_only_fields = fields


class EmployerQuerySerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, help_text="Region code, e.g. KZ-71."
    )


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "joined_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    """An open invitation. The token is never shown: it travels only in the e-mail."""

    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, allow_null=True)
    is_expired = serializers.SerializerMethodField()

    class Meta:
        model = MemberInvitation
        fields = ["id", "email", "role", "invited_by", "created_at", "expires_at", "is_expired"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_expired(self, invitation) -> bool:
        return invitation_is_expired(invitation)


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.RECRUITER)


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The token from the link in the invitation e-mail.")


# --- The caller's organization ----------------------------------------------------------------


class OrganizationApi(APIView):
    @extend_schema(summary="Your organization", responses={200: OwnOrganizationSerializer})
    def get(self, request):
        return Response(_own_organization_data(membership_get_for_member(user=request.user), request))

    @extend_schema(
        summary="Register your organization (employer accounts without one); it starts pending verification",
        request=OrganizationInputSerializer,
        responses={201: OwnOrganizationSerializer},
    )
    def post(self, request):
        organization_setup_check(user=request.user)
        serializer = OrganizationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization_create(user=request.user, **serializer.validated_data)
        membership = membership_get_for_member(user=request.user)
        return Response(_own_organization_data(membership, request), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change your organization (owners only); a new BIN or legal name needs verification again",
        request=OrganizationInputSerializer,
        responses={200: OwnOrganizationSerializer},
    )
    def patch(self, request):
        organization = organization_get_for_owner(user=request.user)
        serializer = OrganizationInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organization_update(organization=organization, by=request.user, data=dict(serializer.validated_data))
        return Response(_own_organization_data(membership_get_for_member(user=request.user), request))


class MemberListApi(generics.ListAPIView):
    serializer_class = MemberSerializer
    queryset = Membership.objects.none()  # names the model for the schema; get_queryset() scopes the real one

    @extend_schema(summary="Members of your organization")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return organization_members(organization=organization_get_for_member(user=self.request.user))


class MemberApi(APIView):
    @extend_schema(summary="Remove a member (owners only; never the last owner)", responses={204: None})
    def delete(self, request, membership_id: int):
        membership = membership_get_for_owner(user=request.user, membership_id=membership_id)
        member_remove(membership=membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListApi(generics.ListAPIView):
    serializer_class = InvitationSerializer
    queryset = MemberInvitation.objects.none()  # names the model for the schema; get_queryset() scopes the real one

    @extend_schema(summary="Open invitations of your organization (owners only)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return organization_open_invitations(organization=organization_get_for_owner(user=self.request.user))

    @extend_schema(
        summary="Invite a colleague by e-mail (owners only); the link expires in 7 days",
        request=InvitationInputSerializer,
        responses={201: InvitationSerializer},
    )
    def post(self, request):
        organization = organization_get_for_owner(user=request.user)
        serializer = InvitationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = member_invite(
            organization=organization,
            by=request.user,
            base_url=request.build_absolute_uri("/"),
            **serializer.validated_data,
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationApi(APIView):
    @extend_schema(summary="Withdraw an open invitation (owners only)", responses={204: None})
    def delete(self, request, invitation_id: int):
        invitation = invitation_get_for_owner(user=request.user, invitation_id=invitation_id)
        invitation_revoke(invitation=invitation, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptApi(APIView):
    @extend_schema(
        summary="Accept an invitation: join the organization (employer accounts with the invited e-mail)",
        request=InvitationAcceptSerializer,
        responses={201: OwnOrganizationSerializer},
    )
    def post(self, request):
        serializer = InvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = invitation_get_for_accepting(user=request.user, token=serializer.validated_data["token"])
        invitation_accept(invitation=invitation, user=request.user)
        membership = membership_get_for_member(user=request.user)
        return Response(_own_organization_data(membership, request), status=status.HTTP_201_CREATED)


# --- Public employer pages --------------------------------------------------------------------


class EmployerListApi(generics.ListAPIView):
    permission_classes = [AllowAny]  # public on purpose: the directory of verified employers
    serializer_class = PublicEmployerSerializer
    queryset = Organization.objects.none()  # names the model for the schema; get_queryset() builds the real one

    @extend_schema(summary="Verified employers, optionally in one region", parameters=[EmployerQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = EmployerQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        region = query.validated_data.get("region")
        return organizations_public(region_code=region.code if region else None)


class EmployerApi(APIView):
    permission_classes = [AllowAny]  # public on purpose: a verified employer's page is for everyone

    @extend_schema(
        summary="An employer's public page (verified organizations)", responses={200: PublicEmployerSerializer}
    )
    def get(self, request, organization_id: int):
        organization = organization_get_for_viewing(user=request.user, organization_id=organization_id)
        return Response(PublicEmployerSerializer(organization, context={"request": request}).data)


urlpatterns = [
    path("organization/", OrganizationApi.as_view(), name="api-organization"),
    path("organization/members/", MemberListApi.as_view(), name="api-organization-members"),
    path("organization/members/<int:membership_id>/", MemberApi.as_view(), name="api-organization-member"),
    path("organization/invitations/", InvitationListApi.as_view(), name="api-organization-invitations"),
    path("organization/invitations/accept/", InvitationAcceptApi.as_view(), name="api-organization-invitation-accept"),
    path("organization/invitations/<int:invitation_id>/", InvitationApi.as_view(), name="api-organization-invitation"),
    path("employers/", EmployerListApi.as_view(), name="api-employer-list"),
    path("employers/<int:organization_id>/", EmployerApi.as_view(), name="api-employer-detail"),
]
