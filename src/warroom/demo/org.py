"""The demo organisation: people, teams, services and checklists of Kestrel Industrial Supply.

Head office and the Memphis distribution centre run on US Central time, the European
warehouse is in Dortmund, developers sit in Chicago and Pune, and the service desk follows the
sun from Manila and Dublin, so times on the demo incidents read differently per viewer.
Phone numbers use reserved fictional ranges; the mail domain is the reserved ``.example``.
"""

from __future__ import annotations

from dataclasses import dataclass

from warroom.access.rules import Role

COMPANY = "Kestrel Industrial Supply"
DOMAIN = "kestrel-supply.example"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    phone: str
    chat: str
    timezone: str
    role: Role = Role.responder
    password: str | None = None

    @property
    def email(self) -> str:
        return f"{self.key}@{DOMAIN}"


@dataclass(frozen=True)
class DemoTeam:
    name: str
    lead: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class DemoService:
    name: str
    tier: int
    owner: str


P = DemoPerson
R = Role
PEOPLE: tuple[DemoPerson, ...] = (
    P("olivia.grant", "Olivia Grant", "+1 312 555 0100", "@olivia", "America/Chicago", R.admin,
      "warroom-admin"),
    P("priya.raman", "Priya Raman", "+1 312 555 0142", "@priya", "America/Chicago", R.manager,
      "warroom-ic"),
    P("marcus.webb", "Marcus Webb", "+1 312 555 0187", "@mwebb", "America/Chicago"),
    P("jonas.becker", "Jonas Becker", "+49 231 555 01234", "@jonas", "Europe/Berlin"),
    P("tomas.ortega", "Tomás Ortega", "+1 901 555 0166", "@tomas", "America/Chicago",
      R.responder, "warroom-responder"),
    P("daniel.okafor", "Daniel Okafor", "+1 312 555 0121", "@dokafor", "America/Chicago",
      R.manager),
    P("anika.deshpande", "Anika Deshpande", "+91 20 5555 0198", "@anika", "Asia/Kolkata"),
    P("rahul.menon", "Rahul Menon", "+91 20 5555 0147", "@rahulm", "Asia/Kolkata"),
    P("sophie.laurent", "Sophie Laurent", "+33 1 55 55 01 73", "@sophie", "Europe/Paris"),
    P("hannah.fischer", "Hannah Fischer", "+49 30 555 01877", "@hfischer", "Europe/Berlin",
      R.manager, "warroom-security"),
    P("kwame.asante", "Kwame Asante", "+1 646 555 0133", "@kwame", "America/New_York"),
    P("elena.kowalska", "Elena Kowalska", "+48 22 555 0164", "@elena", "Europe/Warsaw",
      R.manager),
    P("ben.carter", "Ben Carter", "+1 312 555 0158", "@bcarter", "America/Chicago"),
    P("piotr.nowak", "Piotr Nowak", "+48 22 555 0119", "@piotr", "Europe/Warsaw"),
    P("grace.liu", "Grace Liu", "+1 415 555 0182", "@grace", "America/Los_Angeles"),
    P("samuel.adeyemi", "Samuel Adeyemi", "+44 20 7946 0321", "@samuel", "Europe/London"),
    P("mei.tanaka", "Mei Tanaka", "+81 3 5555 0142", "@mei", "Asia/Tokyo"),
    P("maria.santos", "Maria Santos", "+63 2 5555 0175", "@msantos", "Asia/Manila", R.manager),
    P("joseph.delacruz", "Joseph Dela Cruz", "+63 2 5555 0129", "@joseph", "Asia/Manila"),
    P("aoife.byrne", "Aoife Byrne", "+353 1 555 0148", "@aoife", "Europe/Dublin"),
    P("nadia.hussain", "Nadia Hussain", "+1 312 555 0136", "@nadia", "America/Chicago"),
    P("frank.miller", "Frank Miller", "+1 312 555 0190", "@fmiller", "America/Chicago",
      R.viewer, "warroom-viewer"),
)  # fmt: skip

TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam("Operations", "priya.raman",
             ("marcus.webb", "jonas.becker", "tomas.ortega", "olivia.grant")),
    DemoTeam("Sales Apps Development", "daniel.okafor",
             ("anika.deshpande", "rahul.menon", "sophie.laurent")),
    DemoTeam("Security", "hannah.fischer", ("kwame.asante",)),
    DemoTeam("Identity", "elena.kowalska", ("ben.carter",)),
    DemoTeam("Network", "piotr.nowak", ("grace.liu",)),
    DemoTeam("Database", "samuel.adeyemi", ("mei.tanaka",)),
    DemoTeam("Service Desk", "maria.santos", ("joseph.delacruz", "aoife.byrne", "nadia.hussain")),
)  # fmt: skip

# Names are what people type after --service, so they are short and lower-case.
SERVICES: tuple[DemoService, ...] = (
    DemoService("sales-ordering", 1, "Sales Apps Development"),  # order entry, inside sales
    DemoService("web-shop", 1, "Sales Apps Development"),
    DemoService("payments-gateway", 1, "Sales Apps Development"),
    DemoService("erp-inventory", 1, "Operations"),
    DemoService("order-db", 1, "Database"),  # PostgreSQL sos-db-01/02 behind sales-ordering
    DemoService("identity-sso", 1, "Identity"),
    DemoService("core-network", 1, "Network"),  # WAN, VPN and the warehouse Wi-Fi
    DemoService("warehouse-mgmt", 2, "Operations"),  # WMS and the handheld scanners
    DemoService("edi-partner-feed", 2, "Sales Apps Development"),  # AS2 with carriers
    DemoService("pricing-catalogue", 2, "Sales Apps Development"),
    DemoService("shipping-labels", 2, "Operations"),
    DemoService("email-relay", 2, "Operations"),
    DemoService("bi-reporting", 3, "Database"),
    DemoService("service-desk-portal", 3, "Service Desk"),
    DemoService("internal-wiki", 3, "Service Desk"),
    DemoService("price-recommender-beta", 4, "Sales Apps Development"),
)


def accounts() -> list[DemoPerson]:
    """People who can sign in with a documented demo password."""
    return [p for p in PEOPLE if p.password]
