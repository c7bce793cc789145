"""The named cast every test uses, built through the real services.

Cora   coordinator of Steunpunt Noord (the organisation most tests act in)
Ben    buddy of Steunpunt Noord
Mia    manager of Steunpunt Noord
Olga   coordinator of Steunpunt Zuid, another organisation: she must never see Noord's data
Nina   network admin of Steunpunt Noord
Pat, the parent, has no account: parents use public forms (later issues add her).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouderbuddy.accounts import services as account_services
from ouderbuddy.accounts.models import User
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.taxonomy import selectors as taxonomy_selectors

PASSWORD = "een-lang-testwachtwoord"


def concurrent_transactions() -> list[Any]:
    """The marks of a test that races real transactions in threads: it runs in the
    PostgreSQL pass of `make test` (SQLite's in-memory test database cannot hold two
    writers at once), with committed rows the threads can see; serialized_rollback
    puts the reference data of the data migrations back afterwards (asked for only
    where the test runs: serialising the database costs seconds)."""
    postgresql = connection.vendor == "postgresql"
    return [
        pytest.mark.skipif(
            not postgresql,
            reason="needs two concurrent transactions (PostgreSQL pass of make test)",
        ),
        pytest.mark.django_db(transaction=True, serialized_rollback=postgresql),
    ]


def make_organisation(name: str, districts: tuple[str, ...] = ()) -> Organisation:
    """An organisation as a platform admin creates it in the admin."""
    organisation = Organisation.objects.create(name=name)
    if districts:
        organisation.districts.set(districts)
    return organisation


def make_first_coordinator(
    organisation: Organisation, email: str, name: str
) -> Membership:
    """The first coordinator of an organisation, as a platform admin adds them."""
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    return Membership.objects.create(
        organisation=organisation, user=user, role=Role.COORDINATOR
    )


def invite_and_accept(
    actor: Membership, email: str, name: str, role: str
) -> Membership:
    """Invite through the service, take the token from the e-mail, accept it."""
    mail.outbox.clear()
    # Tests run inside one transaction: run the on-commit e-mail task right away.
    with TestCase.captureOnCommitCallbacks(execute=True):
        account_services.invite_person(
            actor=actor, email=email, full_name=name, role=role
        )
    accepted = account_services.accept_invitation(
        token=invitation_token_from_mail(), password=PASSWORD
    )
    return accepted.membership


def invitation_token_from_mail() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"/account/uitnodiging/([^/\s]+)/", body)
    assert match, body
    return match.group(1)


def add_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():06d}"


def next_usable_code(device: TOTPDevice) -> str:
    """A code the device accepts now. django-otp looks around `now + drift` (one
    step either side), refuses a step it has already accepted (`last_t`), and moves
    `drift` when it accepts a neighbouring step, so take the first step after the
    last one used, counted from where the device now looks."""
    device.refresh_from_db()
    looks_at = int((time.time() - device.t0) // device.step) + device.drift
    offset = max(0, device.last_t + 1 - looks_at)
    assert offset <= device.tolerance, "the last used code is too far ahead"
    return totp_code(device, offset_steps=offset)


def signed_in_client(user: User, *, verified: bool = True) -> Client:
    """A test client signed in as `user`, past the second step when `verified`."""
    client = Client()
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=True
        ).first() or add_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


TASK_EMAIL_BACKEND = "ouderbuddy.notifications.backends.TaskEmailBackend"


@contextmanager
def built_once(django_db_blocker: Any) -> Iterator[None]:
    """For a module- or class-scoped fixture: rows made inside stay for every test of
    the scope and are rolled back after the last one. pytest-django's per-test
    transaction nests inside as a savepoint, so what one test changes is gone before
    the next. Only for tests that do not need a real commit (transaction=True)."""
    with (
        django_db_blocker.unblock(),
        override_settings(EMAIL_BACKEND=TASK_EMAIL_BACKEND),
        transaction.atomic(),
    ):
        mail.outbox = []
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _mail_through_tasks(settings: Any) -> None:
    """Django's test setup swaps EMAIL_BACKEND for locmem; put the real path back so
    every test sends mail the way production does: task after commit, then delivery."""
    settings.EMAIL_BACKEND = TASK_EMAIL_BACKEND


@pytest.fixture(autouse=True)
def _fresh_code_list() -> None:
    """Each test's transaction is rolled back, so the code list a process keeps
    (`taxonomy.selectors.all_codes`) must not carry one test's codes into the next."""
    taxonomy_selectors.forget()


@pytest.fixture
def noord(db: Any) -> Organisation:
    return make_organisation("Steunpunt Noord")


@pytest.fixture
def zuid(db: Any) -> Organisation:
    return make_organisation("Steunpunt Zuid")


@pytest.fixture
def cora(noord: Organisation) -> Membership:
    return make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")


@pytest.fixture
def ben(cora: Membership) -> Membership:
    return invite_and_accept(cora, "ben@noord.test", "Ben Buddy", Role.BUDDY)


@pytest.fixture
def mia(cora: Membership) -> Membership:
    return invite_and_accept(cora, "mia@noord.test", "Mia Manager", Role.MANAGER)


@pytest.fixture
def nina(noord: Organisation) -> Membership:
    user = User.objects.create_user(
        "nina@netwerk.test", PASSWORD, full_name="Nina Netwerk"
    )
    return Membership.objects.create(
        organisation=noord, user=user, role=Role.NETWORK_ADMIN
    )


@pytest.fixture
def olga(zuid: Organisation) -> Membership:
    return make_first_coordinator(zuid, "olga@zuid.test", "Olga Anders")


@pytest.fixture
def cora_client(cora: Membership) -> Client:
    return signed_in_client(cora.user)


@pytest.fixture
def ben_client(ben: Membership) -> Client:
    return signed_in_client(ben.user, verified=False)


@pytest.fixture
def mia_client(mia: Membership) -> Client:
    return signed_in_client(mia.user)


@pytest.fixture
def olga_client(olga: Membership) -> Client:
    return signed_in_client(olga.user)
