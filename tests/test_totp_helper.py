"""The browser journeys sign in with `next_usable_code`; a code it picks must be
accepted whatever drift and last step the device has (the CI flake of stop 28 was
a device whose drift had moved to -1 during enrolment)."""

from __future__ import annotations

import time

import pytest

from conftest import (
    add_totp,
    make_first_coordinator,
    make_organisation,
    next_usable_code,
)


@pytest.mark.django_db
@pytest.mark.parametrize("drift", [-1, 0, 1])
@pytest.mark.parametrize("last_used", [-2, -1, 0])
def test_next_usable_code_is_accepted(drift: int, last_used: int) -> None:
    organisation = make_organisation("Steunpunt Noord")
    user = make_first_coordinator(organisation, "cora@noord.test", "Cora").user
    device = add_totp(user)
    now_step = int((time.time() - device.t0) // device.step)
    device.drift = drift
    device.last_t = now_step + drift + last_used
    device.save()

    code = next_usable_code(device)

    device.refresh_from_db()
    assert device.verify_token(code), (drift, last_used)
