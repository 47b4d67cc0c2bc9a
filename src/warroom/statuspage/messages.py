"""The words of an update for each audience: Jinja templates with placeholders for what
happened, what we are doing and when the next update comes. Rendered in a sandbox: the text
put in comes from people, and a template must never reach into the program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2.sandbox import SandboxedEnvironment

from warroom.statuspage.audiences import Audience

PUBLIC = """{{ what_happened }}

{{ doing }}
{% if next_update %}
We will post the next update by {{ next_update }}.{% endif %}"""

STAKEHOLDERS = """{{ severity }} {{ ref }}: {{ title }}
Status: {{ status }} · Services: {{ services }}

What happened
{{ what_happened }}

What we are doing
{{ doing }}
{% if next_update %}
Next update by {{ next_update }}.{% endif %}
War room: {{ url }}"""

CUSTOMERS = """Hello {{ name }},

We are writing to you{% if customer %} at {{ customer }}{% endif %} about a problem affecting \
{{ services }}.

What happened
{{ what_happened }}

What we are doing
{{ doing }}
{% if next_update %}
We will write again by {{ next_update }}.{% endif %}
Current status: {{ status_page }}"""

TEMPLATES = {Audience.public: PUBLIC, Audience.stakeholders: STAKEHOLDERS}
TEMPLATES[Audience.customers] = CUSTOMERS
SUBJECTS = {
    Audience.stakeholders: "[{severity}] {ref} update: {title}",
    Audience.customers: "Service update: {services}",
}


@dataclass(frozen=True)
class Facts:
    ref: str
    title: str
    severity: str
    status: str
    services: str
    what_happened: str
    doing: str
    next_update_at: datetime | None
    url: str
    status_page: str
    time_zone: str = "Etc/UTC"

    def next_update(self) -> str:
        if self.next_update_at is None:
            return ""
        local = self.next_update_at.astimezone(ZoneInfo(self.time_zone))
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def render(audience: Audience, facts: Facts, name: str = "", customer: str = "") -> str:
    """The text for ``audience``; ``name`` and ``customer`` greet one recipient."""
    env = SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)
    greet = {"name": name or "there", "customer": customer}
    values = vars(facts) | {"next_update": facts.next_update()} | greet
    return env.from_string(TEMPLATES[audience]).render(values).strip()


def subject(audience: Audience, facts: Facts) -> str:
    return SUBJECTS[audience].format(**vars(facts))[:300]
