"""Office KMS host keys told by their Activation ID, and host keys of an unknown generation never blamed.

Evidence: Microsoft, "Configure a KMS host computer to activate volume licensed versions of Office"
(MicrosoftDocs/OfficeDocs-DeployOffice, ms.date 04/26/2024) lists the Activation IDs of the Office LTSC 2021, 2019 and
2016 KMS host keys, and prints the Office 2016 key's slmgr /dlv: "Name: Office 16, OfficeKMSHostVL_KMS_Host edition",
"Description: Office 16, VOLUME_KMS channel" - no year for the VOLUME_KMS_<gen> pattern to read
(tests/unit/fixtures/text/en_msdocs_office_kms_host_dlv.txt). Before this, a KMS host with that real key covered no
Office, and the fleet step named it (KMS_HOST_CANNOT_ACTIVATE_PRODUCT) for every Office 2016 client it had not yet
activated. The KMS hosts below are composed from those strings (marked so).
"""
from __future__ import annotations

import pathlib

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _text

import snapshots as S

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"
OFFICE_APP = "0ff1ce15-a989-479d-af46-f275c6370663"


@pytest.mark.parametrize("activation_id, generation", [
    ("98EBFE73-2084-4C97-932C-C0CD1643BEA7", "office2016"),
    ("70512334-47B4-44DB-A233-BE5EA33B914C", "office2019"),
    ("47F3B983-7C53-4D45-ABC6-BCD91E2DD90A", "office2021"),
    ("bfe7a195-4f8f-4f0b-a622-cf13c7d16864", "office2010"),
    ("F3D89BBF-C0EC-47CE-A8FA-E5A5F97E447F", "office2024"),
])
def test_office_host_keys_are_told_by_the_activation_ids_microsoft_publishes(activation_id, generation):
    product = {"application": "office", "id": activation_id.lower(), "description": "Office 16, VOLUME_KMS channel"}
    assert _analyze.csvlk_generation(product) == generation


def test_an_office_host_key_microsoft_does_not_list_has_no_generation():
    """Same Description, an Activation ID not published: unknown, not a guess."""
    product = {"application": "office", "id": "00000000-0000-0000-0000-000000000001", "description": "Office 16, VOLUME_KMS channel"}
    assert _analyze.csvlk_generation(product) is None


def test_microsofts_office_2016_kms_host_dlv_covers_office_2016():
    snap = _text.snapshot_from_text((TEXTS / "en_msdocs_office_kms_host_dlv.txt").read_text(encoding="utf-8"), "kms01")
    info = _analyze.analyze(snap, {})["kms_host_info"]
    assert info["csvlk"] == ["office2016"] and "office2016" in info["covers"]
    assert info["coverage_unknown"] == ["office2010"]     # a paste shows only what was pasted (revision 2)


def _kms_host(office_key):
    """composed: a Windows Server 2022 KMS host (its CSVLK as the other correlation tests write it) with ``office_key``."""
    windows_key = S.product(Description="Windows(R) Operating System, VOLUME_KMS_2022 channel",
                            ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")
    snap = S.kms_host([windows_key, office_key], build="20348")
    return _analyze.analyze(snap, {"tcp": {"kms01.corp.example.jp:1688": {"open": True}}})


def _office_host_key(activation_id):
    """composed: an Office host key row as Microsoft prints the Office 2016 one, with ``activation_id``."""
    return S.product(ID=activation_id, ApplicationID=OFFICE_APP, Name="Office 16, OfficeKMSHostVL_KMS_Host edition",
                     Description="Office 16, VOLUME_KMS channel", LicenseFamily=None, PartialProductKey="KDQ2G",
                     ProductKeyChannel=None, LicenseStatus=1)


def _office_client(license_family, status=2):
    """A Windows 11 client with an Office KMS client licence of ``license_family``, in grace, using kms01."""
    snap = S.healthy()
    snap["probes"]["activation"]["products"].append(S.product(
        ID="d450596f-894d-49e0-966a-fd39ed4c4c64", ApplicationID=OFFICE_APP, Name=f"Office 16, {license_family} edition",
        Description="Office 16, VOLUME_KMSCLIENT channel", LicenseFamily=license_family, PartialProductKey="WFG99",
        ProductKeyChannel="Volume:GVLK", LicenseStatus=status, GracePeriodRemaining=36000))
    return _analyze.analyze(snap, S.OPEN)


def _blamed(kms, client):
    enriched, _summary = _correlate.correlate([kms, client])
    return "KMS_HOST_CANNOT_ACTIVATE_PRODUCT" in next(r for r in enriched if r["host"] == "pc1")["codes"]


def test_a_kms_host_with_microsofts_office_2016_key_is_not_named_for_office_2016_clients():
    """The real key: before, csvlk [ws2022] only, and the Office 2016 client's KMS host was named."""
    kms = _kms_host(_office_host_key("98ebfe73-2084-4c97-932c-c0cd1643bea7"))
    assert kms["kms_host_info"]["csvlk"] == ["office2016", "ws2022"]
    assert not _blamed(kms, _office_client("Office16ProPlusVL_KMS_Client"))


def test_an_office_host_key_of_unknown_generation_leaves_office_coverage_unknown():
    """An Office host key whose Activation ID Microsoft does not publish (Office 2013's, say): the host may
    cover any Office; its Office clients are not blamed, its Windows coverage still stands."""
    kms = _kms_host(_office_host_key("00000000-0000-0000-0000-000000000024"))
    info = kms["kms_host_info"]
    assert info["csvlk"] == ["ws2022"]
    assert {"office2016", "office2019", "office2021", "office2024"} <= set(info["coverage_unknown"])
    assert "office2010" not in info["coverage_unknown"]         # its own Activation ID is listed: this is not it
    assert not set(info["coverage_unknown"]) & set(info["covers"])
    assert not _blamed(kms, _office_client("Office16ProPlusVL_KMS_Client"))


def test_a_known_office_key_does_not_cover_a_later_office():
    """The Office 2016 key does not cover Office LTSC 2021 ([PLAN] coverage table): that client is named."""
    kms = _kms_host(_office_host_key("98ebfe73-2084-4c97-932c-c0cd1643bea7"))
    assert _blamed(kms, _office_client("Office21ProPlus2021VL_KMS_Client_AE"))


def test_a_windows_host_key_of_unknown_generation_leaves_windows_coverage_unknown():
    """A Windows CSVLK whose Description names no generation beside a known Office key: the Windows clients are not
    blamed (before, csvlk [office2016] made every Windows client 'not covered')."""
    kms = _kms_host(_office_host_key("98ebfe73-2084-4c97-932c-c0cd1643bea7"))
    assert "win11" not in kms["kms_host_info"]["coverage_unknown"]      # its CSVLK's generation is read
    info = _analyze.kms_host_info({"products": [
        {"application": "windows", "channel": "KMS_HOST", "description": "Windows(R) Operating System, VOLUME_KMS_R2_C channel"},
        {"application": "office", "channel": "KMS_HOST", "id": "98ebfe73-2084-4c97-932c-c0cd1643bea7"}]})
    assert info["csvlk"] == ["office2016"] and "win11" in info["coverage_unknown"] and "office2016" not in info["coverage_unknown"]


def test_an_office_host_key_is_named_as_one():
    """A KMS host's Office key was named "Office" (no LicenseFamily to name it by): now by its generation."""
    snap = _text.snapshot_from_text((TEXTS / "en_msdocs_office_kms_host_dlv.txt").read_text(encoding="utf-8"), "kms01")
    (product,) = _analyze.analyze(snap, {})["products"]
    assert product["display"] == "Office 2016 KMS host key"
    kms = _kms_host(_office_host_key("00000000-0000-0000-0000-000000000024"))
    assert "Office KMS host key" in {p["display"] for p in kms["products"]}


@pytest.mark.parametrize("drop", [("Description",), ("Description", "Name"), ("Description", "ID")])
def test_an_office_host_key_without_its_description_is_still_a_host_key(drop):
    """The absent-data audit: Microsoft's Office 2010 host key /dlv with its Description cut out read "Office is
    activated", healthy, where the whole text is a KMS host with 0 clients. Its published Activation ID (high) or its
    license Name ("KMSHost edition", medium) still make it a KMS host key."""
    snap = _text.snapshot_from_text((TEXTS / "en_msdocs_office2010_kms_host_dlv.txt").read_text(encoding="utf-8"), "kms01")
    for key in drop:
        del snap["probes"]["activation"]["products"][0][key]
    result = _analyze.analyze(snap, {})
    assert result["status"] != "healthy" and "KMS_COUNT_INSUFFICIENT" in result["codes"]
    (product,) = result["products"]
    assert product["channel"] == "KMS_HOST"


def test_an_unknown_office_key_with_an_activation_id_is_not_the_office_2010_key():
    """Review: an Office 2013 host key (its Activation ID not in Microsoft's list we cite) made office2010 unknown
    too, so a KMS host without the Office 2010 key was never named for its Office 2010 clients. The Office 2010 key's
    ID is listed: a key with another ID, or an "Office 15, ..." Name, is not it."""
    office15 = {"application": "office", "channel": "KMS_HOST", "id": "2e28138a-847f-42bc-9752-61b03fff33cd",
                "name": "Office 15, OfficeKMSHostVL_KMS_Host edition", "description": "Office 15, VOLUME_KMS channel"}
    info = _analyze.kms_host_info({"products": [office15]})
    assert "office2010" not in info["coverage_unknown"] and "office2016" in info["coverage_unknown"]
    no_id = dict(office15, id=None)
    assert "office2010" not in _analyze.kms_host_info({"products": [no_id]})["coverage_unknown"]
    unknown = {"application": "office", "channel": "KMS_HOST", "id": None, "name": None, "description": None}
    assert "office2010" in _analyze.kms_host_info({"products": [unknown]})["coverage_unknown"]


@pytest.mark.parametrize("lines", [
    ["Name : Microsoft Office 2010, KMSHost edition", "ID   : bfe7a195-4f8f-4f0b-a622-cf13c7d16864"],
    ["ID   : bfe7a195-4f8f-4f0b-a622-cf13c7d16864", "Name : something the paste cut"],
])
def test_a_format_list_of_the_office_2010_host_key_is_read(lines):
    """composed (Microsoft's Name and Activation ID): a Format-List of the key showing only Name and ID was read
    before the check for non-licensing classes, then dropped by it ("Microsoft Office" was not a licence Name)."""
    snap = _text.snapshot_from_text("\n".join(lines) + "\n", "kms01")
    (row,) = snap["probes"]["activation"]["products"]
    assert row["ID"] == "bfe7a195-4f8f-4f0b-a622-cf13c7d16864"


def test_microsofts_wording_of_an_enabled_kms_host_is_read():
    """Microsoft's Office 2010 host key /dlv says "Key Management Service is enabled on this computer"."""
    snap = _text.snapshot_from_text((TEXTS / "en_msdocs_office2010_kms_host_dlv.txt").read_text(encoding="utf-8"), "kms01")
    (row,) = snap["probes"]["activation"]["products"]
    assert row.get("IsKeyManagementServiceMachine") == 1


def test_an_office_host_key_does_not_cover_an_earlier_office_either():
    """Microsoft: "activate a KMS host key for each version of Office" - the table let an Office LTSC 2021 key cover
    Office 2016 and 2019 (as Windows CSVLKs cover earlier Windows), so a host with only that key was never named for
    its Office 2016 clients. Named now, in words that do not call the host's newer key "too old"."""
    kms = _kms_host(_office_host_key("47f3b983-7c53-4d45-abc6-bcd91e2dd90a"))
    assert kms["kms_host_info"]["covers"] == ["office2021", "win10", "win10ltsb2015", "win10ltsb2016", "win10ltsc2019",
                                              "win10ltsc2021", "win11", "ws2016", "ws2019", "ws2022"]
    enriched, _summary = _correlate.correlate([kms, _office_client("Office16ProPlusVL_KMS_Client")])
    pc1 = next(r for r in enriched if r["host"] == "pc1")
    (finding,) = [f for f in pc1["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT"]
    assert finding["confidence"] == "medium"
    assert "its own Office version" in finding["message"]["en"] and "too old" not in finding["message"]["en"]
    assert "古すぎ" not in finding["message"]["ja"] and "Office 2016 needs the Office 2016 CSVLK" in finding["remedy_text"]["en"]


def test_a_kms_host_with_the_office_ltsc_2024_key_covers_office_ltsc_2024():
    """Microsoft publishes the Office LTSC 2024 KMS host key's Activation ID, F3D89BBF-C0EC-47CE-A8FA-E5A5F97E447F
    ("Configure a KMS host computer ...", corrected from 8D368FC1-... in OfficeDocs-DeployOffice commit bde96c36,
    2024-09-17, "Update Activation ID for Office LTSC 2024"; "Tools to manage volume activation of Office", ms.date
    04/25/2025, lists the same). Before, that key's generation was unknown: the host covered no Office LTSC 2024 and its
    Office LTSC 2024 clients were left "coverage unknown" instead of covered."""
    kms = _kms_host(_office_host_key("f3d89bbf-c0ec-47ce-a8fa-e5a5f97e447f"))
    info = kms["kms_host_info"]
    assert info["csvlk"] == ["office2024", "ws2022"]
    assert "office2024" in info["covers"] and not info["coverage_unknown"]
    (key,) = [p for p in kms["products"] if p.get("channel") == "KMS_HOST" and p.get("application") == "office"]
    assert key["display"] == "Office LTSC 2024 KMS host key"
    assert not _blamed(kms, _office_client("Office24ProPlus2024VL_KMS_Client_AE"))
    assert _blamed(kms, _office_client("Office21ProPlus2021VL_KMS_Client_AE"))   # its own version only


def test_the_withdrawn_office_ltsc_2024_activation_id_is_not_read_as_that_key():
    """8D368FC1-9470-4BE2-8D66-90E836CBB051 was on Microsoft's pages for Office LTSC 2024 until Microsoft corrected it
    (commit bde96c36 above); a key with it is not told (unknown), never taken for the Office LTSC 2024 key."""
    product = {"application": "office", "id": "8d368fc1-9470-4be2-8d66-90e836cbb051", "description": "Office 16, VOLUME_KMS channel"}
    assert _analyze.csvlk_generation(product) is None


@pytest.mark.parametrize("description, generation", [
    # real: a published Windows Server 2022 KMS host guide (Windows OS Hub's, quoted in a public repository file the code
    # index returns for "VOLUME_KMS_WS22", id 22774209596): "Make sure the result includes: Description =
    # VOLUME_KMS_WS22 channel"; slmgr prints the licence's Description whole, so the line reads as below
    ("Windows(R) Operating System, VOLUME_KMS_WS22 channel", "ws2022"),
    ("VOLUME_KMS_WS22 channel", "ws2022"),
    # composed: the lab's (assumed) analogues and the form the unit fixtures use
    ("Windows(R) Operating System, VOLUME_KMS_WS19 channel", "ws2019"),
    ("Windows(R) Operating System, VOLUME_KMS_2022 channel", "ws2022"),
])
def test_a_windows_csvlk_description_in_the_published_form_is_read(description, generation):
    """Guards the analyzer's reading of the real form (it already read it; the lab printed VOLUME_KMS_2022 until now)."""
    assert _analyze.csvlk_generation({"application": "windows", "description": description}) == generation
