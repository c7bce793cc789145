"""The task queue in the platform admin: which tasks ran and how, never their content.

django-tasks-db's own admin shows each task's arguments and return value; for the
e-mail task those were whole messages. PRODUCT.md §2: the platform admin sees
organisations and accounts, never case content. This replaces it with a list of
names, states and times (and the exception's class when a task failed).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(admin.ModelAdmin[Any]):
    list_display = ("task_name", "status", "enqueued_at", "started_at", "finished_at")
    list_filter = ("status",)
    ordering = ["-enqueued_at"]
    fields = readonly_fields = (
        "task_name",
        "status",
        "queue_name",
        "enqueued_at",
        "started_at",
        "finished_at",
        "exception_class_path",
    )
    # Searching would reach into the arguments; there is nothing to search for.
    search_fields = ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
