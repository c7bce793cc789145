"""Security headers, the deployment check and the Django admin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_strict_content_security_policy_and_headers():
    response = Client().get("/account/inloggen/")
    csp = response["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_contain_no_inline_script(cora_client):
    for url in ["/", "/account/inloggen/", "/start/", "/organisatie/team/"]:
        body = cora_client.get(url).content.decode()
        assert "<script>" not in body
        assert "onclick=" not in body.lower()
        for line in body.splitlines():
            if "<script" in line:
                assert 'src="' in line, line


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "ouderbuddy.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + Fernet.generate_key().decode(),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "ouderbuddy.example.nl",
        "SITE_URL": "https://ouderbuddy.example.nl",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DOTENV_PATH": str(tmp_path / "no.env"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "ouderbuddy.settings",
        "DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DOTENV_PATH": str(tmp_path / "no.env"),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
class TestAdmin:
    def test_coordinator_gets_403(self, cora_client):
        assert cora_client.get("/platformbeheer/").status_code == 403

    def test_anonymous_is_sent_to_our_login(self):
        response = Client().get("/platformbeheer/", follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))

    def test_platform_admin_after_second_step(self, db):
        from ouderbuddy.accounts.models import User

        admin = User.objects.create_superuser(
            "beheer@test.nl", "x" * 12, full_name="Beheer"
        )
        unverified = signed_in_client(admin, verified=False)
        assert unverified.get("/platformbeheer/")["Location"] in {
            reverse("accounts:enrol"),
            reverse("accounts:verify"),
        }
        client = signed_in_client(admin)
        assert client.get("/platformbeheer/").status_code == 200
        assert (
            client.get("/platformbeheer/organisations/organisation/").status_code == 200
        )

    def test_authenticator_secrets_are_not_in_the_admin(self, db):
        from ouderbuddy.accounts.models import User

        admin = User.objects.create_superuser(
            "beheer@test.nl", "x" * 12, full_name="Beheer"
        )
        client = signed_in_client(admin)
        assert client.get("/platformbeheer/otp_totp/totpdevice/").status_code == 404
