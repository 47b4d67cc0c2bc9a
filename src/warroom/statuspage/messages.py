"""The words of an update for each audience: Jinja templates with placeholders for what
happened, what we are doing and when the next update comes. These are the built-in ones; an
organisation writes its own (``templates.py``). Rendered in a sandbox: templates and the text
put in both come from people, and a template must never reach into the program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import TemplateSyntaxError, meta
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
    Audience.public: "",  # the public update has no subject: it goes on the page
    Audience.stakeholders: "[{{ severity }}] {{ ref }} update: {{ title }}",
    Audience.customers: "Service update: {{ services }}",
}
# What every template may use; a name outside these is a typo the writer should hear about.
PLACEHOLDERS = (
    "ref", "title", "severity", "status", "services", "what_happened", "doing", "next_update",
    "url", "status_page", "name", "customer",
)  # fmt: skip


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


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)


def check(text: str) -> str | None:
    """What is wrong with a template, in words; None when it renders."""
    try:
        parsed = _env().parse(text)
    except TemplateSyntaxError as exc:
        return f"line {exc.lineno}: {exc.message}"
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(PLACEHOLDERS))
    if unknown:
        return f"unknown placeholder {unknown[0]!r}; use {', '.join(PLACEHOLDERS)}"
    return None


def render(
    audience: Audience, facts: Facts, name: str = "", customer: str = "", template: str = ""
) -> str:
    """The text for ``audience`` (from ``template`` when given); ``name`` and ``customer``
    greet one recipient."""
    greet = {"name": name or "there", "customer": customer}
    values = vars(facts) | {"next_update": facts.next_update()} | greet
    return _env().from_string(template or TEMPLATES[audience]).render(values).strip()


def subject(audience: Audience, facts: Facts, template: str = "") -> str:
    values = vars(facts) | {"next_update": facts.next_update(), "name": "", "customer": ""}
    text = _env().from_string(template or SUBJECTS[audience]).render(values)
    return " ".join(text.split())[:300]
