# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft's public KMS client setup keys (GVLKs), and how to pick one for a host.

Source: Microsoft, "Key Management Services (KMS) client activation and product keys"
(https://learn.microsoft.com/windows-server/get-started/kms-client-activation-keys; MicrosoftDocs/windowsserverdocs,
WindowsServerDocs/get-started/kms-client-activation-keys.md, ms.date 06/25/2025: every row checked against it), and
for Office, "GVLKs for KMS and Active Directory-based activation of Office, Project, and Visio"
(https://learn.microsoft.com/office/volume-license-activation/gvlks; MicrosoftDocs/OfficeDocs-DeployOffice,
office/volume-license-activation/gvlks.md, ms.date 09/18/2024).
The keys are published by Microsoft for anyone to install on a KMS client; they are still product keys, so this
collection never prints more than their last five characters.

A host's key is chosen from its edition (registry EditionID, which SoftwareLicensingProduct.LicenseFamily
repeats) and its release (Win32_OperatingSystem.BuildNumber, ProductType), never from the localized Caption.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import functools
import re
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
        # Microsoft's table also lists "Windows Server 2012", "Windows Server 2012 N", "... Single Language" and "...
        # Country Specific" (BN3D2-...-27GG4, 8N2M2-...-GVGGY, 2WN2H-...-84YXQ, 4K36P-...-DYFKP); no server EditionID is
        # published for them, so they are in _UNMAPPED (recognised as GVLKs, never chosen for a host).
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
    # The EditionIDs of Windows Server 2008's editions are those of GetProductInfo's PRODUCT_* values (Microsoft Learn,
    # "GetProductInfo function": PRODUCT_STANDARD_SERVER_V "Server Standard without Hyper-V" ...), spelled as the
    # registry's EditionID (ServerStandardV ...) in public lists of edition names: Microsoft's key table names the
    # editions only. Builds: Windows Server 2008 SP1 6001, SP2 6002 and 6003; Windows Vista RTM 6000, SP1 6001, SP2 6002.
    ("Windows Server 2008", (6001, 6002, 6003), 3, [
        ("Web", "ServerWeb", "WYR28-R7TFJ-3X2YQ-YCY4H-M249D"),
        ("Standard", "ServerStandard", "TM24T-X9RMF-VWXK6-X8JC9-BFGM2"),
        ("Standard without Hyper-V", "ServerStandardV", "W7VD6-7JFBR-RX26B-YKQ3Y-6FFFJ"),
        ("Enterprise", "ServerEnterprise", "YQGMW-MPWTJ-34KDK-48M3W-X4Q6V"),
        ("Enterprise without Hyper-V", "ServerEnterpriseV", "39BXF-X8Q23-P2WWT-38T2F-G3FPG"),
        ("HPC", "ServerComputeCluster", "RCTX3-KWVHP-BR6TB-RB6DM-6X7HP"),
        ("Datacenter", "ServerDatacenter", "7M67G-PC374-GR742-YH8V4-TCBY3"),
        ("Datacenter without Hyper-V", "ServerDatacenterV", "22XQ2-VRXRG-P8D42-K34TD-G3QQC"),
        ("for Itanium-Based Systems", "ServerEnterpriseIA64", "4DWFP-JF3DJ-B7DTH-78FJB-PDRHK"),
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
    ("Windows Vista", (6000, 6001, 6002), 1, [
        ("Business", "Business", "YFKBB-PQJJV-G996G-VWGXY-2V3X8"),
        ("Business N", "BusinessN", "HMBQG-8H2RH-C77VX-27R82-VMQBT"),
        ("Enterprise", "Enterprise", "VKK3X-68KWM-X2YGT-QR4M6-4BWMV"),
        ("Enterprise N", "EnterpriseN", "VTC42-BM838-43QHV-84HX6-XJXKV"),
    ]),
]

#: Rows of Microsoft's table whose edition has no published EditionID to choose them by: recognised as GVLKs only.
_UNMAPPED = [
    ("Windows Server 2012", "(no edition name)", "BN3D2-R7TKB-3YPBD-8DRP2-27GG4"),
    ("Windows Server 2012", "N", "8N2M2-HWPGY-7PGT9-HGDD8-GVGGY"),
    ("Windows Server 2012", "Single Language", "2WN2H-YGCQR-KFX6K-CD6TF-84YXQ"),
    ("Windows Server 2012", "Country Specific", "4K36P-JN4VD-GDC6V-KDT89-DYFKP"),
]

#: Office's GVLKs ("GVLKs for KMS and Active Directory-based activation of Office, Project, and Visio", see the module
#: docstring): release -> (product, key). Office installs and activates them itself; this collection only recognises
#: them (a partial key read without the licence's Description), never installs them.
OFFICE_GVLKS: dict[str, list[tuple[str, str]]] = {
    "Office LTSC 2024": [
        ("Office LTSC Professional Plus 2024", "XJ2XN-FW8RK-P4HMP-DKDBV-GCVGB"),
        ("Office LTSC Standard 2024", "V28N4-JG22K-W66P8-VTMGK-H6HGR"),
        ("Project Professional 2024", "FQQ23-N4YCY-73HQ3-FM9WC-76HF4"),
        ("Project Standard 2024", "PD3TT-NTHQQ-VC7CY-MFXK3-G87F8"),
        ("Visio LTSC Professional 2024", "B7TN8-FJ8V3-7QYCP-HQPMV-YY89G"),
        ("Visio LTSC Standard 2024", "JMMVY-XFNQC-KK4HK-9H7R3-WQQTV"),
        ("Access LTSC 2024", "82FTR-NCHR7-W3944-MGRHM-JMCWD"),
        ("Excel LTSC 2024", "F4DYN-89BP2-WQTWJ-GR8YC-CKGJG"),
        ("Outlook LTSC 2024", "D2F8D-N3Q3B-J28PV-X27HD-RJWB9"),
        ("PowerPoint LTSC 2024", "CW94N-K6GJH-9CTXY-MG2VC-FYCWP"),
        ("Skype for Business LTSC 2024", "4NKHF-9HBQF-Q3B6C-7YV34-F64P3"),
        ("Word LTSC 2024", "MQ84N-7VYDM-FXV7C-6K7CC-VFW9J"),
    ],
    "Office LTSC 2021": [
        ("Office LTSC Professional Plus 2021", "FXYTK-NJJ8C-GB6DW-3DYQT-6F7TH"),
        ("Office LTSC Standard 2021", "KDX7X-BNVR8-TXXGX-4Q7Y8-78VT3"),
        ("Project Professional 2021", "FTNWT-C6WBT-8HMGF-K9PRX-QV9H8"),
        ("Project Standard 2021", "J2JDC-NJCYY-9RGQ4-YXWMH-T3D4T"),
        ("Visio LTSC Professional 2021", "KNH8D-FGHT4-T8RK3-CTDYJ-K2HT4"),
        ("Visio LTSC Standard 2021", "MJVNY-BYWPY-CWV6J-2RKRT-4M8QG"),
        ("Access LTSC 2021", "WM8YG-YNGDD-4JHDC-PG3F4-FC4T4"),
        ("Excel LTSC 2021", "NWG3X-87C9K-TC7YY-BC2G7-G6RVC"),
        ("Outlook LTSC 2021", "C9FM6-3N72F-HFJXB-TM3V9-T86R9"),
        ("PowerPoint LTSC 2021", "TY7XF-NFRBR-KJ44C-G83KF-GX27K"),
        ("Publisher LTSC 2021", "2MW9D-N4BXM-9VBPG-Q7W6M-KFBGQ"),
        ("Skype for Business LTSC 2021", "HWCXN-K3WBT-WJBKY-R8BD9-XK29P"),
        ("Word LTSC 2021", "TN8H9-M34D3-Y64V9-TR72V-X79KV"),
    ],
    "Office 2019": [
        ("Office Professional Plus 2019", "NMMKJ-6RK4F-KMJVX-8D9MJ-6MWKP"),
        ("Office Standard 2019", "6NWWJ-YQWMR-QKGCB-6TMB3-9D9HK"),
        ("Project Professional 2019", "B4NPR-3FKK7-T2MBV-FRQ4W-PKD2B"),
        ("Project Standard 2019", "C4F7P-NCP8C-6CQPT-MQHV9-JXD2M"),
        ("Visio Professional 2019", "9BGNQ-K37YR-RQHF2-38RQ3-7VCBB"),
        ("Visio Standard 2019", "7TQNQ-K3YQQ-3PFH7-CCPPM-X4VQ2"),
        ("Access 2019", "9N9PT-27V4Y-VJ2PD-YXFMF-YTFQT"),
        ("Excel 2019", "TMJWT-YYNMB-3BKTF-644FC-RVXBD"),
        ("Outlook 2019", "7HD7K-N4PVK-BHBCQ-YWQRW-XW4VK"),
        ("PowerPoint 2019", "RRNCX-C64HY-W2MM7-MCH9G-TJHMQ"),
        ("Publisher 2019", "G2KWX-3NW6P-PY93R-JXK2T-C9Y9V"),
        ("Skype for Business 2019", "NCJ33-JHBBY-HTK98-MYCV8-HMKHJ"),
        ("Word 2019", "PBX3G-NWMT6-Q7XBW-PYJGG-WXD33"),
    ],
    "Office 2016": [
        ("Office Professional Plus 2016", "XQNVK-8JYDB-WJ9W3-YJ8YR-WFG99"),
        ("Office Standard 2016", "JNRGM-WHDWX-FJJG3-K47QV-DRTFM"),
        ("Project Professional 2016", "YG9NW-3K39V-2T3HJ-93F3Q-G83KT"),
        ("Project Standard 2016", "GNFHQ-F6YQM-KQDGJ-327XX-KQBVC"),
        ("Visio Professional 2016", "PD3PC-RHNGV-FXJ29-8JK7D-RJRJK"),
        ("Visio Standard 2016", "7WHWN-4T7MP-G96JF-G33KR-W8GF4"),
        ("Access 2016", "GNH9Y-D2J4T-FJHGG-QRVH7-QPFDW"),
        ("Excel 2016", "9C2PK-NWTVB-JMPW8-BFT28-7FTBF"),
        ("OneNote 2016", "DR92N-9HTF2-97XKM-XW2WJ-XW3J6"),
        ("Outlook 2016", "R69KK-NTPKF-7M3Q4-QYBHW-6MT9B"),
        ("PowerPoint 2016", "J7MQP-HNJ4Y-WJ7YM-PFYGF-BY6C6"),
        ("Publisher 2016", "F47MM-N3XJP-TQXJ9-BP99D-8K837"),
        ("Skype for Business 2016", "869NQ-FJ69K-466HW-QYCP2-DDBV6"),
        ("Word 2016", "WXY84-JN2Q9-RBCCQ-3Q3J3-3PFJ6"),
    ],
}

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


def published_keys(application: str | None = None) -> list[str]:
    """Every GVLK Microsoft publishes that this module knows, of one application ("windows": with the rows it cannot
    choose by edition; "office") or of both (None). For checks that no key is ever shown whole, and :func:`is_gvlk`."""
    windows = [row.key for row in _rows()] + [key for _release, _name, key in _UNMAPPED]
    office = [key for rows in OFFICE_GVLKS.values() for _name, key in rows]
    return windows if application == "windows" else office if application == "office" else windows + office


#: A product key: five groups of five, the first four of which may be masked with stars by the tool or the user that
#: printed it ("Windows Product Key: *****-*****-BJD6C-K3YVH-DVQJG", a Genuine Advantage diagnostic report,
#: social.microsoft.com); whatever of it is shown, only the last group may be kept (mask_keys). Lower case too: a key
#: typed by a person into a snapshot file or a ticket is no less a key (the schema check's messages show values).
#: Whatever stands beside it: no word boundary is asked for - Japanese is written without spaces ("キーは<key>です":
#: Python's ``\b`` counts the kana as word characters and kept the whole key), Markdown bold puts stars before it;
#: five groups inside a longer run of groups are masked too (more masked than a key, never a key shown).
_FULL_KEY_RE = re.compile(r"(?:[A-Za-z0-9*]{5}-){4}([A-Za-z0-9]{5})")
#: What every text holding a key holds: two of its groups between hyphens. Led by a literal, which the regular
#: expression engine skips to, so a whole answer of a host without one is passed over about thirty times faster than
#: by _FULL_KEY_RE (0.5 against 15 ms for 140 kB of snapshot JSON).
_KEY_HINT_RE = re.compile(r"-[A-Za-z0-9*]{5}-[A-Za-z0-9*]{5}-")
#: The product-key alphabet: the 24 characters of Windows' base-24 keys and N, which keys of Windows 8 and later hold
#: (W269N-...); every key of Microsoft's GVLK tables above is written with it. No vowel but Y, no 0, 1 or 5.
_KEY_ALPHABET = "BCDFGHJKMNPQRTVWXY2346789"
#: A key written without its hyphens, as a person types or pastes it into a vars file, a ticket or an option:
#: 25 characters together or five groups of five separated by one space, in any case ("w269n wfgwx yvc9b 4j6c9
#: t83gx"). Only the product-key alphabet and never inside a longer run of letters and digits, so words, GUIDs,
#: hexadecimal and host names are not taken for keys (a run of 25 from this alphabet is about 1e-10 of random text).
#: Both cases spelled out: re.IGNORECASE made the search 1.6 times slower.
_BARE = _KEY_ALPHABET + _KEY_ALPHABET.lower()
_BARE_KEY_RE = re.compile(rf"(?<![A-Za-z0-9])((?:[{_BARE}]{{5}} ?){{4}})([{_BARE}]{{5}})(?![A-Za-z0-9])")
#: Shortest text that can hold a key written without hyphens.
_BARE_KEY_LENGTH = 25


def _masked_bare(match: re.Match[str]) -> str:
    """A key written without hyphens, its first four groups as X (spaces kept), its last five as written."""
    return re.sub(r"[^ ]", "X", match.group(1)) + match.group(2)


def mask_keys(text: str) -> str:
    """Mask every full product key to its last five characters (keys are secrets in every output).

    The one masking of free text in the collection: the text reader's unread lines, the schema check's messages
    (``_schema``), option errors (``_options.shown``) and every string of a snapshot document (:func:`mask_keys_in`)
    use it, so a key partly hidden by another tool is cut the same way everywhere. A key written without its hyphens
    (25 characters together, or five groups with spaces) keeps its form: ``XXXXXXXXXXXXXXXXXXXXT83GX``."""
    if _KEY_HINT_RE.search(text):
        text = _FULL_KEY_RE.sub(lambda m: "XXXXX-XXXXX-XXXXX-XXXXX-" + m.group(1), text)
    if len(text) >= _BARE_KEY_LENGTH:
        text = _BARE_KEY_RE.sub(_masked_bare, text)
    return text


def mask_keys_in(value: t.Any) -> t.Any:
    """``value`` (a JSON document) with :func:`mask_keys` applied to every string in it, dictionary keys included.

    Returns ``value`` itself when it holds no key; otherwise a copy of the containers on the path to each masked
    string, everything else shared: the caller's document is never changed. A document from outside (a snapshot
    file, a paste, a filter's argument) goes through it once, when it is read, so no output built from it - the
    fleet document, a report of any format, a lookup's entries - can show more than a key's last five characters.
    """
    if isinstance(value, str):
        # four hyphens or 25 characters at least, or no key: most strings are passed without running a pattern
        return mask_keys(value) if len(value) >= _BARE_KEY_LENGTH or value.count("-") >= 4 else value
    if isinstance(value, dict):
        items = [(mask_keys_in(key), mask_keys_in(item)) for key, item in value.items()]
        if all(new_key is key and new_item is item for (new_key, new_item), (key, item) in zip(items, value.items())):
            return value
        return dict(items)
    if isinstance(value, list):
        masked = [mask_keys_in(item) for item in value]
        return value if all(new is old for new, old in zip(masked, value)) else masked
    return value


@functools.lru_cache(maxsize=None)
def _last5(application: str | None = None) -> frozenset[str]:
    """The last five characters of every published GVLK of one application ("windows", "office"), or of both."""
    return frozenset(key[-5:] for key in published_keys(application))


def _normalise_edition(edition_id: str, product_type: int) -> str:
    """Server Core installs report e.g. ServerStandardCore for the same license; client 'Core' is Home.

    Datacenter: Azure Edition's Server Core install reports ServerTurbineCor (GetProductInfo's
    PRODUCT_DATACENTER_SERVER_CORE_AZURE_EDITION, 0x198, next to ServerTurbine's PRODUCT_DATACENTER_SERVER_AZURE_EDITION,
    0x197; the EditionID spelling as public SKU-to-edition lists give it): Microsoft's table has one key for the edition.
    The Semi-Annual Channel's ServerStandardACor / ServerDatacenterACor are editions of their own, with their own keys."""
    if product_type != 1 and edition_id.endswith("Core") and edition_id != "Core":
        return edition_id[: -len("Core")]
    if product_type != 1 and edition_id.lower() == "serverturbinecor":
        return "ServerTurbine"
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


def windows_editions(partial_key: str | None) -> frozenset[tuple[str, str]]:
    """The (release, EditionID in lower case) whose published Windows GVLK ends with these five characters
    (("Windows 10/11", "professional")); empty for any other key (a MAK, a retail key, an Office GVLK)."""
    if not partial_key:
        return frozenset()
    return frozenset((row.release, row.edition_id.lower()) for row in _rows() if row.last5 == partial_key.upper())


def is_gvlk(partial_key: str | None, application: str | None = None) -> bool:
    """True when a PartialProductKey (last five characters) is the end of a published GVLK of the product's application.

    Args:
        partial_key: SoftwareLicensingProduct.PartialProductKey.
        application: "windows" or "office" (``_snapshot.application_of``): only that application's keys are matched, so a
            Windows key that happens to end like an Office GVLK is not taken for one; anything else matches either.
    """
    if not partial_key:
        return False
    return partial_key.upper() in _last5(application if application in ("windows", "office") else None)
