"""The notifications API: the caller's inbox, read marks, unread count and e-mail preferences.

Same selectors and services as the web pages. Titles and texts are rendered in the request's
language (``Accept-Language`` or the language cookie), like every page.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from exchange.pagination import KeysetPagination
from exchange.schema import errors
from notifications import selectors
from notifications.models import Frequency, Kind, Notification
from notifications.rendering import render_notification
from notifications.services.inbox import notification_mark_read, notifications_mark_all_read
from notifications.services.preferences import notification_preferences_update


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="Rendered in the request's language.")
    text = serializers.CharField(read_only=True, help_text="Rendered in the request's language.")
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "text", "url", "data", "is_read", "read_at", "created_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        rendered = render_notification(instance)
        instance.title, instance.text, instance.is_read = rendered.title, rendered.text, instance.read_at is not None
        return super().to_representation(instance)


class NotificationPagination(KeysetPagination):
    page_size = 20


class NotificationListApi(generics.ListAPIView):
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread_only = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return selectors.notifications_for_inbox(user=self.request.user, unread_only=unread_only)

    @extend_schema(
        summary="My notifications, newest first",
        description=(
            "Every notification appears here whatever the e-mail settings; matches of a job seeker's "
            "profile only while their consent is given. Keyset pages: follow `next`."
        ),
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread notifications.")],
        responses={200: NotificationSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadApi(APIView):
    @extend_schema(
        summary="Mark one of my notifications read",
        request=None,
        responses={200: NotificationSerializer, **errors(401, 403, 404)},
    )
    def post(self, request, notification_id: int):
        notification = selectors.notification_get_for_recipient(user=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(notification_mark_read(notification=notification)).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        summary="Mark all my notifications read",
        request=None,
        responses={
            200: inline_serializer("NotificationsMarkedRead", {"marked": serializers.IntegerField()}),
            **errors(401, 403),
        },
    )
    def post(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)})


class UnreadCountApi(APIView):
    @extend_schema(
        summary="How many of my notifications are unread",
        description=f"Counted up to {selectors.UNREAD_COUNT_CAP}; show {selectors.UNREAD_COUNT_CAP - 1}+ beyond.",
        responses={
            200: inline_serializer("NotificationUnreadCount", {"count": serializers.IntegerField()}),
            **errors(401, 403),
        },
    )
    def get(self, request):
        return Response({"count": selectors.notifications_unread_count(user=request.user)})


class NotificationPreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.CharField(read_only=True)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    default_frequency = serializers.ChoiceField(choices=Frequency.choices, read_only=True)


class NotificationPreferencesSerializer(serializers.Serializer):
    preferences = NotificationPreferenceSerializer(many=True)


class PreferencesApi(APIView):
    """E-mail frequency per kind; the in-app inbox always gets every notification."""

    @extend_schema(
        summary="My e-mail notification settings",
        responses={200: NotificationPreferencesSerializer, **errors(401, 403)},
    )
    def get(self, request):
        rows = selectors.notification_preferences_for(user=request.user)
        return Response(NotificationPreferencesSerializer({"preferences": rows}).data)

    @extend_schema(
        summary="Change my e-mail notification settings",
        description="Kinds not listed keep their setting. Only the kinds of the caller's role can be set.",
        request=NotificationPreferencesSerializer,
        responses={200: NotificationPreferencesSerializer, **errors(400, 401, 403)},
    )
    def put(self, request):
        serializer = NotificationPreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        frequencies = {row["kind"]: row["frequency"] for row in serializer.validated_data["preferences"]}
        notification_preferences_update(user=request.user, frequencies=frequencies)
        rows = selectors.notification_preferences_for(user=request.user)
        return Response(NotificationPreferencesSerializer({"preferences": rows}).data)


urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="notification-list"),
    path("notifications/<int:notification_id>/read/", NotificationReadApi.as_view(), name="notification-read"),
    path("notifications/read-all/", NotificationReadAllApi.as_view(), name="notification-read-all"),
    path("notifications/unread-count/", UnreadCountApi.as_view(), name="notification-unread-count"),
    path("notifications/preferences/", PreferencesApi.as_view(), name="notification-preferences"),
]
