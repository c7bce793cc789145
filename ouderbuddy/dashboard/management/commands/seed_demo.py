"""Demo data: two organisations with staff and buddies (the national benchmark set of 150
more is `bench/national.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.regions.models import CooperationDistrict
from ouderbuddy.training.models import Qualification

if TYPE_CHECKING:
    from faker import Faker

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - printed for the demo, never for real use
DEMO_DOMAIN = "ouderbuddy.example"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    districts: tuple[str, ...]
    contact_email: str


DEMO_ORGANISATIONS = (
    DemoOrganisation(
        "amsterdam",
        "Ouder- en Jeugdsteunpunt Amsterdam-Diemen",
        ("PO2707", "VO2708"),
        f"steunpunt@amsterdam.{DEMO_DOMAIN}",
    ),
    DemoOrganisation(
        "utrecht",
        "Ouder- en Jeugdsteunpunt Stad Utrecht",
        ("PO2601", "VO2601"),
        f"steunpunt@utrecht.{DEMO_DOMAIN}",
    ),
)


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo data. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (the demo accounts have a known password).",
        )
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Leave out the year and a half of past requests and matches "
            "(the reports' figures); quicker, for tests of the rest of the demo.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a known password; it runs only with "
                "DEBUG=1 (or --force on a machine that is not production)."
            )
        try:  # Faker is in the development lock only: demo data is not for production
            from faker import Faker  # noqa: PLC0415  Faker is a development package: only when the demo is made
        except ImportError:
            raise CommandError(
                "seed_demo needs Faker, from the development packages "
                "(make install, requirements-dev.lock)."
            ) from None
        faker = Faker("nl_NL")
        faker.seed_instance(2026)
        password_hash = make_password(DEMO_PASSWORD)
        logins = self._seed_demo(faker, password_hash)
        self._seed_matches()
        self._seed_casework()
        if not options["without_history"]:
            self._seed_history(faker)
        featured = self._seed_showcase(faker)
        self._print_logins(logins, featured)

    @transaction.atomic
    def _seed_demo(
        self, faker: Faker, password_hash: str
    ) -> list[tuple[str, str, str]]:
        logins: list[tuple[str, str, str]] = []
        organisations = {}
        for demo in DEMO_ORGANISATIONS:
            organisation, _ = Organisation.objects.update_or_create(
                name=demo.name, defaults={"contact_email": demo.contact_email}
            )
            organisation.districts.set(
                CooperationDistrict.objects.filter(code__in=demo.districts)
            )
            organisations[demo.slug] = organisation
            staff = [
                (Role.COORDINATOR, f"coordinator@{demo.slug}.{DEMO_DOMAIN}"),
                (Role.MANAGER, f"manager@{demo.slug}.{DEMO_DOMAIN}"),
                (Role.BUDDY, f"buddy@{demo.slug}.{DEMO_DOMAIN}"),
            ]
            staff += [
                (Role.BUDDY, f"buddy{n}@{demo.slug}.{DEMO_DOMAIN}") for n in range(2, 7)
            ]
            for role, email in staff:
                user = self._user(email, faker.name(), password_hash)
                Membership.objects.update_or_create(
                    organisation=organisation,
                    user=user,
                    defaults={"role": role, "is_active": True},
                )
                if email.split("@")[0] in {"coordinator", "manager", "buddy"}:
                    logins.append((str(role.label), email, organisation.name))
        network = self._user(f"netwerk@{DEMO_DOMAIN}", faker.name(), password_hash)
        for organisation in organisations.values():
            Membership.objects.update_or_create(
                organisation=organisation,
                user=network,
                defaults={"role": Role.NETWORK_ADMIN, "is_active": True},
            )
        logins.append(
            (str(Role.NETWORK_ADMIN.label), network.email, "beide steunpunten")
        )
        admin = self._user(f"beheer@{DEMO_DOMAIN}", faker.name(), password_hash)
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        logins.append(("Platformbeheerder", admin.email, "platform"))
        from ouderbuddy.buddies.demo import seed_demo_buddies  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()
        from ouderbuddy.intake.demo import seed_demo_requests  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()
        from ouderbuddy.knowledge.demo import seed_demo_knowledge  # noqa: PLC0415  beside the other demo modules, after the check in handle()
        from ouderbuddy.training.demo import (  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()
            add_basic_qualifications,
            seed_demo_training,
        )

        for demo in DEMO_ORGANISATIONS:
            buddy_user = User.objects.get(email=f"buddy@{demo.slug}.{DEMO_DOMAIN}")
            if seed_demo_buddies(
                organisations[demo.slug], demo.slug, faker, buddy_user
            ):
                add_basic_qualifications(
                    Buddy.objects.filter(organisation=organisations[demo.slug]),
                    timezone.localdate(),
                )
            seed_demo_training(organisations[demo.slug])
            seed_demo_knowledge(organisations[demo.slug])
            seed_demo_requests(organisations[demo.slug], demo.slug, faker)
        return logins

    def _seed_matches(self) -> None:
        """Proposals and matches, made by the matching services (after the rest is
        committed, so the services run as they do for real)."""
        from ouderbuddy.matching.demo import seed_demo_matches  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()

        for demo in DEMO_ORGANISATIONS:
            organisation = Organisation.objects.get(name=demo.name)
            seed_demo_matches(organisation, demo.slug)

    def _seed_casework(self) -> None:
        """Agreements, contacts, check-ins, a closed match and the like for the active
        demo matches, made by the casework services (after the matches)."""
        from ouderbuddy.casework.demo import seed_demo_casework  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()
        from ouderbuddy.evaluation.demo import seed_demo_evaluation  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()
        from ouderbuddy.reports.demo import seed_demo_reports  # noqa: PLC0415  beside the other demo modules, after the check in handle()
        from ouderbuddy.support.demo import seed_demo_intervisie  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()
        from ouderbuddy.support.demo_expenses import seed_demo_expenses  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()

        for n, demo in enumerate(DEMO_ORGANISATIONS):
            organisation = Organisation.objects.get(name=demo.name)
            # One closed demo match waits for a rematch, the other reached its goal.
            seed_demo_casework(organisation, rematch=n == 0)
            seed_demo_intervisie(organisation)
            seed_demo_expenses(organisation)
            # Answered questionnaires (after the closed match), for the results.
            seed_demo_evaluation(organisation)
            # The coordinators' hours and the other costs, for the cost figures.
            seed_demo_reports(organisation)

    def _seed_history(self, faker: Faker) -> None:
        """A year and a half of requests, matches and closures before today, run
        through the services at their own moments, for the reports' figures."""
        from ouderbuddy.reports.demo_history import seed_demo_history  # noqa: PLC0415  imports time-machine, a development package: after the check in handle()

        for demo in DEMO_ORGANISATIONS:
            organisation = Organisation.objects.get(name=demo.name)
            seed_demo_history(organisation, demo.slug, faker)

    def _seed_showcase(self, faker: Faker) -> list[tuple[str, str]]:
        """Per demo organisation one urgent waiting request with a full shortlist:
        several buddies nearby who share its experience (made last, so the demo
        batch proposal left their places free). Returns (organisation, reference)."""
        from ouderbuddy.buddies.demo import seed_showcase_buddies  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()
        from ouderbuddy.intake.demo import featured_postcode, seed_featured_request  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()
        from ouderbuddy.training.demo import add_basic_qualifications  # noqa: PLC0415  the demo modules import Faker: only after the check in handle()

        featured = []
        for demo in DEMO_ORGANISATIONS:
            organisation = Organisation.objects.get(name=demo.name)
            with transaction.atomic():
                showcase = seed_showcase_buddies(
                    organisation, demo.slug, featured_postcode(organisation)
                )
                if not Qualification.objects.filter(buddy__in=showcase).exists():
                    add_basic_qualifications(showcase, timezone.localdate())
                request = seed_featured_request(organisation, demo.slug, faker)
            featured.append((organisation.name, request.reference))
        return featured

    def _user(self, email: str, name: str, password_hash: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(
                email=email, full_name=name, password=password_hash
            )
        return user

    def _print_logins(
        self, logins: list[tuple[str, str, str]], featured: list[tuple[str, str]]
    ) -> None:
        out = self.stdout
        out.write("")
        out.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(email) for _, email, _ in logins)
        for role, email, where in logins:
            out.write(f"  {role:<18} {email:<{width}}  {where}")
        out.write(
            "Staff (coordinator, manager, network and platform admin) set up the second "
            "step at the first login: scan the QR code with an authenticator app, or type "
            "the key shown under it (for example: oathtool --totp -b KEY)."
        )
        for name, reference in featured:
            out.write(
                f"Demo request {reference} ({name}): first on the waiting list; "
                "Koppelen shows its shortlist of buddies with shared experience."
            )
        out.write("")
