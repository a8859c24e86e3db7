"""Product names from what the licensing service reports (LicenseFamily, Name, build, product type)."""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _product_names as N

CLIENT_11 = {"build": 22631, "product_type": 1, "is_server": False, "edition_id": "Professional"}


@pytest.mark.parametrize("product, os_info, name", [
    ({"application": "windows", "license_family": "Professional"}, CLIENT_11, "Windows 11 Pro"),
    ({"application": "windows", "license_family": "Enterprise"}, dict(CLIENT_11, build=19045), "Windows 10 Enterprise"),
    ({"application": "windows", "license_family": "Core"}, CLIENT_11, "Windows 11 Home"),
    ({"application": "windows", "license_family": "ProfessionalWorkstation"}, CLIENT_11, "Windows 11 Pro for Workstations"),
    ({"application": "windows", "license_family": "ServerDatacenter"}, {"build": 26100, "product_type": 3, "is_server": True},
     "Windows Server 2025 Datacenter"),
    ({"application": "windows", "license_family": "ServerStandard"}, {"build": 20348, "product_type": 2, "is_server": True},
     "Windows Server 2022 Standard"),
    # LicenseFamily missing: the edition from Name ("Windows(R), Professional edition"), the release from the build
    ({"application": "windows", "name": "Windows(R), Professional edition"}, {"build": 22631}, "Windows 11 Pro"),
    # nothing known: the application only, never a guess
    ({"application": "windows"}, None, "Windows"),
    # a server whose release is not known: Windows Server, never "Windows Standard" (which names no product): a pasted
    # slmgr /ato of Windows Server 2012 R2 (Vagrant provisioning, tests/unit/fixtures/text/SOURCES.md) names its licence
    # "Windows(R), ServerStandard edition" and shows no build; over WinRM 2012 R2's build 9600 has no release in the table
    ({"application": "windows", "license_family": "SomethingNew"}, {"build": 99999, "is_server": True}, "Windows Server"),
    ({"application": "windows", "name": "Windows(R), ServerStandard edition"}, None, "Windows Server Standard"),
    # Windows 7's and Server 2008 R2's licence Names (real slmgr /dlv captures) were read as "Windows" alone
    ({"application": "windows", "name": "Windows(R) 7, Enterprise edition"}, None, "Windows 7 Enterprise"),
    ({"application": "windows", "name": "Windows(R) 7, Professional edition"}, {"build": 7601}, "Windows 7 Professional"),
    ({"application": "windows", "name": "Windows Server(R), ServerEnterprise edition"}, None, "Windows Server Enterprise"),
    ({"application": "windows", "license_family": "ServerDatacenter"}, {"build": 9600, "product_type": 3, "is_server": True},
     "Windows Server Datacenter"),
    ({"application": "windows", "license_family": "Professional"}, {"build": 9600, "product_type": 1, "is_server": False},
     "Windows Pro"),
    ({"application": "office", "license_family": "Office24ProPlus2024VL_KMS_Client_AE"}, None, "Office LTSC Professional Plus 2024"),
    ({"application": "office", "license_family": "Office21ProPlus2021VL_KMS_Client_AE"}, None, "Office LTSC Professional Plus 2021"),
    ({"application": "office", "license_family": "Office19ProPlus2019VL_KMS_Client_AE"}, None, "Office Professional Plus 2019"),
    ({"application": "office", "license_family": "Office16ProPlusVL_KMS_Client"}, None, "Office Professional Plus 2016"),
    ({"application": "office", "license_family": "Office21VisioPro2021VL_KMS_Client_AE"}, None, "Visio LTSC Professional 2021"),
    ({"application": "office", "license_family": "Office24ProjectPro2024VL_KMS_Client_AE"}, None, "Project Professional 2024"),
    ({"application": "office", "license_family": "Office21Standard2021VL_KMS_Client_AE"}, None, "Office LTSC Standard 2021"),
    ({"application": "office", "license_family": "O365ProPlusR_Subscription1"}, None, "Office"),
    ({"application": "other", "license_family": "x"}, None, "Product"),
])
def test_product_name(product, os_info, name):
    assert N.product_name(product, os_info) == name
