"""The menu's paths are worked out once, and follow the script prefix."""

from __future__ import annotations

from django.urls import reverse, set_script_prefix

from ouderbuddy.dashboard import navigation


def test_path_of_is_reverse_and_follows_the_script_prefix():
    assert navigation.path_of("intake:inbox") == reverse("intake:inbox")
    try:
        set_script_prefix("/steunpunt/")
        assert navigation.path_of("intake:inbox") == reverse("intake:inbox")
        assert navigation.path_of("intake:inbox").startswith("/steunpunt/")
    finally:
        set_script_prefix("/")
    assert navigation.path_of("intake:inbox") == reverse("intake:inbox")
