"""`/api/consent/proofs`: the proofs of cookie choices for DPO tokens only, as JSON or CSV; journaled."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from vigie.consent import Screen, parse_choice


def test_a_dpo_token_exports_the_proofs_and_others_are_refused(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]]
) -> None:
    consent = client.app.state.consent  # type: ignore[attr-defined]
    consent.record(None, parse_choice(consent.policy, "personnaliser", ["audience"]), Screen.MANAGEMENT)
    dpo = agent_headers("paris-dpo")

    as_json = client.get("/api/consent/proofs", headers=dpo)
    as_csv = client.get("/api/consent/proofs", params={"format": "csv"}, headers=dpo)
    later = client.get("/api/consent/proofs", params={"since": "2030-01-01"}, headers=dpo)
    social = client.get("/api/consent/proofs", headers=agent_headers("paris-social"))
    anonymous = client.get("/api/consent/proofs")
    bad = client.get("/api/consent/proofs", params={"format": "xml"}, headers=dpo)

    (proof,) = as_json.json()
    assert proof["granted"] == ["atid", "atidx", "idrxvr"] and proof["screen"] == "gestion"
    assert "ip" not in {key.lower() for key in proof}
    assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.text.count("\n") == 2
    assert later.json() == []
    assert social.status_code == 403 and anonymous.status_code == 401 and bad.status_code == 422
    tail = client.get("/api/audit/tail", params={"n": 10}, headers=dpo).json()["items"]
    exports = [e for e in tail if "export des preuves de consentement" in e["reason"]]
    assert [e["allowed"] for e in exports] == [True, True, True, False]
