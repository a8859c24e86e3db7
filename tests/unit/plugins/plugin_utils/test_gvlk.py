"""GVLK choice for every edition in Microsoft's table (kms-client-activation-keys.md)."""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk

# (build, EditionID, ProductType, release, edition, last five characters of Microsoft's key)
TABLE = [
    (26100, "ServerStandard", 3, "Windows Server 2025", "Standard", "MY832"),
    (26100, "ServerDatacenter", 3, "Windows Server 2025", "Datacenter", "YP6DF"),
    (26100, "ServerTurbine", 3, "Windows Server 2025", "Datacenter: Azure Edition", "8MCRC"),
    (20348, "ServerStandard", 3, "Windows Server 2022", "Standard", "VMK7H"),
    (20348, "ServerDatacenter", 3, "Windows Server 2022", "Datacenter", "6VM33"),
    (20348, "ServerTurbine", 3, "Windows Server 2022", "Datacenter: Azure Edition", "KHMXV"),
    (17763, "ServerStandard", 3, "Windows Server 2019", "Standard", "J464C"),
    (17763, "ServerDatacenter", 3, "Windows Server 2019", "Datacenter", "63DFG"),
    (17763, "ServerSolution", 3, "Windows Server 2019", "Essentials", "YY726"),
    (14393, "ServerStandard", 3, "Windows Server 2016", "Standard", "KHKQY"),
    (14393, "ServerDatacenter", 3, "Windows Server 2016", "Datacenter", "8XDDG"),
    (14393, "ServerSolution", 3, "Windows Server 2016", "Essentials", "4M63B"),
    (19042, "ServerStandardACor", 3, "Windows Server, versions 20H2, 2004, 1909, 1903, 1809", "Standard", "724CC"),
    (18362, "ServerDatacenterACor", 3, "Windows Server, versions 20H2, 2004, 1909, 1903, 1809", "Datacenter", "CWH2D"),
    (17134, "ServerStandardACor", 3, "Windows Server, version 1803", "Standard", "9W4KR"),
    (17134, "ServerDatacenterACor", 3, "Windows Server, version 1803", "Datacenter", "7FVDG"),
    (16299, "ServerStandardACor", 3, "Windows Server, version 1709", "Standard", "GF6G4"),
    (16299, "ServerDatacenterACor", 3, "Windows Server, version 1709", "Datacenter", "BWTG6"),
    (9600, "ServerStandard", 3, "Windows Server 2012 R2", "Standard", "MDVJX"),
    (9600, "ServerDatacenter", 3, "Windows Server 2012 R2", "Datacenter", "Q3VJ9"),
    (9600, "ServerSolution", 3, "Windows Server 2012 R2", "Essentials", "M4FWM"),
    (9200, "ServerStandard", 3, "Windows Server 2012", "Standard", "92BT4"),
    (9200, "ServerMultiPointStandard", 3, "Windows Server 2012", "MultiPoint Standard", "CYQJJ"),
    (9200, "ServerMultiPointPremium", 3, "Windows Server 2012", "MultiPoint Premium", "QGJ2G"),
    (9200, "ServerDatacenter", 3, "Windows Server 2012", "Datacenter", "8W83P"),
    (9200, "ServerSolution", 3, "Windows Server 2012", "Essentials", "J2MPV"),
    (7601, "ServerWeb", 3, "Windows Server 2008 R2", "Web", "6RTM4"),
    (7601, "ServerComputeCluster", 3, "Windows Server 2008 R2", "HPC edition", "9QCTX"),
    (7601, "ServerStandard", 3, "Windows Server 2008 R2", "Standard", "R7VHC"),
    (7601, "ServerEnterprise", 3, "Windows Server 2008 R2", "Enterprise", "CPX3Y"),
    (7601, "ServerDatacenter", 3, "Windows Server 2008 R2", "Datacenter", "7M648"),
    (7601, "ServerEnterpriseIA64", 3, "Windows Server 2008 R2", "for Itanium-based Systems", "CB83V"),
    (22631, "Professional", 1, "Windows 11", "Pro", "T83GX"),
    (19045, "Professional", 1, "Windows 10", "Pro", "T83GX"),
    (22631, "ProfessionalN", 1, "Windows 11", "Pro N", "GCQG9"),
    (22631, "ProfessionalWorkstation", 1, "Windows 11", "Pro for Workstations", "6Q84J"),
    (19045, "ProfessionalWorkstationN", 1, "Windows 10", "Pro for Workstations N", "6XYWF"),
    (22631, "ProfessionalEducation", 1, "Windows 11", "Pro Education", "J447Y"),
    (22631, "ProfessionalEducationN", 1, "Windows 11", "Pro Education N", "66QFC"),
    (26100, "Education", 1, "Windows 11", "Education", "VCFB2"),
    (19045, "EducationN", 1, "Windows 10", "Education N", "MDWWJ"),
    (22631, "Enterprise", 1, "Windows 11", "Enterprise", "2YT43"),
    (19045, "EnterpriseN", 1, "Windows 10", "Enterprise N", "KHJW4"),
    (22631, "EnterpriseG", 1, "Windows 11", "Enterprise G", "4M68B"),
    (22631, "EnterpriseGN", 1, "Windows 11", "Enterprise G N", "T84FV"),
    (26100, "EnterpriseS", 1, "Windows 11 LTSC 2024 / Windows 10 LTSC 2021, 2019", "Enterprise LTSC", "J462D"),
    (19044, "EnterpriseS", 1, "Windows 11 LTSC 2024 / Windows 10 LTSC 2021, 2019", "Enterprise LTSC", "J462D"),
    (17763, "EnterpriseSN", 1, "Windows 11 LTSC 2024 / Windows 10 LTSC 2021, 2019", "Enterprise N LTSC", "7CG2H"),
    (19044, "IoTEnterpriseS", 1, "Windows IoT Enterprise LTSC 2024, 2021", "IoT Enterprise LTSC", "PDQGT"),
    (14393, "EnterpriseS", 1, "Windows 10 LTSB 2016", "Enterprise LTSB", "QJ4BJ"),
    (14393, "EnterpriseSN", 1, "Windows 10 LTSB 2016", "Enterprise N LTSB", "8B639"),
    (10240, "EnterpriseS", 1, "Windows 10 LTSB 2015", "Enterprise LTSB", "76DF9"),
    (10240, "EnterpriseSN", 1, "Windows 10 LTSB 2015", "Enterprise N LTSB", "D69TJ"),
    (9600, "Professional", 1, "Windows 8.1", "Pro", "9D6T9"),
    (9600, "ProfessionalN", 1, "Windows 8.1", "Pro N", "B4FXY"),
    (9600, "Enterprise", 1, "Windows 8.1", "Enterprise", "MKKG7"),
    (9600, "EnterpriseN", 1, "Windows 8.1", "Enterprise N", "JFFXW"),
    (9200, "Professional", 1, "Windows 8", "Pro", "J8CK4"),
    (9200, "ProfessionalN", 1, "Windows 8", "Pro N", "2RYQQ"),
    (9200, "Enterprise", 1, "Windows 8", "Enterprise", "CWCK7"),
    (9200, "EnterpriseN", 1, "Windows 8", "Enterprise N", "X2BQT"),
    (7601, "Professional", 1, "Windows 7", "Professional", "GPDD4"),
    (7601, "ProfessionalN", 1, "Windows 7", "Professional N", "QY7MG"),
    (7601, "ProfessionalE", 1, "Windows 7", "Professional E", "GF7QX"),
    (7601, "Enterprise", 1, "Windows 7", "Enterprise", "HVTHH"),
    (7601, "EnterpriseN", 1, "Windows 7", "Enterprise N", "XCKRJ"),
    (7601, "EnterpriseE", 1, "Windows 7", "Enterprise E", "H9DH4"),
    # Windows Server 2008 and Windows Vista: rows of Microsoft's current table the collection did not have
    (6002, "ServerWeb", 3, "Windows Server 2008", "Web", "M249D"),
    (6003, "ServerStandard", 3, "Windows Server 2008", "Standard", "BFGM2"),
    (6002, "ServerStandardV", 3, "Windows Server 2008", "Standard without Hyper-V", "6FFFJ"),
    (6001, "ServerEnterprise", 3, "Windows Server 2008", "Enterprise", "X4Q6V"),
    (6002, "ServerEnterpriseV", 3, "Windows Server 2008", "Enterprise without Hyper-V", "G3FPG"),
    (6002, "ServerComputeCluster", 3, "Windows Server 2008", "HPC", "6X7HP"),
    (6002, "ServerDatacenter", 3, "Windows Server 2008", "Datacenter", "TCBY3"),
    (6002, "ServerDatacenterVCore", 3, "Windows Server 2008", "Datacenter without Hyper-V", "G3QQC"),
    (6002, "ServerEnterpriseIA64", 3, "Windows Server 2008", "for Itanium-Based Systems", "PDRHK"),
    (6002, "Business", 1, "Windows Vista", "Business", "2V3X8"),
    (6001, "BusinessN", 1, "Windows Vista", "Business N", "VMQBT"),
    (6000, "Enterprise", 1, "Windows Vista", "Enterprise", "4BWMV"),
    (6002, "EnterpriseN", 1, "Windows Vista", "Enterprise N", "XJXKV"),
]


@pytest.mark.parametrize("build, edition_id, ptype, release, edition, last5", TABLE)
def test_every_edition_of_microsofts_table(build, edition_id, ptype, release, edition, last5):
    entry = _gvlk.find(build, edition_id, ptype)
    assert entry is not None
    assert (entry.release, entry.edition, entry.last5) == (release, edition, last5)


def test_every_row_of_the_table_is_tested():
    tested = {last5 for *_rest, last5 in TABLE}
    assert {row.last5 for row in _gvlk.table()} - tested == set()


@pytest.mark.parametrize("build, edition_id, ptype", [
    (22631, "Core", 1), (22631, "CoreSingleLanguage", 1), (20348, "ServerStandard", 1),
    (20348, "Professional", 3), (12345, "ServerStandard", 3), (None, "Professional", 1), (22631, None, 1),
])
def test_no_key_where_microsoft_publishes_none(build, edition_id, ptype):
    assert _gvlk.find(build, edition_id, ptype) is None


def test_azure_edition_server_core_uses_the_azure_edition_key():
    """ServerTurbineCor (Datacenter: Azure Edition, Server Core) had no key: install_gvlk refused it and
    NO_GVLK_FOR_EDITION was reported, though Microsoft's table gives the edition one key."""
    assert _gvlk.find(20348, "ServerTurbineCor", 3).last5 == "KHMXV"
    assert _gvlk.find(26100, "ServerTurbineCor", 3).last5 == "8MCRC"
    assert _gvlk.find(20348, "ServerDatacenterACor", 3) is None      # a Semi-Annual Channel edition stays its own


def test_server_core_and_domain_controllers_use_the_server_keys():
    assert _gvlk.find(20348, "ServerDatacenterCore", 3).last5 == "6VM33"
    assert _gvlk.find(17763, "ServerStandard", 2).last5 == "J464C"           # ProductType 2: domain controller


def test_keys_are_well_formed_and_is_gvlk_knows_them():
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_client
    for key in _gvlk.published_keys():
        assert _kms_client.KEY_RE.match(key), key
    assert _gvlk.is_gvlk("T83GX") and not _gvlk.is_gvlk("ABCDE")


def test_every_key_of_microsofts_current_tables_is_recognised():
    """Microsoft's current tables (kms-client-activation-keys.md, ms.date 06/25/2025; OfficeDocs-DeployOffice gvlks.md,
    ms.date 09/18/2024): the Windows Server 2008 and Vista rows, the four Windows Server 2012 rows with no edition
    name to choose them by, and Office's 2016-LTSC 2024 keys were missing, so a licence read with only such a partial
    key (no Description, no ProductKeyChannel) had an unknown channel instead of KMS_CLIENT."""
    tails = ["M249D", "6FFFJ", "G3QQC", "PDRHK", "2V3X8", "XJXKV",         # Server 2008, Vista
             "27GG4", "GVGGY", "84YXQ", "DYFKP",                            # Server 2012 (N, Single Language, ...)
             "GCVGB", "6F7TH", "6MWKP", "WFG99", "76HF4", "VFW9J", "XW3J6"]  # Office LTSC 2024, 2021, 2019, 2016 ...
    assert [tail for tail in tails if not _gvlk.is_gvlk(tail)] == []
    assert [len(rows) for rows in _gvlk.OFFICE_GVLKS.values()] == [12, 13, 13, 14]
    # the Server 2012 rows with no edition name are recognised, never chosen for a host
    assert all(_gvlk.find(9200, edition, ptype) is None for edition in ("", "N", "Core") for ptype in (1, 3))
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot
    office = {"ApplicationID": "0ff1ce15-a989-479d-af46-f275c6370663", "PartialProductKey": "GCVGB"}
    assert _snapshot.channel_evidence(office)[:2] == ("KMS_CLIENT", "high")


def test_a_partial_key_is_matched_against_its_own_applications_gvlks():
    """A Windows licence whose partial key ends like an Office GVLK (a MAK or retail key can end with any five
    characters) is not a KMS client by its key; the Office licence with the same ending is."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot

    office_tail = _gvlk.OFFICE_GVLKS["Office LTSC 2024"][0][1][-5:]
    windows_tail = "T83GX"      # Windows 10/11 Pro's GVLK
    windows = {"ApplicationID": _snapshot.WINDOWS_APPLICATION_ID, "Name": "Windows(R), Professional edition"}
    office = {"ApplicationID": "0ff1ce15-a989-479d-af46-f275c6370663", "Name": "Office 24, Office24ProPlus2024VL_KMS_Client_AE edition"}
    assert _gvlk.is_gvlk(office_tail, "office") and not _gvlk.is_gvlk(office_tail, "windows")
    assert _gvlk.is_gvlk(windows_tail, "windows") and not _gvlk.is_gvlk(windows_tail, "office")
    assert _gvlk.is_gvlk(office_tail) and _gvlk.is_gvlk(windows_tail)
    assert _snapshot.channel_evidence(dict(windows, PartialProductKey=office_tail))[0] == "UNKNOWN"
    assert _snapshot.channel_evidence(dict(windows, PartialProductKey=windows_tail))[:2] == ("KMS_CLIENT", "high")
    assert _snapshot.channel_evidence(dict(office, PartialProductKey=office_tail))[:2] == ("KMS_CLIENT", "high")
