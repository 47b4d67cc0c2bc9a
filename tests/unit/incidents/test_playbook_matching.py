"""Which checklists apply on their own, and when: the ones without a phase at declaration, a
security incident's detection & analysis playbook with its declaration, and every other
playbook only on entering its phase. Decided over the template's values, no database."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from warroom.incidents.models import TaskTemplate
from warroom.incidents.rules import Kind, Severity
from warroom.incidents.schemas import TemplateIn
from warroom.incidents.tasks import applies_automatically
from warroom.security.rules import Phase


def template(kind: str = "security", phase: str | None = None, **extra: object) -> TaskTemplate:
    values: dict[str, object] = {"severities": ["SEV1", "SEV2"], "auto_apply": True} | extra
    return TaskTemplate(name="t", kind=kind, phase=phase, items=[], **values)


def at_declaration(row: TaskTemplate, kind: Kind, severity: Severity = Severity.SEV1) -> bool:
    return applies_automatically(row, kind=kind, severity=severity, phase=None)


def on_entering(row: TaskTemplate, phase: Phase, severity: Severity = Severity.SEV1) -> bool:
    return applies_automatically(row, kind=Kind.security, severity=severity, phase=phase)


def test_a_security_declaration_brings_the_detection_playbook_only() -> None:
    assert at_declaration(template(), Kind.security)
    assert at_declaration(template(phase="detection_analysis"), Kind.security)
    for later in list(Phase)[1:]:
        assert not at_declaration(template(phase=later.value), Kind.security)


def test_a_service_declaration_never_brings_a_playbook() -> None:
    assert at_declaration(template("service"), Kind.service)
    assert not at_declaration(template("security"), Kind.service)
    # Even a phase slipped past the form's check does not make a service checklist a playbook.
    assert not at_declaration(template("service", phase="detection_analysis"), Kind.service)


def test_entering_a_phase_brings_that_phase_s_playbook_only() -> None:
    containment = template(phase="containment")
    assert on_entering(containment, Phase.containment)
    assert not on_entering(containment, Phase.eradication)
    assert not on_entering(template(), Phase.containment)  # a plain checklist came at declaration


def test_severity_and_auto_apply_still_narrow_a_playbook() -> None:
    assert not on_entering(template(phase="containment"), Phase.containment, Severity.SEV3)
    assert not on_entering(template(phase="containment", auto_apply=False), Phase.containment)


def test_a_template_s_phase_is_one_of_the_nist_phases() -> None:
    body = {"name": "p", "kind": "security", "severities": ["SEV1"], "items": [{"title": "x"}]}
    assert TemplateIn.model_validate(body).phase is None
    assert TemplateIn.model_validate(body | {"phase": "recovery"}).phase is Phase.recovery
    with pytest.raises(ValidationError) as caught:
        TemplateIn.model_validate(body | {"phase": "mopping"})
    assert caught.value.errors()[0]["loc"] == ("phase",)
