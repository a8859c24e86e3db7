# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft's public KMS client setup keys (GVLKs), and how to pick one for a host.

Source: Microsoft, "Key Management Services (KMS) client activation and product keys"
(MicrosoftDocs/windowsserverdocs, WindowsServerDocs/get-started/kms-client-activation-keys.md, ms.date 10/01/2024).
The keys are published by Microsoft for anyone to install on a KMS client; they are still product keys, so this
collection never prints more than their last five characters.

A host's key is chosen from its edition (registry EditionID, which SoftwareLicensingProduct.LicenseFamily
repeats) and its release (Win32_OperatingSystem.BuildNumber, ProductType), never from the localized Caption.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import functools
import typing as t


class Gvlk(t.NamedTuple):
    """One row of Microsoft's table."""

    release: str       # e.g. "Windows Server 2022", "Windows 10/11"
    edition: str       # Microsoft's edition name in the table
    edition_id: str    # registry EditionID / LicenseFamily
    key: str

    @property
    def last5(self) -> str:
        """The only part of the key this collection shows."""
        return self.key[-5:]


#: Client releases of Windows 10 and 11 share keys per edition (the table lists them together).
_WIN10_11 = [
    ("Pro", "Professional", "W269N-WFGWX-YVC9B-4J6C9-T83GX"),
    ("Pro N", "ProfessionalN", "MH37W-N47XK-V7XM9-C7227-GCQG9"),
    ("Pro for Workstations", "ProfessionalWorkstation", "NRG8B-VKK3Q-CXVCJ-9G2XF-6Q84J"),
    ("Pro for Workstations N", "ProfessionalWorkstationN", "9FNHH-K3HBT-3W4TD-6383H-6XYWF"),
    ("Pro Education", "ProfessionalEducation", "6TP4R-GNPTD-KYYHQ-7B7DP-J447Y"),
    ("Pro Education N", "ProfessionalEducationN", "YVWGF-BXNMC-HTQYQ-CPQ99-66QFC"),
    ("Education", "Education", "NW6C2-QMPVW-D7KKK-3GKT6-VCFB2"),
    ("Education N", "EducationN", "2WH4N-8QGBV-H22JP-CT43Q-MDWWJ"),
    ("Enterprise", "Enterprise", "NPPR9-FWDCX-D2C8J-H872K-2YT43"),
    ("Enterprise N", "EnterpriseN", "DPH2V-TTNVB-4X9Q3-TJR4H-KHJW4"),
    ("Enterprise G", "EnterpriseG", "YYVX9-NTFWV-6MDM3-9PT4T-4M68B"),
    ("Enterprise G N", "EnterpriseGN", "44RPN-FTY23-9VTTB-MP9BX-T84FV"),
]

#: (release, builds, product type: 1 client / 3 server, rows of (edition, EditionID, key))
_TABLE: list[tuple[str, tuple[int, ...], int, list[tuple[str, str, str]]]] = [
    ("Windows Server 2025", (26100,), 3, [
        ("Standard", "ServerStandard", "TVRH6-WHNXV-R9WG3-9XRFY-MY832"),
        ("Datacenter", "ServerDatacenter", "D764K-2NDRG-47T6Q-P8T8W-YP6DF"),
        ("Datacenter: Azure Edition", "ServerTurbine", "XGN3F-F394H-FD2MY-PP6FD-8MCRC"),
    ]),
    ("Windows Server 2022", (20348,), 3, [
        ("Standard", "ServerStandard", "VDYBN-27WPP-V4HQT-9VMD4-VMK7H"),
        ("Datacenter", "ServerDatacenter", "WX4NM-KYWYW-QJJR4-XV3QB-6VM33"),
        ("Datacenter: Azure Edition", "ServerTurbine", "NTBV8-9K7Q8-V27C6-M2BTV-KHMXV"),
    ]),
    ("Windows Server 2019", (17763,), 3, [
        ("Standard", "ServerStandard", "N69G4-B89J2-4G8F4-WWYCC-J464C"),
        ("Datacenter", "ServerDatacenter", "WMDGN-G9PQG-XVVXX-R3X43-63DFG"),
        ("Essentials", "ServerSolution", "WVDHN-86M7X-466P6-VHXV7-YY726"),
    ]),
    ("Windows Server 2016", (14393,), 3, [
        ("Standard", "ServerStandard", "WC2BQ-8NRM3-FDDYY-2BFGV-KHKQY"),
        ("Datacenter", "ServerDatacenter", "CB7KF-BWN84-R7R2Y-793K2-8XDDG"),
        ("Essentials", "ServerSolution", "JCKRF-N37P4-C2D82-9YXRT-4M63B"),
    ]),
    ("Windows Server, versions 20H2, 2004, 1909, 1903, 1809", (19042, 19041, 18363, 18362, 17763), 3, [
        ("Standard", "ServerStandardACor", "N2KJX-J94YW-TQVFB-DG9YT-724CC"),
        ("Datacenter", "ServerDatacenterACor", "6NMRW-2C8FM-D24W7-TQWMY-CWH2D"),
    ]),
    ("Windows Server, version 1803", (17134,), 3, [
        ("Standard", "ServerStandardACor", "PTXN8-JFHJM-4WC78-MPCBR-9W4KR"),
        ("Datacenter", "ServerDatacenterACor", "2HXDN-KRXHB-GPYC7-YCKFJ-7FVDG"),
    ]),
    ("Windows Server, version 1709", (16299,), 3, [
        ("Standard", "ServerStandardACor", "DPCNP-XQFKJ-BJF7R-FRC8D-GF6G4"),
        ("Datacenter", "ServerDatacenterACor", "6Y6KB-N82V8-D8CQV-23MJW-BWTG6"),
    ]),
    ("Windows Server 2012 R2", (9600,), 3, [
        ("Standard", "ServerStandard", "D2N9P-3P6X9-2R39C-7RTCD-MDVJX"),
        ("Datacenter", "ServerDatacenter", "W3GGN-FT8W3-Y4M27-J84CP-Q3VJ9"),
        ("Essentials", "ServerSolution", "KNC87-3J2TX-XB4WP-VCPJV-M4FWM"),
    ]),
    ("Windows Server 2012", (9200,), 3, [
        ("Standard", "ServerStandard", "XC9B7-NBPP2-83J2H-RHMBY-92BT4"),
        ("MultiPoint Standard", "ServerMultiPointStandard", "HM7DN-YVMH3-46JC3-XYTG7-CYQJJ"),
        ("MultiPoint Premium", "ServerMultiPointPremium", "XNH6W-2V9GX-RGJ4K-Y8X6F-QGJ2G"),
        ("Datacenter", "ServerDatacenter", "48HP8-DN98B-MYWDG-T2DCC-8W83P"),
        ("Essentials", "ServerSolution", "HTDQM-NBMMG-KGYDT-2DTKT-J2MPV"),
    ]),
    ("Windows Server 2008 R2", (7600, 7601), 3, [
        ("Web", "ServerWeb", "6TPJF-RBVHG-WBW2R-86QPH-6RTM4"),
        ("HPC edition", "ServerComputeCluster", "TT8MH-CG224-D3D7Q-498W2-9QCTX"),
        ("Standard", "ServerStandard", "YC6KT-GKW9T-YTKYR-T4X34-R7VHC"),
        ("Enterprise", "ServerEnterprise", "489J6-VHDMP-X63PK-3K798-CPX3Y"),
        ("Datacenter", "ServerDatacenter", "74YFP-3QFB3-KQT8W-PMXWJ-7M648"),
        ("for Itanium-based Systems", "ServerEnterpriseIA64", "GT63C-RJFQ3-4GMB6-BRFB9-CB83V"),
    ]),
    ("Windows 11 LTSC 2024 / Windows 10 LTSC 2021, 2019", (26100, 19044, 17763), 1, [
        ("Enterprise LTSC", "EnterpriseS", "M7XTQ-FN8P6-TTKYV-9D4CC-J462D"),
        ("Enterprise N LTSC", "EnterpriseSN", "92NFX-8DJQP-P6BBQ-THF9C-7CG2H"),
    ]),
    ("Windows IoT Enterprise LTSC 2024, 2021", (26100, 19044), 1, [
        ("IoT Enterprise LTSC", "IoTEnterpriseS", "KBN8V-HFGQ4-MGXVD-347P6-PDQGT"),
    ]),
    ("Windows 10 LTSB 2016", (14393,), 1, [
        ("Enterprise LTSB", "EnterpriseS", "DCPHK-NFMTC-H88MJ-PFHPY-QJ4BJ"),
        ("Enterprise N LTSB", "EnterpriseSN", "QFFDN-GRT3P-VKWWX-X7T3R-8B639"),
    ]),
    ("Windows 10 LTSB 2015", (10240,), 1, [
        ("Enterprise LTSB", "EnterpriseS", "WNMTR-4C88C-JK8YV-HQ7T2-76DF9"),
        ("Enterprise N LTSB", "EnterpriseSN", "2F77B-TNFGY-69QQF-B8YKP-D69TJ"),
    ]),
    ("Windows 8.1", (9600,), 1, [
        ("Pro", "Professional", "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"),
        ("Pro N", "ProfessionalN", "HMCNV-VVBFX-7HMBH-CTY9B-B4FXY"),
        ("Enterprise", "Enterprise", "MHF9N-XY6XB-WVXMC-BTDCT-MKKG7"),
        ("Enterprise N", "EnterpriseN", "TT4HM-HN7YT-62K67-RGRQJ-JFFXW"),
    ]),
    ("Windows 8", (9200,), 1, [
        ("Pro", "Professional", "NG4HW-VH26C-733KW-K6F98-J8CK4"),
        ("Pro N", "ProfessionalN", "XCVCF-2NXM9-723PB-MHCB7-2RYQQ"),
        ("Enterprise", "Enterprise", "32JNW-9KQ84-P47T8-D8GGY-CWCK7"),
        ("Enterprise N", "EnterpriseN", "JMNMF-RHW7P-DMY6X-RF3DR-X2BQT"),
    ]),
    ("Windows 7", (7600, 7601), 1, [
        ("Professional", "Professional", "FJ82H-XT6CR-J8D7P-XQJJ2-GPDD4"),
        ("Professional N", "ProfessionalN", "MRPKT-YTG23-K7D7T-X2JMM-QY7MG"),
        ("Professional E", "ProfessionalE", "W82YF-2Q76Y-63HXB-FGJG9-GF7QX"),
        ("Enterprise", "Enterprise", "33PXH-7Y6KF-2VJC9-XBBR8-HVTHH"),
        ("Enterprise N", "EnterpriseN", "YDRBP-3D83W-TY26F-D46B2-XCKRJ"),
        ("Enterprise E", "EnterpriseE", "C29WB-22CC8-VJ326-GHFJW-H9DH4"),
    ]),
]

#: Builds of Windows 10 and 11 client releases (general availability channel).
_WIN10_11_MIN_BUILD = 10240


def table() -> list[Gvlk]:
    """Every key in Microsoft's table, as rows (Windows 10/11 client editions once)."""
    return list(_rows())


@functools.lru_cache(maxsize=None)
def _rows() -> tuple[Gvlk, ...]:
    """The table's rows, built once (the table is constant; the analyzer asks for it per product)."""
    rows = [Gvlk("Windows 10/11", edition, edition_id, key) for edition, edition_id, key in _WIN10_11]
    for release, _builds, _ptype, entries in _TABLE:
        rows.extend(Gvlk(release, edition, edition_id, key) for edition, edition_id, key in entries)
    return tuple(rows)


@functools.lru_cache(maxsize=None)
def _last5() -> frozenset[str]:
    """The last five characters of every published GVLK."""
    return frozenset(row.last5 for row in _rows())


def _normalise_edition(edition_id: str, product_type: int) -> str:
    """Server Core installs report e.g. ServerStandardCore for the same license; client 'Core' is Home."""
    if product_type != 1 and edition_id.endswith("Core") and edition_id != "Core":
        return edition_id[: -len("Core")]
    return edition_id


def find(build: int | None, edition_id: str | None, product_type: int | None = 1) -> Gvlk | None:
    """Return the GVLK for a Windows release and edition, or None when Microsoft publishes none (Home, Core...).

    Args:
        build: Win32_OperatingSystem.BuildNumber.
        edition_id: registry EditionID or SoftwareLicensingProduct.LicenseFamily.
        product_type: Win32_OperatingSystem.ProductType (1 workstation, 2 domain controller, 3 server).
    """
    if not build or not edition_id:
        return None
    ptype = 1 if (product_type or 1) == 1 else 3
    edition = _normalise_edition(edition_id, ptype)
    for release, builds, table_ptype, entries in _TABLE:
        if table_ptype != ptype or build not in builds:
            continue
        for name, table_edition, key in entries:
            if table_edition.lower() == edition.lower():
                return Gvlk(release, name, table_edition, key)
    if ptype == 1 and build >= _WIN10_11_MIN_BUILD:
        for name, table_edition, key in _WIN10_11:
            if table_edition.lower() == edition.lower():
                release = "Windows 11" if build >= 22000 else "Windows 10"
                return Gvlk(release, name, table_edition, key)
    return None


def is_gvlk(partial_key: str | None) -> bool:
    """True when a PartialProductKey (last five characters) is the end of a published GVLK."""
    if not partial_key:
        return False
    wanted = partial_key.upper()
    return wanted in _last5()
