"""Imports every command module so that each registers its sub-commands on the root app (docs and tests)."""

from vigie.cli import (
    access_cmd,
    account_cmd,
    agent_cmd,
    audit_cmd,
    completion_cmd,
    demo_cmd,
    init_cmd,
    pseudo_cmd,
    register_cmd,
    retention_cmd,
    rights_cmd,
    serve_cmd,
)

__all__ = [
    "access_cmd",
    "account_cmd",
    "agent_cmd",
    "audit_cmd",
    "completion_cmd",
    "demo_cmd",
    "init_cmd",
    "pseudo_cmd",
    "register_cmd",
    "retention_cmd",
    "rights_cmd",
    "serve_cmd",
]
