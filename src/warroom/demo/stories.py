"""The demo incidents, written as scripts: who did what, how many minutes after declaring.

Four are over (resolved or closed, with a review) and two are still running, so a new user
finds both a history to learn from and a room to walk into.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DAY = 24 * 60


@dataclass(frozen=True)
class When:
    """Declared ``days`` ago at ``clock`` (UTC), or ``minutes`` ago when still running."""

    days: int = 0
    clock: str = "00:00"
    minutes: int = 0

    def resolve(self, now: datetime) -> datetime:
        if self.days:
            hour, minute = (int(part) for part in self.clock.split(":"))
            day = now - timedelta(days=self.days)
            return day.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return (now - timedelta(minutes=self.minutes)).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Step:
    at: int  # minutes after the declaration
    who: str  # person key of the actor
    do: str  # note, status, severity, role, join, release, task or done
    text: str = ""
    arg: str = ""  # the new status, severity or role
    whom: str = ""  # person key the step concerns
    back: int = 0  # a note written this many minutes after what it describes


@dataclass(frozen=True)
class Story:
    title: str
    severity: str
    kind: str
    services: tuple[str, ...]
    description: str
    reporter: str
    commander: str | None
    when: When
    started_before: int  # minutes between impact and declaration
    detected_before: int
    steps: tuple[Step, ...]


def note(at: int, who: str, text: str, back: int = 0) -> Step:
    return Step(at, who, "note", text, back=back)


def status(at: int, who: str, to: str, text: str = "") -> Step:
    return Step(at, who, "status", text, arg=to)


def role(at: int, who: str, name: str, whom: str) -> Step:
    return Step(at, who, "role", arg=name, whom=whom)


def join(at: int, who: str, whom: str, reason: str) -> Step:
    return Step(at, who, "join", reason, whom=whom)


def release(at: int, who: str, whom: str) -> Step:
    return Step(at, who, "release", whom=whom)


def task(at: int, who: str, title: str, whom: str = "") -> Step:
    return Step(at, who, "task", title, whom=whom)


def done(at: int, who: str, title: str) -> Step:
    return Step(at, who, "done", title)


IC, SCRIBE, COMMS = "priya.raman", "marcus.webb", "nadia.hussain"
# Items of the checklists shipped with warroom, which declaring applies on its own.
WAR_ROOM = "Confirm the incident commander and open the war room"
IMPACT = "Assess customer impact and confirm severity"
HOLD_CHANGES = "Check planned changes touching the impacted services and hold them"
FIRST_UPDATE = "Post the first stakeholder update"
SUSPECTS = "Identify recent changes and deploys as suspects"
MITIGATION = "Decide on mitigation: roll back, fail over or fix forward"
TIMELINE = "Record the timeline as it happens"
POSTMORTEM = "Schedule the postmortem"
RESTRICT = "Restrict the incident to need-to-know participants"
ENGAGE = "Engage the security and identity teams"
EVIDENCE = "Preserve evidence before changing affected systems"
SCOPE = "Scope the compromise: accounts, hosts and data touched"
CONTAIN = "Contain: isolate hosts, revoke credentials, block indicators"
NOTIFY = "Assess legal and regulatory notification duties"
ERADICATE = "Eradicate and recover, then validate systems are clean"

ORDER_DB_FAILOVER = Story(
    "Sales ordering timing out after order-db failover", "SEV1", "service",
    ("sales-ordering", "order-db", "web-shop"),
    "Inside sales cannot save orders and web-shop checkout spins until it times out.",
    SCRIBE, IC, When(days=12, clock="13:58"), 12, 4,
    (
        status(2, IC, "investigating", "Bridge open; sales-ordering p99 is 28 s"),
        done(3, IC, WAR_ROOM),
        role(4, IC, "scribe", SCRIBE),
        role(5, IC, "comms_lead", COMMS),
        role(5, IC, "deputy", "tomas.ortega"),
        note(9, SCRIBE, "Alert 'sos-api p99 > 5s' fired; on-call paged", back=13),
        done(10, IC, IMPACT),
        note(12, "samuel.adeyemi", "order-db failed over to sos-db-02 after a kernel panic on "
             "sos-db-01; the replica was promoted cleanly", back=24),
        done(14, "tomas.ortega", HOLD_CHANGES),
        note(14, "tomas.ortega", "Two changes held: the pricing-catalogue deploy and a VPN "
             "firmware update"),
        done(16, COMMS, FIRST_UPDATE),
        note(16, COMMS, "First update to sales leadership: order entry down, branches take "
             "phone orders on paper forms"),
        join(18, IC, "rahul.menon", "knows the sales-ordering connection pool"),
        note(25, "daniel.okafor", "App servers still resolve the old primary from a cached DNS "
             "answer; the pool retries it for 30 s per request"),
        done(26, "daniel.okafor", SUSPECTS),
        status(27, IC, "identified", "Stale connection pools after the failover; rolling restart"),
        done(28, IC, MITIGATION),
        release(36, IC, "samuel.adeyemi"),
        note(43, "rahul.menon", "Rolling restart of sos-app-01..04 done; p99 back to 380 ms"),
        status(44, IC, "monitoring", "Orders flowing again; watching for 30 minutes"),
        status(78, IC, "resolved", "Clean for 30 minutes; 212 queued web-shop orders processed"),
        release(80, IC, "rahul.menon"),
        release(80, IC, "daniel.okafor"),
        release(81, IC, "tomas.ortega"),
        task(82, IC, "Lower the order-db VIP DNS TTL and re-resolve on failover", "daniel.okafor"),
        done(84, SCRIBE, TIMELINE),
        done(85, IC, POSTMORTEM),
        status(3 * DAY, IC, "closed", "Postmortem held; four action items tracked"),
    ),
)  # fmt: skip

EDI_CERTIFICATE = Story(
    "EDI partner feed rejecting ship notices from Hoffmann Logistik", "SEV3", "service",
    ("edi-partner-feed",),
    "Advance ship notices (856) bounce with an AS2 signature error since the weekend.",
    "joseph.delacruz", "anika.deshpande", When(days=9, clock="06:40"), 2 * 60, 50,
    (
        status(5, "anika.deshpande", "investigating"),
        join(12, "anika.deshpande", "sophie.laurent", "runs the AS2 gateway"),
        note(31, "anika.deshpande", "Hoffmann rotated their AS2 signing certificate on Saturday; "
             "our gateway still trusts only the old one"),
        status(33, "anika.deshpande", "identified", "Partner certificate rotation"),
        release(40, "anika.deshpande", "daniel.okafor"),
        note(95, "sophie.laurent", "New certificate imported after verifying its fingerprint "
             "with Hoffmann by phone", back=10),
        status(104, "anika.deshpande", "monitoring", "37 held ship notices re-sent"),
        status(170, "anika.deshpande", "resolved", "All ship notices acknowledged by the partner"),
        release(172, "anika.deshpande", "sophie.laurent"),
        status(DAY + 60, "anika.deshpande", "closed", "No review needed; runbook updated"),
    ),
)  # fmt: skip

CREDENTIAL_STUFFING = Story(
    "Credential stuffing against web-shop sign-in", "SEV3", "security",
    ("web-shop", "identity-sso"),
    "A burst of failed sign-ins from rotating addresses; some succeeded.",
    "kwame.asante", "hannah.fischer", When(days=5, clock="03:20"), 35, 15,
    (
        status(3, "hannah.fischer", "investigating"),
        done(4, "hannah.fischer", RESTRICT),
        role(4, "hannah.fischer", "scribe", "kwame.asante"),
        done(6, "hannah.fischer", ENGAGE),
        done(8, "kwame.asante", EVIDENCE),
        note(10, "kwame.asante", "WAF: 41,000 failed sign-ins from 1,900 addresses in 20 minutes; "
             "312 succeeded from the same addresses", back=6),
        Step(11, "hannah.fischer", "severity", "312 customer accounts taken over", arg="SEV2"),
        done(20, "kwame.asante", SCOPE),
        note(24, "elena.kowalska", "Rate limit on /account/login lowered to 5 per minute per "
             "address; CAPTCHA on after 2 failures"),
        status(26, "hannah.fischer", "identified", "Reused passwords from an outside breach"),
        done(52, "elena.kowalska", CONTAIN),
        note(52, "elena.kowalska", "Sessions revoked and password reset forced for the 312 "
             "accounts"),
        release(75, "hannah.fischer", "daniel.okafor"),
        status(80, "hannah.fischer", "monitoring", "Failed sign-ins back to baseline"),
        note(150, "kwame.asante", "No orders or stored payment data changed from the 312 accounts"),
        done(150, "kwame.asante", ERADICATE),
        status(245, "hannah.fischer", "resolved", "Attack over; affected customers emailed"),
        release(250, "hannah.fischer", "elena.kowalska"),
        done(6 * 60, "hannah.fischer", NOTIFY),
        done(6 * 60, "hannah.fischer", POSTMORTEM),
        status(3 * DAY, "hannah.fischer", "closed", "Review done; breached-password check added"),
    ),
)  # fmt: skip

THREE_D_SECURE = Story(
    "3-D Secure challenges failing for card payments", "SEV2", "service",
    ("payments-gateway", "web-shop"),
    "Mastercard payments fail at the 3-D Secure step; other cards work.",
    "aoife.byrne", IC, When(days=2, clock="16:10"), 25, 20,
    (
        status(2, IC, "investigating"),
        done(3, IC, WAR_ROOM),
        role(4, IC, "comms_lead", COMMS),
        join(6, IC, "grace.liu", "check egress to the payment provider"),
        note(9, "sophie.laurent", "Only Mastercard 3DS2 challenges fail; Visa and PayPal fine"),
        done(12, IC, IMPACT),
        note(18, "grace.liu", "Egress and TLS to the provider are healthy from both sites"),
        release(19, IC, "grace.liu"),
        done(22, COMMS, FIRST_UPDATE),
        done(25, "daniel.okafor", SUSPECTS),
        status(31, IC, "identified", "Provider-side: their ACS routing for Mastercard"),
        done(33, IC, MITIGATION),
        note(40, "sophie.laurent", "Checkout now offers PayPal and invoice when 3DS fails"),
        status(42, IC, "monitoring", "Workaround live; provider fixing"),
        status(160, IC, "resolved", "Provider fixed routing; card success rate back to 97%"),
        release(161, IC, "daniel.okafor"),
    ),
)  # fmt: skip

DORTMUND_SCANNERS = Story(
    "Handheld scanners cannot confirm picks at the Dortmund DC", "SEV2", "service",
    ("warehouse-mgmt", "core-network"),
    "All scanners in Dortmund show 'WMS unreachable'; Memphis is not affected.",
    "jonas.becker", IC, When(minutes=48), 17, 7,
    (
        status(2, IC, "investigating", "Bridge open"),
        done(3, IC, WAR_ROOM),
        role(4, IC, "scribe", "tomas.ortega"),
        note(6, "jonas.becker", "140 of 140 scanners affected; pickers idle since the outage "
             "began", back=4),
        done(9, IC, IMPACT),
        note(15, "piotr.nowak", "Wi-Fi controller wlc-dor-01 rebooted into a new firmware after "
             "an automatic update; access points rejoin slowly", back=5),
        done(16, "piotr.nowak", SUSPECTS),
        status(22, IC, "identified", "Controller firmware auto-update; rolling back"),
        done(23, IC, MITIGATION),
        task(23, IC, "Roll back wlc-dor-01 to firmware 8.10.185", "piotr.nowak"),
        note(28, "tomas.ortega", "Pickers on paper pick lists for next-day-air orders"),
        task(30, IC, "Turn off automatic firmware updates on every controller", "grace.liu"),
        note(40, "piotr.nowak", "Rollback running: 60 of 92 access points back"),
    ),
)  # fmt: skip

WIKI_SEARCH = Story(
    "Internal wiki search returns stale results", "SEV4", "service",
    ("internal-wiki",),
    "Pages edited this week do not show up in search.",
    "maria.santos", None, When(minutes=190), 4 * DAY, 3 * 60,
    (
        status(25, "marcus.webb", "investigating"),
        note(40, "marcus.webb", "Nightly index rebuild has failed for four nights: disk full on "
             "wiki-search-01"),
    ),
)  # fmt: skip

STORIES: tuple[Story, ...] = (
    ORDER_DB_FAILOVER,
    EDI_CERTIFICATE,
    CREDENTIAL_STUFFING,
    THREE_D_SECURE,
    DORTMUND_SCANNERS,
    WIKI_SEARCH,
)
