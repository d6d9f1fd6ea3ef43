"""Counts that describe a register at a glance (CLI summary, health page)."""

from __future__ import annotations

from vigie.register.register import Register


def summary(register: Register) -> dict[str, int]:
    """How many themes, processings, notices, organisations, recipients and roles the register holds."""
    return {
        "themes": len(register.themes),
        "processings": len(register.processings),
        "notices": len(register.notices()),
        "organisations": len(register.organisations),
        "recipients": len(register.recipients),
        "roles": len(register.roles),
        "retention_rules": sum(len(p.retention) for p in register.processings.values()),
    }
