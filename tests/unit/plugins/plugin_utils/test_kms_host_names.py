"""KMS host names as an AWX inventory from Active Directory and the clients write them (brief s2).

The microsoft.ad.ldap inventory names hosts by dNSHostName, sometimes in upper case; a client names its KMS host as
``slmgr /skms`` was typed (a trailing dot kept) or as DNS answered (lower case). The fleet step and the check-mode
prediction of the remediate role must take these for one host. Composed snapshots (tests/unit/snapshots.py).
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate

import snapshots as S


def _kms01(inventory_name: str) -> dict:
    """composed: KMS host kms01 (Windows Server 2022 CSVLK) under ``inventory_name``."""
    key = S.product(Description="Windows(R) Operating System, VOLUME_KMS_2022 channel", ProductKeyChannel="Volume:CSVLK",
                    LicenseFamily="ServerDatacenter")
    result = _analyze.analyze(S.kms_host([key], build="20348"), {"tcp": {"kms01.corp.example.jp:1688": {"open": True}}})
    result["host"] = inventory_name
    return result


def _client(target: str) -> dict:
    """composed: client pc1 whose last request (event 12288) went to ``target`` and failed with 0xC004F074."""
    snap = S.healthy()
    snap["probes"]["activation"]["events"] = [S.request("0xC004F074", host=target)]
    return _analyze.analyze(snap, S.OPEN)


@pytest.mark.parametrize("inventory_name", ["kms01.corp.example.jp", "KMS01.CORP.EXAMPLE.JP", "KMS01.CORP.EXAMPLE.JP."])
@pytest.mark.parametrize("target", ["kms01.corp.example.jp:1688", "KMS01.corp.example.jp.:1688", "kms01.:1688",
                                    "KMS01:1688"])
def test_a_client_names_the_kms_host_of_the_run_by_any_of_its_forms(inventory_name, target):
    """Fails before the fix for a trailing dot: the client's KMS host was "not in the run", without its CSVLK."""
    _results, summary = _correlate.correlate([_kms01(inventory_name), _client(target)])
    groups = list(summary["by_kms_host"].values())
    assert len(groups) == 1
    assert groups[0]["in_run"] is True and groups[0]["csvlk"] == ["ws2022"]
    assert not groups[0]["kms_host"].endswith(".")


@pytest.mark.parametrize("typed", ["kms01.corp.example.jp.", "KMS01.CORP.EXAMPLE.JP."])
def test_an_override_naming_the_dns_host_with_a_trailing_dot_is_not_stale(typed):
    """composed: slmgr /skms with the DNS host's own name, typed with a trailing dot; the client's last request failed
    (0x800706BA) and its own TCP test reaches the host now. Fails before the fix: STALE_KMS_OVERRIDE, "the override
    points elsewhere than DNS" - a remedy that clears a setting naming the very host DNS offers."""
    def override(p):
        p["activation"]["service"].update(KeyManagementServiceMachine=typed, KeyManagementServicePort=1688)
        p["kms_dns"]["candidates"].insert(0, {"source": "service", "host": typed, "port": 1688})
        p["kms_dns"]["resolved"][typed.lower()] = {"addresses": ["10.0.5.10"], "error": None}
        p["kms_dns"]["tcp"][f"{typed.lower()}:1688"] = {"open": True, "error": None}
    snap = S.edit(S.failing("0x800706BA"), override)
    snap["probes"]["activation"]["events"] = [S.request("0x800706BA", host=f"{typed}:1688")]
    codes = set(_analyze.analyze(snap, S.OPEN)["codes"])
    assert "STALE_KMS_OVERRIDE" not in codes
    assert "KMS_PORT_BLOCKED" in codes          # reached now: the request's failure has passed (low confidence)
