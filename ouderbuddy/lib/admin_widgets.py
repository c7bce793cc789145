"""Admin widgets every app's admin may use."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the posted value up to show it again; a value
    that is no valid key (not a UUID) made that lookup raise, a 500 instead of the
    form's own "choose a valid option" error. Values that cannot be a key are skipped."""

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        remote = self.field.remote_field
        target_name = getattr(remote, "field_name", None)
        options = remote.model._meta
        target = options.get_field(target_name) if target_name else options.pk
        usable = []
        for item in value:
            try:
                target.to_python(item)
            except (ValidationError, ValueError, TypeError):
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)
