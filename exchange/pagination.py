"""Pagination defaults for the API.

Small lists use page numbers; deep or large lists (vacancy search) use keyset pagination so no
exact ``COUNT(*)`` runs over a large table on a hot path.
"""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class KeysetPagination(pagination.CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"
