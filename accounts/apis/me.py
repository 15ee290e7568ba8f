from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis.seekers import AccountDeleteMixin
from accounts.models import User
from accounts.services.users import user_token_issue, user_token_revoke


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "language", "date_joined"]
        read_only_fields = fields


class MeApi(AccountDeleteMixin, APIView):
    @extend_schema(summary="The logged-in user", responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class TokenApi(APIView):
    """The caller's API token: issued and revoked by the user themself."""

    @extend_schema(
        summary="Issue a new API token (replaces the old one)",
        request=None,
        responses={201: inline_serializer("IssuedToken", {"token": serializers.CharField()})},
    )
    def post(self, request):
        return Response({"token": user_token_issue(user=request.user).key}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke the API token", responses={204: None})
    def delete(self, request):
        user_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("me/token/", TokenApi.as_view(), name="me-token"),
]
