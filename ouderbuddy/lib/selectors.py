"""Reading helpers every app's selectors share."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def get_or_404(queryset: QuerySet[M], pk: Any) -> M:
    """One row of an already scoped queryset; 404 for a missing row or a key that is no
    key at all (a word where a number or UUID belongs)."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
