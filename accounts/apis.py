from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "language", "date_joined"]
        read_only_fields = fields


class MeApi(APIView):
    @extend_schema(summary="The logged-in user", responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer(request.user).data)
