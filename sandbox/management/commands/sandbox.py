"""`manage.py sandbox <action>`: play the bank's compliance team and back office.

Every action calls `sandbox.actions` (`seed-demo`: `sandbox.demo`), the same functions
the console pages use.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sandbox import actions, demo, visitors
from sandbox.models import Company


def _amount(value: str) -> Decimal:
    """Argparse type: a finite decimal number, with a clear error otherwise."""
    try:
        amount = Decimal(value.strip())
    except InvalidOperation as err:
        raise argparse.ArgumentTypeError(f"{value!r} is not an amount like 125.50") from err
    if not amount.is_finite():
        raise argparse.ArgumentTypeError(f"{value!r} is not an amount like 125.50")
    return amount


def _rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number between 0 and 1") from err
    if not 0 < rate <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number between 0 and 1")
    return rate


class Command(BaseCommand):
    help = "Act as the simulated bank's compliance team and back office."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="<action>")

        sub.add_parser("reset", help="delete every simulated customer, mail, fault and file")

        seed = sub.add_parser("seed-demo", help="create the live demo company with history")
        seed.add_argument("--email", default=demo.DEMO_EMAIL)
        seed.add_argument("--password", default=demo.DEMO_PASSWORD)
        seed.add_argument("--company-name", default=demo.DEMO_COMPANY)

        sub.add_parser(
            "expire-demos", help="delete the demo visitors' companies past SANDBOX_DEMO_HOURS"
        )
        approve = sub.add_parser("approve", help="verify KYC steps awaiting review")
        approve.add_argument("--email", required=True)
        approve.add_argument("--what", choices=actions.APPROVE_WHAT, default="all")

        reject = sub.add_parser("reject", help="reject the profile, a document or the director")
        reject.add_argument("--email", required=True)
        reject.add_argument("--what", choices=actions.REJECT_WHAT, required=True)
        reject.add_argument("--reason", required=True)

        request = sub.add_parser("request-document", help="ask for an additional document")
        request.add_argument("--email", required=True)
        request.add_argument("--title", required=True)
        request.add_argument("--description", default="")

        live = sub.add_parser("make-live", help="email the plan of the company's risk group")
        live.add_argument("--email", required=True)
        live.add_argument("--accept", action="store_true", help="accept it at once")

        credit = sub.add_parser("credit", help="an inbound SEPA credit on an IBAN")
        credit.add_argument("--iban", required=True)
        credit.add_argument("--amount", required=True, type=_amount)
        credit.add_argument("--name", default="SEPA sender")

        settle = sub.add_parser("settle", help="settle (or reject) a Pending transaction")
        settle.add_argument("--trx", required=True, help="trx_id or unique_id")
        decision = settle.add_mutually_exclusive_group()
        decision.add_argument("--reject", action="store_true", help="fail it now")
        decision.add_argument(
            "--fail-when-due",
            action="store_true",
            help="fail it (with --reason) when it settles by itself after SANDBOX_SETTLE_SECONDS",
        )
        settle.add_argument("--reason", default="")

        crypto = sub.add_parser("crypto-deposit", help="a crypto deposit on a wallet")
        crypto.add_argument("--email", required=True)
        crypto.add_argument("--coin", required=True)
        crypto.add_argument("--amount", required=True, type=_amount)

        notify = sub.add_parser("notify", help="send the company a notification")
        notify.add_argument("--email", required=True)
        notify.add_argument("--title", required=True)
        notify.add_argument("--description", required=True)

        expire = sub.add_parser("expire-token", help="revoke the company's web tokens")
        expire.add_argument("--email", required=True)

        fault = sub.add_parser("fault", help="inject a fault into an endpoint, or clear them")
        fault.add_argument("--endpoint", help='API endpoint name, or "*" for all')
        kind = fault.add_mutually_exclusive_group(required=True)
        kind.add_argument("--status", type=int, dest="http_status", metavar="HTTP")
        kind.add_argument("--timeout", action="store_true")
        kind.add_argument("--garbage", action="store_true")
        kind.add_argument("--latency-ms", type=int, metavar="N")
        kind.add_argument(
            "--answer-status",
            type=int,
            choices=[0, -1],
            help="answer HTTP 200 with this status: 0 a refusal, -1 the token refused",
        )
        kind.add_argument("--clear", action="store_true", help="remove every fault")
        fault.add_argument("--error-rate", type=_rate, default=1.0)
        fault.add_argument("--message", default="", help="the message of --answer-status")

        staff = sub.add_parser(
            "create-staff", help="create or update a Django staff user for the console"
        )
        staff.add_argument("--username", help="defaults to the email")
        staff.add_argument("--email", default="")
        staff.add_argument("--password", required=True)

        mailbox = sub.add_parser("mailbox", help="the emails the bank sent, newest first")
        mailbox.add_argument("--to")
        mailbox.add_argument("--limit", type=int, default=50)
        mailbox.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"do_{action}")(options)
        except actions.ActionError as err:
            raise CommandError(err.message) from err

    def say(self, text: str) -> None:
        self.stdout.write(text)

    def ok(self, text: str) -> None:
        self.stdout.write(self.style.SUCCESS(text))

    # --- actions ----------------------------------------------------------------------

    def do_reset(self, options: dict[str, Any]) -> None:
        actions.reset()
        self.ok("The simulated bank is empty (plans kept).")

    def do_seed_demo(self, options: dict[str, Any]) -> None:
        company = demo.seed_demo(
            email=options["email"],
            password=options["password"],
            company_name=options["company_name"],
        )
        self.ok(f"Demo company {company.company_name} is live.")
        self.say(f"Login: {company.email} / {options['password']}")
        for iban in company.ibans.order_by("id"):
            self.say(f"IBAN {iban.label}: {iban.iban} ({iban.bic}), balance {iban.balance} EUR")

    def do_expire_demos(self, options: dict[str, Any]) -> None:
        ended = visitors.expire_visitors()
        self.ok(f"Ended {ended} expired demo visitor compan{'y' if ended == 1 else 'ies'}.")

    def do_approve(self, options: dict[str, Any]) -> None:
        done = actions.approve(email=options["email"], what=options["what"])
        self.ok(f"Approved for {options['email']}: {', '.join(done)}.")
        company = Company.objects.get(email__iexact=options["email"].strip())
        steps = (company.company_status, company.document_status, company.director_status)
        if not company.is_live and all(step == Company.Step.VERIFIED for step in steps):
            self.say(
                f"Every KYC step is verified: run `sandbox make-live --email {company.email}`."
            )

    def do_reject(self, options: dict[str, Any]) -> None:
        actions.reject(email=options["email"], what=options["what"], reason=options["reason"])
        self.ok(f"Rejected {options['what']} of {options['email']}: {options['reason']}")

    def do_request_document(self, options: dict[str, Any]) -> None:
        document = actions.request_document(
            email=options["email"], title=options["title"], description=options["description"]
        )
        self.ok(f"Requested {document.title!r} from {options['email']} ({document.unique_id}).")

    def do_make_live(self, options: dict[str, Any]) -> None:
        proposal = actions.make_live(email=options["email"], accept=options["accept"])
        self.ok(f"Proposed {proposal.plan.plan_name} to {proposal.company.email}.")
        self.say(f"Plan link: {actions.plan_link(proposal)}")
        if options["accept"]:
            iban = proposal.company.ibans.order_by("id").first()
            self.ok(f"Accepted: the company is live with IBAN {iban.iban if iban else '-'}.")

    def do_credit(self, options: dict[str, Any]) -> None:
        trx = actions.credit(iban=options["iban"], amount=options["amount"], name=options["name"])
        trx.iban.refresh_from_db()
        self.ok(
            f"Credited {trx.amount} EUR (fee {trx.fees}) to {trx.iban.iban}: {trx.trx_id}. "
            f"Balance {trx.iban.balance} EUR."
        )

    def do_settle(self, options: dict[str, Any]) -> None:
        if options["fail_when_due"]:
            trx = actions.fail_on_settle(trx=options["trx"], reason=options["reason"])
            self.ok(f"{trx.trx_id} will fail when it settles ({trx.fail_on_settle}).")
            return
        trx = actions.settle(trx=options["trx"], reject=options["reject"], reason=options["reason"])
        if trx.status == trx.Status.FAILED:
            self.ok(f"{trx.trx_id} rejected ({trx.failure_reason}); the amount and fees went back.")
        else:
            self.ok(f"{trx.trx_id} is Completed.")

    def do_crypto_deposit(self, options: dict[str, Any]) -> None:
        deposit = actions.crypto_deposit(
            email=options["email"], coin=options["coin"], amount=options["amount"]
        )
        shown = f"{deposit.amount.normalize():f} {deposit.coin.upper()}"
        self.ok(f"Deposited {shown} to {options['email']} ({deposit.transaction_id}).")

    def do_notify(self, options: dict[str, Any]) -> None:
        actions.notify_company(
            email=options["email"], title=options["title"], description=options["description"]
        )
        self.ok(f"Notified {options['email']}.")

    def do_expire_token(self, options: dict[str, Any]) -> None:
        count = actions.expire_token(email=options["email"])
        self.ok(f"Revoked {count} web token(s) of {options['email']}.")

    def do_fault(self, options: dict[str, Any]) -> None:
        if options["clear"]:
            if options["endpoint"]:
                raise CommandError("--clear removes every fault; leave out --endpoint.")
            count = actions.clear_faults()
            self.ok(f"Cleared {count} fault(s).")
            return
        if not options["endpoint"]:
            raise CommandError('--endpoint is required (an API name, or "*" for all).')
        fault = actions.set_fault(
            endpoint=options["endpoint"],
            http_status=options["http_status"],
            timeout=options["timeout"],
            garbage=options["garbage"],
            latency_ms=options["latency_ms"] or 0,
            error_rate=options["error_rate"],
            answer_status=options["answer_status"],
            message=options["message"],
        )
        if fault.http_status:
            effect = f"HTTP {fault.http_status}"
        elif fault.timeout:
            effect = "a timeout"
        elif fault.garbage:
            effect = "a garbage body"
        elif fault.answer_status is not None:
            effect = f"status {fault.answer_status}"
        else:
            effect = f"{fault.latency_ms} ms of latency"
        self.ok(f"{fault.endpoint} now answers {effect} on {fault.error_rate:.0%} of calls.")

    def do_create_staff(self, options: dict[str, Any]) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        email = (options["email"] or "").strip()
        username = (options["username"] or email).strip()
        if not username:
            raise CommandError("Give --username or --email.")
        password = options["password"] or ""
        if not password.strip():
            raise CommandError("The password must not be empty.")
        model = get_user_model()
        user = model.objects.filter(**{model.USERNAME_FIELD: username}).first()
        try:
            validate_password(password, user)
        except ValidationError as err:
            raise CommandError(" ".join(err.messages)) from err
        created = user is None
        if created:
            user = model(**{model.USERNAME_FIELD: username})
        if email:
            user.email = email
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Updated"
        self.ok(f"{verb} staff user {username}: sign in at /sandbox/console/login/.")

    def do_mailbox(self, options: dict[str, Any]) -> None:
        mails = actions.mailbox(to=options["to"], limit=options["limit"])
        if options["as_json"]:
            rows = [
                {
                    "to": mail.to,
                    "subject": mail.subject,
                    "body": mail.body,
                    "kind": mail.kind,
                    "created": mail.created.isoformat(),
                }
                for mail in mails
            ]
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not mails:
            self.say("The mailbox is empty.")
        for mail in mails:
            when = timezone.localtime(mail.created).strftime("%Y-%m-%d %H:%M:%S")
            self.say(f"{when}  {mail.to}  [{mail.kind}]  {mail.subject}")
            for line in mail.body.strip().splitlines():
                self.say(f"    {line}")
            self.say("")
