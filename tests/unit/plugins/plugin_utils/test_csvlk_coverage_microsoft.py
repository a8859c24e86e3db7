"""Which KMS host key (CSVLK) activates which Windows, row by row against Microsoft's table.

Evidence: Microsoft, "Key Management Services (KMS) activation planning", "Activation versions"
(https://learn.microsoft.com/windows-server/get-started/kms-activation-planning; MicrosoftDocs/windowsserverdocs
WindowsServerDocs/get-started/kms-activation-planning.md, ms.date 03/17/2025, the same rows as 11/12/2024): the Windows
Server 2016 CSVLK activates "Windows 10 LTSB (2015 and 2016)" of the LTSB/LTSC releases, the 2019 and 2022 CSVLKs
"Windows 10 Enterprise LTSC/LTSC N/LTSB", and only the 2025 CSVLK lists "Windows 11 Enterprise LTSC 2024"; the Windows
10 CSVLK "Windows 10 Enterprise LTSB/LTSB N (2015)"; no group names Windows IoT Enterprise LTSC. "Error 0xC004F015 when
you activate Windows 10 Enterprise on a Windows Server 2012 R2 KMS host" (KB 3086418, MicrosoftDocs/SupportArticles-docs)
gives the "Windows Srv 2012R2 DataCtr/Std KMS for Windows 10" key to activate Windows 10 - nothing later.

Before, an Enterprise LTSC counted as any Windows 10 or 11 (family win10 / win11): a KMS host with a 2016 CSVLK was
taken to cover Windows 10 LTSC 2019 and 2021 clients, one with a 2022 CSVLK Windows 11 LTSC 2024 clients, and the
2012 R2 key for Windows 10 Windows Server 2016 - each client left unnamed while its host refused it (0xC004F042).
The KMS hosts and clients here are composed (S.kms_host / S.healthy, marked so there).
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _findings, _product_names

import snapshots as S

#: (build, EditionID) -> the family Microsoft's table lists it under
LTSC = [
    (10240, "EnterpriseS", "win10ltsb2015"), (14393, "EnterpriseSN", "win10ltsb2016"),
    (17763, "EnterpriseS", "win10ltsc2019"), (19044, "EnterpriseSN", "win10ltsc2021"),
    (26100, "EnterpriseS", "win11ltsc2024"),
]


@pytest.mark.parametrize("build, edition, family", LTSC)
def test_an_enterprise_ltsc_is_its_own_family(build, edition, family):
    os_info = {"build": build, "product_type": 1, "edition_id": edition}
    assert _analyze.product_family(os_info, {"application": "windows", "license_family": edition}) == family


@pytest.mark.parametrize("build", [19044, 26100])
def test_iot_enterprise_ltsc_is_in_no_csvlk_group(build):
    """No group of Microsoft's table names Windows IoT Enterprise LTSC: not known, so no host is blamed for it."""
    os_info = {"build": build, "product_type": 1, "edition_id": "IoTEnterpriseS"}
    assert _analyze.product_family(os_info, {"application": "windows", "license_family": "IoTEnterpriseS"}) is None


# (CSVLK Description as a KMS host shows it, families Microsoft's row lists, families it does not)
ROWS = [
    ("Windows(R) Operating System, VOLUME_KMS_WS16 channel", {"win10", "win10ltsb2015", "win10ltsb2016", "ws2016"},
     {"win10ltsc2019", "win10ltsc2021", "win11", "win11ltsc2024", "ws2019"}),
    ("Windows(R) Operating System, VOLUME_KMS_WS19 channel",
     {"win10", "win10ltsb2015", "win10ltsb2016", "win10ltsc2019", "win10ltsc2021", "ws2016", "ws2019"},
     {"win11", "win11ltsc2024", "ws2022"}),
    ("Windows(R) Operating System, VOLUME_KMS_WS22 channel",
     {"win10", "win10ltsc2019", "win10ltsc2021", "win11", "ws2016", "ws2019", "ws2022"}, {"win11ltsc2024", "ws2025"}),
    ("Windows(R) Operating System, VOLUME_KMS_WS25 channel",
     {"win10", "win10ltsc2021", "win11", "win11ltsc2024", "ws2022", "ws2025"}, set()),
    # the real Description of the 2012 R2 key for Windows 10 (a published slmgr /dlv, SOURCES note in this module)
    ("Windows(R) Operating System, VOLUME_KMS_2012-R2_WIN10 channel", {"win10"}, {"ws2016", "win10ltsb2016", "win11"}),
]


@pytest.mark.parametrize("description, listed, not_listed", ROWS)
def test_each_csvlk_covers_what_microsofts_row_lists(description, listed, not_listed):
    key = {"application": "windows", "channel": "KMS_HOST", "description": description, "license_status": 1}
    covers = set(_analyze.kms_host_info({"products": [key]})["covers"])
    assert listed <= covers
    assert not covers & not_listed


def _ltsc_client(build, edition="EnterpriseS"):
    """composed: an Enterprise LTSC KMS client in grace that uses kms01."""
    snap = S.healthy()
    act = snap["probes"]["activation"]
    act["os"].update(BuildNumber=str(build), Version=f"10.0.{build}")
    act["current_version"]["EditionID"] = edition
    act["products"] = [S.product(Name=f"Windows(R), {edition} edition", LicenseFamily=edition, PartialProductKey="J462D",
                                 LicenseStatus=2, GracePeriodRemaining=36000)]
    return _analyze.analyze(snap, S.OPEN)


def _kms(description):
    """composed: KMS host kms01 on Windows Server 2022 with one Windows CSVLK of ``description``."""
    key = S.product(Description=description, ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")
    return _analyze.analyze(S.kms_host([key], build="20348"), S.OPEN)


def _blamed(kms, client):
    enriched, _summary = _correlate.correlate([kms, client])
    pc1 = next(r for r in enriched if r["host"] == "pc1")
    return [f for f in pc1["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT"]


def test_a_2016_csvlk_host_is_named_for_its_windows_10_ltsc_2019_clients():
    (finding,) = _blamed(_kms("Windows(R) Operating System, VOLUME_KMS_WS16 channel"), _ltsc_client(17763))
    assert "Windows 10 Enterprise LTSC 2019" in finding["message"]["en"]
    assert "Windows 10 Enterprise LTSC 2019 needs a Windows Server 2019 or newer CSVLK" in finding["remedy_text"]["en"]
    assert "Windows Server 2019 以降" in finding["remedy_text"]["ja"]


def test_a_2022_csvlk_host_is_named_for_its_windows_11_ltsc_2024_clients_and_not_for_windows_11():
    kms = _kms("Windows(R) Operating System, VOLUME_KMS_WS22 channel")
    (finding,) = _blamed(kms, _ltsc_client(26100))
    assert "Windows 11 Enterprise LTSC 2024 needs a Windows Server 2025 CSVLK" in finding["remedy_text"]["en"]
    assert not _blamed(kms, _analyze.analyze(S.failing("0x0"), S.OPEN))          # Windows 11 Pro: covered
    assert not _blamed(_kms("Windows(R) Operating System, VOLUME_KMS_WS25 channel"), _ltsc_client(26100))


def test_the_2012_r2_key_for_windows_10_does_not_cover_windows_server_2016():
    kms = _kms("Windows(R) Operating System, VOLUME_KMS_2012-R2_WIN10 channel")
    assert "ws2016" not in kms["kms_host_info"]["covers"] and "win10" in kms["kms_host_info"]["covers"]
    # the LTSBs of its time: Microsoft's text names neither way - not known, so not blamed
    assert {"win10ltsb2015", "win10ltsb2016"} <= set(kms["kms_host_info"]["coverage_unknown"])
    assert not _blamed(kms, _ltsc_client(14393))
    assert _blamed(kms, _ltsc_client(17763))        # LTSC 2019: not even a 2016 CSVLK covers it


def test_a_2012_r2_key_other_than_the_one_for_windows_10_is_not_taken_for_it():
    """Only VOLUME_KMS_2012-R2_WIN10 is known by its Description; any other 2012 R2 key (its Description is not
    published) was read as that key, so a failing Windows 10 client was taken as covered by it. Not known now: neither
    said to cover Windows 10 nor blamed for it."""
    kms = _kms("Windows(R) Operating System, VOLUME_KMS_2012-R2 channel")
    info = kms["kms_host_info"]
    assert info["csvlk"] == [] and "win10" not in info["covers"] and "win10" in info["coverage_unknown"]
    assert _analyze.csvlk_generation({"description": "Windows(R) Operating System, VOLUME_KMS_2012-R2_WIN10 channel",
                                      "application": "windows"}) == "ws2012r2"


def test_a_refused_ltsc_client_is_told_which_csvlk_it_needs():
    """0xC004F042 seen on the client alone: the release it names is the LTSC's, and so is the CSVLK it needs."""
    snap = S.failing("0xC004F042", LicenseFamily="EnterpriseS", Name="Windows(R), EnterpriseS edition")
    act = snap["probes"]["activation"]
    act["os"].update(BuildNumber="19044", Version="10.0.19044")
    act["current_version"]["EditionID"] = "EnterpriseS"
    (finding,) = [f for f in _analyze.analyze(snap, S.OPEN)["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT"]
    assert "Windows 10 Enterprise LTSC 2021" in finding["message"]["en"]
    assert "needs a Windows Server 2019 or newer CSVLK" in finding["remedy_text"]["en"]


@pytest.mark.parametrize("build, edition", [(19044, "IoTEnterpriseS"), (26100, "IoTEnterpriseS"), (22631, "IoTEnterprise")])
def test_a_refused_iot_client_is_not_told_a_windows_csvlk_covers_it(build, edition):
    """0xC004F042 on Windows IoT Enterprise (LTSC), which no CSVLK group of Microsoft's table names: the finding names
    its edition and asks for a CSVLK that covers it, as the fleet leaves it unjudged. Before: "Windows 10 build 19044"
    and "Windows 10 needs a Windows 10 CSVLK, ... or a Windows Server 2016 or newer CSVLK" (Windows 11: "a Windows
    Server 2022 or 2025 CSVLK"), CSVLKs Microsoft does not list for it."""
    snap = S.failing("0xC004F042", LicenseFamily=edition, Name=f"Windows(R), {edition} edition")
    act = snap["probes"]["activation"]
    act["os"].update(BuildNumber=str(build), Version=f"10.0.{build}")
    act["current_version"]["EditionID"] = edition
    (finding,) = [f for f in _analyze.analyze(snap, S.OPEN)["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT"]
    assert "IoT Enterprise" in finding["evidence"]["os_release"] and f"build {build}" in finding["evidence"]["os_release"]
    assert "one whose generation covers this product" in finding["remedy_text"]["en"], finding["remedy_text"]["en"]
    assert "この製品に対応する世代のもの" in finding["remedy_text"]["ja"]
    assert "needs a" not in finding["remedy_text"]["en"]


@pytest.mark.parametrize("release, family", [
    ("Windows 10 Enterprise LTSC 2019 build 17763", "win10ltsc2019"), ("win11ltsc2024", "win11ltsc2024"),
    ("Windows 10 Enterprise N LTSB 2016", "win10ltsb2016"),
])
def test_release_texts_name_their_family(release, family):
    assert _findings._family_of(release) == family      # pylint: disable=protected-access


def test_the_windows_11_remedy_names_each_hosts_update_as_microsoft_lists_it():
    """[PLAN]'s "KMS host required updates": KB5034765 is Windows Server 2022's (for Windows Server 2025 clients), not
    a 2016/2019 host's as the text said."""
    needed = _findings._csvlk_needed({"os_release": "win11"})["en"]     # pylint: disable=protected-access
    assert "Server 2022: KB5034765" in needed and "Server 2016/2019 hosts also need" not in needed


@pytest.mark.parametrize("family", ["ws2025", "win11ltsc2024"])
def test_what_only_a_2025_csvlk_covers_names_the_2019_and_2022_hosts_updates(family):
    """[PLAN]: the 2025 CSVLK can be hosted on Windows Server 2022 and 2019, whose "KMS host required updates" rows
    give KB5034765 (2022) and KB5034768 (2019); the remedy for a product only that CSVLK covers names them, as the
    Windows 11 one does (it said "needs a Windows Server 2025 CSVLK" only)."""
    needed = _findings._csvlk_needed({"os_release": family})     # pylint: disable=protected-access
    for text in (needed["en"], needed["ja"]):
        assert "2025" in text and "Server 2019: KB5034768" in text and "Server 2022: KB5034765" in text


@pytest.mark.parametrize("build, edition, name", [
    (14393, "EnterpriseS", "Windows 10 Enterprise LTSB"), (10240, "EnterpriseSN", "Windows 10 Enterprise N LTSB"),
])
def test_an_ltsb_is_named_as_microsoft_names_it(build, edition, name):
    """Microsoft's key table: "Windows 10 Enterprise LTSB 2016", "Windows 10 Enterprise N LTSB 2015" ("LTSB is
    Long-Term Servicing Branch"); they were called "Enterprise LTSC" like the later releases."""
    product = {"application": "windows", "license_family": edition}
    assert _product_names.product_name(product, {"build": build, "product_type": 1}) == name
