# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Product names people recognise ("Windows 11 Pro", "Office LTSC Professional Plus 2024") from what the licensing
service reports: the release from Win32_OperatingSystem (BuildNumber, ProductType), the edition from the registry
EditionID / SoftwareLicensingProduct.LicenseFamily, Office products from their LicenseFamily.

Edition and release names are Microsoft's, as printed in "Key Management Services (KMS) client activation and product
keys" (learn.microsoft.com/windows-server/get-started/kms-client-activation-keys) for Windows, and in "GVLKs for
KMS and Active Directory-based activation of Office, Project, and Visio"
(learn.microsoft.com/office/volume-license-activation/gvlks) for Office. Never the localized Caption, never a raw
SKU string or activation GUID: when nothing is known the name says only the application.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import functools
import re
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk

#: Editions that have no GVLK row but appear on hosts (Home is sold retail/OEM only); EditionID -> Microsoft's name.
_EXTRA_EDITIONS = {
    "core": "Home", "coren": "Home N", "coresinglelanguage": "Home Single Language", "corecountryspecific": "Home China",
    "professional": "Pro", "enterprises": "Enterprise LTSC", "iotenterprise": "IoT Enterprise",
    "iotenterprises": "IoT Enterprise LTSC", "serverstandard": "Standard", "serverdatacenter": "Datacenter",
    "serverstandardeval": "Standard Evaluation", "serverdatacentereval": "Datacenter Evaluation",
    "serversolution": "Essentials", "serverturbine": "Datacenter: Azure Edition",
    "serverturbinecor": "Datacenter: Azure Edition",
}

#: Office LicenseFamily stems -> (product name, whether releases from 2021 on carry "LTSC" in the name). Every product of
#: Microsoft's Office GVLK table ("GVLKs for KMS and Active Directory-based activation of Office, Project, and Visio",
#: learn.microsoft.com/office/volume-license-activation/gvlks, ms.date 09/18/2024: "Access LTSC 2024", "Excel 2019",
#: "OneNote 2016", "Skype for Business LTSC 2021", "Project Professional 2024" ...). The stems are those of the licence
#: names ospp.vbs prints ("Office 16, Office16WordVL_KMS_Client edition", "Office16OneNoteVL_KMS_Client", ... in a
#: published ospp.vbs /act of Office 2016, code index id 33339862713; "Office21Word2021VL_KMS_Client_AE" in another,
#: id 65760836360); Skype for Business's spelling was not seen in a capture (matched without regard to case).
_OFFICE_PRODUCTS = {
    "proplus": ("Office {ltsc}Professional Plus {year}", True),
    "standard": ("Office {ltsc}Standard {year}", True),
    "projectpro": ("Project Professional {year}", False),
    "projectstd": ("Project Standard {year}", False),
    "visiopro": ("Visio {ltsc}Professional {year}", True),
    "visiostd": ("Visio {ltsc}Standard {year}", True),
    "access": ("Access {ltsc}{year}", True),
    "excel": ("Excel {ltsc}{year}", True),
    "onenote": ("OneNote {ltsc}{year}", True),
    "outlook": ("Outlook {ltsc}{year}", True),
    "powerpoint": ("PowerPoint {ltsc}{year}", True),
    "publisher": ("Publisher {ltsc}{year}", True),
    "skypeforbusiness": ("Skype for Business {ltsc}{year}", True),
    "word": ("Word {ltsc}{year}", True),
}
#: The LicenseFamily inside a later Office licence's Name ("Office 16, Office16WordVL_KMS_Client edition"), for a
#: licence read without its LicenseFamily (ospp.vbs and slmgr /dlv print the Name only).
_OFFICE_NAME_FAMILY = re.compile(r"^Office \d\d, (?P<family>Office\d\d[A-Za-z0-9_]+) edition$")
_OFFICE_FAMILY = re.compile(r"^office(?P<major>\d\d)(?P<stem>[a-z]+?)(?P<year>20\d\d)?(?:vl|volume|r_|_|$)", re.I)
#: Office 2010 (version 14; OfficeSoftwareProtectionProduct, ApplicationID 59a52881-...): its license Name is
#: "Office 14, OfficeProPlus-KMS_Client edition" and its LicenseFamily "OfficeProPlus" (no version in it). Names as
#: Microsoft's Office 2010 GVLK table prints them (TechNet, "Deploy volume activation of Office 2010", ee624355).
_OFFICE2010_PRODUCTS = {
    "proplus": "Office Professional Plus 2010", "standard": "Office Standard 2010",
    "projectpro": "Project Professional 2010", "projectstd": "Project Standard 2010",
    "visioprem": "Visio Premium 2010", "visiopro": "Visio Professional 2010", "visiostd": "Visio Standard 2010",
}
_OFFICE14_NAME = re.compile(r"^Office 14, Office(?P<stem>[A-Za-z]+?)(?:-|_| edition|$)")
#: Long-term servicing builds of Windows Server (the GVLK table's releases).
SERVER_RELEASES = {14393: "Windows Server 2016", 17763: "Windows Server 2019", 20348: "Windows Server 2022",
                   26100: "Windows Server 2025"}
#: Builds that are both a client and a server release, so that without ProductType (or a server edition name) the build
#: names neither: Windows 10 1607 LTSB / Server 2016, 1709 / Server 1709, 1803 / Server 1803, 1809 LTSC / Server 2019,
#: 1903 / 1909 / 2004 / 20H2 and the Server Semi-Annual Channel releases of the same builds, Windows 11 24H2 / Server
#: 2025 (Microsoft's release information pages of Windows 10, Windows 11 and Windows Server).
_SHARED_BUILDS = frozenset({14393, 16299, 17134, 17763, 18362, 18363, 19041, 19042, 26100})
#: Builds whose Enterprise LTSC editions Microsoft calls LTSB: Windows 10 Enterprise LTSB 2015 and 2016 ("LTSB is
#: Long-Term Servicing Branch", kms-client-activation-keys: "Windows 10 Enterprise LTSB 2016", "... LTSB 2015").
_LTSB_BUILDS = frozenset({10240, 14393})
#: Builds that are a server's alone: Windows Server 2022 and Windows Server 23H2 (Annual Channel).
_SERVER_ONLY_BUILDS = frozenset({20348, 25398})
#: A Windows licence's Name: "Windows(R), Professional edition" (Windows 8.1 and later, Server 2012 and later), with the
#: release before the comma on Windows 7 ("Windows(R) 7, Enterprise edition") and "Windows Server(R)" on Server 2008 R2
#: ("Windows Server(R), ServerEnterprise edition"), as real slmgr /dlv captures print them (tests/unit/fixtures/text).
#: The edition is the licence's LicenseFamily / EditionID. The text reader matches licence Names with it too (_text).
WINDOWS_NAME = re.compile(r"^Windows(?P<server> Server)?\(R\)(?: (?P<release>\w+))?,\s*(?P<edition>[A-Za-z]+) edition$")
#: The releases a Name's word after "(R)" names here (Windows 7's "7", Vista's).
_NAMED_RELEASES = frozenset({"7", "Vista"})


def _server_edition(os_info: dict[str, t.Any], edition: str | None = None) -> bool | None:
    """Whether the OS is a server: ProductType's answer when collected, else its edition's name (EditionID, or the
    licensing product's edition: every Windows Server edition's begins with "Server", ServerStandard, ServerDatacenter
    ...), else None."""
    if os_info.get("is_server") is not None or os_info.get("product_type") is not None:
        return bool(os_info.get("is_server")) or (os_info.get("product_type") or 1) != 1
    name = os_info.get("edition_id") or edition
    return name.lower().startswith("server") if name else None


def is_server(os_info: dict[str, t.Any], edition: str | None = None) -> bool | None:
    """Whether the OS is a server (``_server_edition``), else whether its build is a server's alone; None when the
    build is both a client's and a server's (``_SHARED_BUILDS``) or was not collected either."""
    server = _server_edition(os_info, edition)
    if server is not None:
        return server
    build = os_info.get("build")
    if not isinstance(build, int) or build in _SHARED_BUILDS:
        return None
    return build in _SERVER_ONLY_BUILDS


def windows_release(os_info: dict[str, t.Any] | None, edition: str | None = None) -> str | None:
    """ "Windows 11", "Windows Server 2022" ... from the build number and product type (or, without it, the edition's
    name, ``edition`` being the licensing product's); None when the build is unknown, or when neither says client or
    server and the build is both a client's and a server's."""
    os_info = os_info or {}
    build = os_info.get("build")
    if not isinstance(build, int):
        return None
    server = is_server(os_info, edition)
    if server is None:
        return None
    if server:
        return SERVER_RELEASES.get(build)
    if build >= 22000:
        return "Windows 11"
    if build >= 10240:
        return "Windows 10"
    return None


def _named_release(named: re.Match[str] | None) -> str | None:
    """The release a licence's Name gives when the build does not: "Windows 7" ("Windows(R) 7, ... edition");
    "Windows Server" for "Windows Server(R), ... edition" (2008 R2's; its release is not in the Name)."""
    if named is None:
        return None
    if named.group("release") in _NAMED_RELEASES:
        return f"Windows {named.group('release')}"
    return "Windows Server" if named.group("server") else None


def _windows_family(os_info: dict[str, t.Any] | None, edition: str | None) -> str:
    """ "Windows Server" for a server whose release is not known (a build before Windows Server 2016's, such as 2012
    R2's 9600, or a pasted "Windows(R), ServerStandard edition" with no build), else "Windows": the server editions'
    names ("Standard", "Datacenter") are Windows Server's, so "Windows Standard" would name no product."""
    return "Windows Server" if is_server(os_info or {}, edition) else "Windows"


def windows_edition(edition_id: str | None) -> str | None:
    """Microsoft's edition name for a registry EditionID ("Professional" -> "Pro"), or None when unknown."""
    if not edition_id:
        return None
    key = edition_id.lower()
    if key in _EXTRA_EDITIONS:
        return _EXTRA_EDITIONS[key]
    return _table_editions().get(key)


@functools.lru_cache(maxsize=None)
def _table_editions() -> dict[str, str]:
    """EditionID (lower case) -> edition name, the first row of the GVLK table that names it (built once)."""
    editions: dict[str, str] = {}
    for row in _gvlk.table():
        editions.setdefault(row.edition_id.lower(), row.edition)
    return editions


#: The Office KMS host keys by their Activation ID, as Microsoft publishes them ("Configure a KMS host computer to
#: activate volume licensed versions of Office", learn.microsoft.com/office/volume-license-activation/configure-a-kms-
#: host-computer-for-office, OfficeDocs-DeployOffice, ms.date 09/18/2024: "Activation ID for Office LTSC 2024 / LTSC
#: 2021 / 2019 / 2016", for slmgr /dti and /dlv; "Tools to manage volume activation of Office", ms.date 04/25/2025, lists
#: the same four; Office 2010's bfe7a195-...: "How to discover Office and Windows KMS hosts through DNS and remove
#: unauthorized instances"). Office LTSC 2024's is F3D89BBF-...: Microsoft's pages first said 8D368FC1-9470-4BE2-8D66-
#: 90E836CBB051 and corrected it (OfficeDocs-DeployOffice commit bde96c36, 2024-09-17, "Update Activation ID for Office
#: LTSC 2024"); the withdrawn ID is not listed. Office 2013's host key ID is not here: no Microsoft page giving it was
#: found (only third-party scripts). Their Descriptions name no version Microsoft tells apart: the Office 2016 key's
#: reads "Office 16, VOLUME_KMS channel" (the same article's slmgr /dlv).
OFFICE_HOST_KEY_IDS = {
    "bfe7a195-4f8f-4f0b-a622-cf13c7d16864": "office2010",
    "98ebfe73-2084-4c97-932c-c0cd1643bea7": "office2016",
    "70512334-47b4-44db-a233-be5ea33b914c": "office2019",
    "47f3b983-7c53-4d45-abc6-bcd91e2dd90a": "office2021",
    "f3d89bbf-c0ec-47ce-a8fa-e5a5f97e447f": "office2024",
}
_OFFICE_HOST_KEY_NAMES = {"office2010": "Office 2010", "office2016": "Office 2016", "office2019": "Office 2019",
                          "office2021": "Office LTSC 2021", "office2024": "Office LTSC 2024"}


def office_host_key_name(product: dict[str, t.Any]) -> str | None:
    """ "Office LTSC 2021 KMS host key" for an Office KMS host key (channel KMS_HOST), by its Activation ID where
    Microsoft publishes it, else "Office KMS host key"; None for any other product."""
    if product.get("channel") != "KMS_HOST":
        return None
    release = _OFFICE_HOST_KEY_NAMES.get(OFFICE_HOST_KEY_IDS.get(product.get("id") or "") or "")
    return f"{release} KMS host key" if release else "Office KMS host key"


def office_name(license_family: str | None) -> str | None:
    """ "Office LTSC Professional Plus 2024" from a LicenseFamily such as Office24ProPlus2024VL_KMS_Client_AE."""
    match = _OFFICE_FAMILY.match(license_family or "")
    if not match:
        return None
    stem = match.group("stem").lower()
    year = match.group("year") or {"16": "2016"}.get(match.group("major"))
    if stem not in _OFFICE_PRODUCTS or not year:
        return None
    template, ltsc = _OFFICE_PRODUCTS[stem]
    return template.format(ltsc="LTSC " if ltsc and int(year) >= 2021 else "", year=year)


def is_office2010(product: dict[str, t.Any]) -> bool:
    """True for an Office 2010 (Office 14) product: its license Name or Description begins "Office 14, " ("Office 14,
    OfficeProPlus-KMS_Client edition", "Office 14, VOLUME_KMSCLIENT channel", as ospp.vbs /act prints them in published
    output). Its LicenseFamily ("OfficeProPlus") carries no version, so without those it is not told (False)."""
    return any((product.get(key) or "").startswith("Office 14, ") for key in ("name", "description"))


#: The license Name or Description of an Office after 2010 ("Office 15, ...", "Office 16, ...").
_LATER_OFFICE = re.compile(r"^Office 1[5-9]\b|^Office [2-9]\d\b")


def is_later_office(text: str | None) -> bool:
    """Whether a license Name or Description is an Office after 2010's ("Office 15, ...", "Office 16, ...")."""
    return bool(_LATER_OFFICE.match(text or ""))


def office2010_name(license_family: str | None, name: str | None = None) -> str | None:
    """ "Office Professional Plus 2010" from Office 2010's LicenseFamily ("OfficeProPlus") or license Name
    ("Office 14, OfficeProPlus-KMS_Client edition"); None for anything else."""
    family = license_family or ""
    stem = family[len("Office"):] if family.startswith("Office") and family[len("Office"):].isalpha() else None
    if stem is None or stem.lower() not in _OFFICE2010_PRODUCTS:
        match = _OFFICE14_NAME.match(name or "")
        stem = match.group("stem") if match else None
    return _OFFICE2010_PRODUCTS.get((stem or "").lower())


def product_name(product: dict[str, t.Any], os_info: dict[str, t.Any] | None = None) -> str:
    """The name a person recognises for a licensing product (normalised view), with the host's OS for Windows."""
    application = product.get("application")
    if application == "office":
        from_name = _OFFICE_NAME_FAMILY.match(product.get("name") or "")
        return (office_host_key_name(product) or office_name(product.get("license_family"))
                or office_name(from_name.group("family") if from_name and not product.get("license_family") else None)
                or office2010_name(product.get("license_family"), product.get("name")) or "Office")
    if application == "windows":
        edition_id = product.get("license_family") or (os_info or {}).get("edition_id")
        named = WINDOWS_NAME.match(product.get("name") or "")
        if not edition_id:
            edition_id = named.group("edition") if named else None
        release = windows_release(os_info, edition_id) or _named_release(named) or _windows_family(os_info, edition_id)
        edition = windows_edition(edition_id)
        if release == "Windows 7" and edition == "Pro":
            edition = "Professional"    # "Windows 7 Professional" (Microsoft's KMS client keys, Windows 7 rows)
        if edition and (os_info or {}).get("build") in _LTSB_BUILDS and edition.endswith(" LTSC"):
            edition = edition[: -len("LTSC")] + "LTSB"
        return f"{release} {edition}" if edition else release
    return UNKNOWN_PRODUCT


#: The name of a licence whose application (Windows or Office) is not known - a pasted error message alone shows only
#: its code - and that name in Japanese.
UNKNOWN_PRODUCT = "Product"
_UNKNOWN_PRODUCT_JA = "製品"
#: An Office KMS host key's name (office_host_key_name), and what follows it when two are told apart ("(...)").
_HOST_KEY_NAME = re.compile(r"^(?P<release>.+) KMS host key(?P<rest>(?: \(.*\))?)$")


def localized_display(display: str, lang: str) -> str:
    """A product's display name in a report's language: the name of a licence whose application is not known
    (``Product``, or ``Product (...)`` told apart from another such licence) is ``製品`` in Japanese, an Office KMS host
    key's ("Office 2010 KMS host key") ``Office 2010 の KMS ホスト キー``; the names of Windows and Office products are
    product names in every language."""
    if lang != "ja":
        return display
    if display == UNKNOWN_PRODUCT or display.startswith(UNKNOWN_PRODUCT + " ("):
        return _UNKNOWN_PRODUCT_JA + display[len(UNKNOWN_PRODUCT):]
    host_key = _HOST_KEY_NAME.match(display) if display.endswith(("key", ")")) else None
    if host_key:
        return f"{host_key.group('release')} の KMS ホスト キー{host_key.group('rest')}"
    return display
