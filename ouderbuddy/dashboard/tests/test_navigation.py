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


def test_the_menu_html_is_what_the_template_loop_drew():
    from django.template import engines

    loop = engines["django"].from_string(
        "{% for item in navigation %}\n"
        '          <li class="utrecht-nav-list__item">\n'
        '            <a class="utrecht-nav-list__link" href="{{ item.url }}"'
        '{% if item.current %} aria-current="page"{% endif %}>{{ item.label }}</a>\n'
        "          </li>\n          {% endfor %}"
    )
    items = [
        {"url": "/start/", "label": "Start", "current": False},
        {"url": "/a?b=1&c=<2>", "label": "Buddy's & <ouders>", "current": True},
    ]
    drawn = navigation._menu_html(items)
    expected = loop.render({"navigation": items})
    assert drawn.split() == expected.split()
    assert "&amp;c=&lt;2&gt;" in drawn and "Buddy&#x27;s &amp; &lt;ouders&gt;" in drawn
