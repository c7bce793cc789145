"""What each audit verb means, in plain Dutch: the audit log shows these labels, never
the code names. `privacy/tests/test_verb_labels.py` finds every verb the code writes
and fails when one has no label here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

READ = "read"

VERB_LABELS: dict[str, StrOrPromise] = {
    READ: _("Bekeken"),
    # Signing in and accounts
    "login": _("Ingelogd"),
    "logout": _("Uitgelogd"),
    "second_factor.enrol": _("Tweede stap ingesteld"),
    "second_factor.pass": _("Tweede stap gelukt"),
    "second_factor.fail": _("Tweede stap mislukt"),
    "second_factor.recovery_codes": _("Nieuwe herstelcodes gemaakt"),
    "second_factor.reset": _("Tweede stap teruggezet"),
    "invitation.create": _("Uitnodiging verstuurd"),
    "invitation.accept": _("Uitnodiging aangenomen"),
    "invitation.revoke": _("Uitnodiging ingetrokken"),
    "membership.deactivate": _("Teamlid uitgeschakeld"),
    "membership.reactivate": _("Teamlid weer ingeschakeld"),
    "organisation.create": _("Steunpunt aangemaakt"),
    "organisation.update": _("Steunpunt gewijzigd"),
    "organisation.settings": _("Instellingen gewijzigd"),
    # Help requests
    "request.create": _("Hulpvraag ingediend"),
    "request.status": _("Status van hulpvraag veranderd"),
    "request.decide": _("Besluit over hulpvraag genomen"),
    "request.withdraw": _("Hulpvraag ingetrokken"),
    "request.note": _("Notitie bij hulpvraag opgeslagen"),
    "request.codes": _("Codes van hulpvraag aangepast"),
    "request.export": _("Lijst met hulpvragen gedownload"),
    "consent.withdraw": _("Toestemming ingetrokken"),
    "consent.renew": _("Toestemming opnieuw gegeven (nieuwe tekst)"),
    "referral.create": _("Doorverwijzing door professional"),
    "referral.purge": _("Oude doorverwijzing verwijderd"),
    "referral_target.create": _("Doorverwijsadres toegevoegd"),
    "referral_target.update": _("Doorverwijsadres gewijzigd"),
    # Matching
    "match.propose": _("Buddy voorgesteld"),
    "match.status": _("Status van koppeling veranderd"),
    "match.export_closed": _("Lijst met afgesloten koppelingen gedownload"),
    "matching.weights": _("Gewichten voor koppelen gewijzigd"),
    "matching.conflict": _("Belangenconflict vastgelegd"),
    "matching.batch": _("Voorstel voor de wachtlijst gemaakt"),
    "matching.batch_line": _("Regel van voorstel behandeld"),
    "matching.batch_line_change": _("Regel van voorstel gewijzigd"),
    # Match support
    "casework.agreement": _("Afspraken vastgelegd"),
    "casework.agreement_ack": _("Afspraken bevestigd"),
    "casework.contact": _("Contactmoment vastgelegd"),
    "casework.meeting": _("Schoolgesprek gepland"),
    "casework.meeting_cancel": _("Schoolgesprek geannuleerd"),
    "casework.meeting_preparation": _("Voorbereiding schoolgesprek bijgewerkt"),
    "casework.ical": _("Agendalink gemaakt"),
    "casework.ical_revoke": _("Agendalink ingetrokken"),
    "casework.check_in": _("Check-in gedaan"),
    "casework.check_in_add": _("Check-in toegevoegd"),
    "casework.check_in_drop": _("Check-in geschrapt"),
    "casework.fit": _("Vraag 'klikt het?' beantwoord"),
    "casework.fit_follow_up": _("Vraag 'klikt het?' opgevolgd"),
    "casework.signal": _("Zorgsignaal gemeld"),
    "casework.signal_ack": _("Zorgsignaal gezien"),
    "casework.signal_follow_up": _("Zorgsignaal opgevolgd"),
    "casework.close": _("Koppeling afgesloten"),
    "casework.reminder.meeting": _("Herinnering schoolgesprek verstuurd"),
    "casework.reminder.meeting_prompt": _("Vraag na schoolgesprek verstuurd"),
    "casework.reminder.follow_up": _("Vraag na drie maanden verstuurd"),
    # Buddies
    "buddy.apply": _("Aanmelding als buddy"),
    "buddy.repeat_application": _("Buddy meldde zich opnieuw aan"),
    "buddy.status": _("Status van buddy veranderd"),
    "buddy.introduction": _("Kennismakingsgesprek vastgelegd"),
    "buddy.interview": _("Screeningsgesprek vastgelegd"),
    "buddy.vog": _("VOG-gegevens vastgelegd"),
    "buddy.agreement": _("Vrijwilligersovereenkomst getekend"),
    "buddy.account": _("Account voor buddy gemaakt"),
    "buddy.profile": _("Profiel van buddy gewijzigd"),
    # Training
    "training.course.create": _("Training aangemaakt"),
    "training.course.update": _("Training gewijzigd"),
    "training.session.create": _("Bijeenkomst gepland"),
    "training.session.cancel": _("Bijeenkomst geannuleerd"),
    "training.enrolment.create": _("Ingeschreven voor training"),
    "training.enrolment.cancel": _("Inschrijving geannuleerd"),
    "training.enrolment.promote": _("Van wachtlijst naar training"),
    "training.attendance.mark": _("Aanwezigheid vastgelegd"),
    "training.attendance.record": _("Aanwezigheid van bijeenkomst vastgelegd"),
    "training.qualification.elsewhere": _("Training elders vastgelegd"),
    "training.reminder.session": _("Herinnering bijeenkomst verstuurd"),
    "training.reminder.refresher": _("Herinnering opfristraining verstuurd"),
    "training.reminder.vog": _("Herinnering nieuwe VOG verstuurd"),
    # Backing the buddies
    "support.group.create": _("Intervisiegroep aangemaakt"),
    "support.group.update": _("Intervisiegroep gewijzigd"),
    "support.group.archive": _("Intervisiegroep gearchiveerd"),
    "support.session.plan": _("Intervisie gepland"),
    "support.session.cancel": _("Intervisie geannuleerd"),
    "support.session.sign_up": _("Aangemeld voor intervisie"),
    "support.session.cancel_sign_up": _("Afgemeld voor intervisie"),
    "support.session.attendance": _("Aanwezigheid intervisie vastgelegd"),
    "support.session.record": _("Verslag intervisie opgeslagen"),
    "support.question.ask": _("Vraag aan de vraagbaak gesteld"),
    "support.question.reply": _("Vraag beantwoord"),
    "support.question.close": _("Vraag afgesloten"),
    "support.question.reopen": _("Vraag heropend"),
    "support.question.to_article": _("Antwoord naar de kennisbank"),
    "support.announcement.send": _("Bericht verstuurd"),
    "support.announcement.read": _("Bericht gelezen"),
    "support.thank_you.send": _("Bedankje verstuurd"),
    "support.claim.submit": _("Declaratie ingediend"),
    "support.claim.approve": _("Declaratie goedgekeurd"),
    "support.claim.reject": _("Declaratie afgewezen"),
    "support.allowance.record": _("Vrijwilligersvergoeding vastgelegd"),
    "support.allowance.record_month": _("Vergoedingen van de maand vastgelegd"),
    "support.allowance_settings.update": _("Instellingen vergoeding gewijzigd"),
    "support.month.close": _("Maand van de onkosten afgesloten"),
    "support.expenses.export": _("Onkosten van de maand gedownload"),
    # Kennisbank
    "knowledge.article.create": _("Artikel geschreven"),
    "knowledge.article.update": _("Artikel gewijzigd"),
    "knowledge.article.publish": _("Artikel gepubliceerd"),
    "knowledge.article.archive": _("Artikel gearchiveerd"),
    "knowledge.article.review": _("Artikel nagekeken"),
    "knowledge.course_materials.set": _("Lesmateriaal van training gekozen"),
    "knowledge.starter.load": _("Startset kennisbank geladen"),
    "knowledge.review_reminder": _("Herinnering nakijken verstuurd"),
    # Evaluation
    "evaluation.copy": _("Vragenlijst gekopieerd"),
    "evaluation.add_item": _("Vraag toegevoegd aan vragenlijst"),
    "evaluation.remove_item": _("Vraag uit vragenlijst gehaald"),
    "evaluation.publish": _("Vragenlijst in gebruik genomen"),
    "evaluation.invite": _("Uitnodiging vragenlijst verstuurd"),
    "evaluation.remind": _("Herinnering vragenlijst verstuurd"),
    "evaluation.resend": _("Vragenlijst opnieuw verstuurd"),
    # Reports
    "reports.time.log": _("Uren geschreven"),
    "reports.time.delete": _("Uren verwijderd"),
    "reports.cost.add": _("Kosten toegevoegd"),
    "reports.cost.delete": _("Kosten verwijderd"),
    "reports.hour_cost.set": _("Uurtarief vastgelegd"),
    "reports.signals.set": _("Signalen bij hulpvraag vastgelegd"),
    "reports.board_report.draft": _("Signalering voor het bestuur opgesteld"),
    "reports.board_report.edit": _("Signalering voor het bestuur gewijzigd"),
    "reports.board_report.share": _("Signalering gedeeld met het bestuur"),
    # Privacy
    "privacy.retention_policy": _("Bewaartermijn gewijzigd"),
    "privacy.retention_hold": _("Dossier langer bewaard"),
    "privacy.retention_run": _("Bewaartermijnen uitgevoerd"),
    "privacy.audit.export": _("Auditlog gedownload"),
    "privacy.register.export": _("Verwerkingsregister gedownload"),
    "privacy.breach.create": _("Datalek vastgelegd"),
    "privacy.breach.update": _("Datalek bijgewerkt"),
    "privacy.access_request": _("Verzoek om inzage ontvangen"),
    "privacy.access_link": _("Downloadlink voor inzage verstuurd"),
    "privacy.export": _("Kopie van de gegevens gedownload"),
    "privacy.export_made": _("Kopie van de gegevens gemaakt"),
    "privacy.erasure": _("Gegevens van een persoon gewist"),
    "privacy.rectification": _("Gegevens van een persoon gecorrigeerd"),
    "privacy.restriction": _("Verwerking van een hulpvraag beperkt"),
    "privacy.restriction_lifted": _("Beperking van een hulpvraag opgeheven"),
    "intake.status_links_stopped": _("Oude statuslinks op verzoek gestopt"),
}


def verb_label(verb: str) -> str:
    """The verb in plain words; an unknown one as "Andere handeling (verb)"."""
    label = VERB_LABELS.get(verb)
    if label is not None:
        return str(label)
    return gettext("Andere handeling (%(verb)s)") % {"verb": verb}


def action_choices() -> list[tuple[str, str]]:
    """(verb, label) for the audit log's filter, sorted by label."""
    return sorted(
        ((verb, str(label)) for verb, label in VERB_LABELS.items()),
        key=lambda pair: pair[1].lower(),
    )
