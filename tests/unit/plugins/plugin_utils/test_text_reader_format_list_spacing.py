"""snapshot_from_text: double-spaced Format-List pastes, and other CIM classes in Format-List.

No published double-spaced Format-List of SoftwareLicensingProduct was found (SOURCES.md says where it was looked
for): the doubled texts here are the real single-spaced captures of tests/unit/fixtures/text (ansible.windows #834,
kolide/launcher #505) doubled by the test itself - each line followed by a blank, as a forum or a CRLF paste does -
and composed listings in the shape of those captures (marked composed where they are used).
"""
from __future__ import annotations

import pathlib
import time

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"
FORMAT_LIST_CAPTURES = ["en_ansible_windows_834_cim_format_list.txt", "en_kolide_launcher_505_cim_format_list_oem.txt"]


def capture(name):
    return (TEXTS / name).read_text(encoding="utf-8")


def double_spaced(text):
    """A forum's or a CRLF paste's doubling: every line, blank ones too, followed by a blank line."""
    return "".join(line + "\n\n" for line in text.splitlines())


def format_list(*records):
    """Records as PowerShell's Format-List prints them: names padded to one column, a blank line between records."""
    width = max(len(entry[0]) for record in records for entry in record)
    return "\n\n".join("\n".join(f"{name.ljust(width)} : {value}".rstrip() for name, value in record) for record in records) + "\n"


def diagnose(snap):
    return _analyze.analyze(_snapshot.read_snapshot(snap), {})


def unread_texts(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# -- 1. a double-spaced Format-List reads as the single-spaced one -------------------------------------------------

@pytest.mark.parametrize("name", FORMAT_LIST_CAPTURES)
def test_a_doubled_real_format_list_capture_reads_as_the_capture(name):
    """The real captures, doubled here: the same products, the same lines unread (their numbers doubled), the same
    diagnosis. Before, every property stood alone between blanks and only the Name was read (by its label)."""
    single, double = _text.snapshot_from_text(capture(name)), _text.snapshot_from_text(double_spaced(capture(name)))
    assert double["probes"] == single["probes"]
    assert len(single["probes"]["activation"]["products"][0]) > 1
    assert unread_texts(double) == unread_texts(single)
    assert [u["line"] for u in double["text_reader"]["unread_lines"]] == [
        2 * u["line"] - 1 for u in single["text_reader"]["unread_lines"]]
    assert diagnose(double)["codes"] == diagnose(single)["codes"]


def test_a_doubled_kolide_capture_keeps_key_channel_and_status():
    snap = _text.snapshot_from_text(double_spaced(capture("en_kolide_launcher_505_cim_format_list_oem.txt")))
    product = snap["probes"]["activation"]["products"][0]
    assert product["ID"] == "bd3762d7-270d-4760-8fb3-d829ca45278a" and product["LicenseStatus"] == 1
    assert product["ProductKeyChannel"] == "OEM:DM" and product["PartialProductKey"] == "F6YP2"
    assert diagnose(snap)["codes"] == ["NOT_KMS_CHANNEL"]


# composed in the shape of the captures: every SKU listed, the key-less one first (PowerShell prints one blank between)
EDUCATION_NO_KEY = [
    ("ApplicationID", "55c92734-d682-4d71-983e-d6ec3f16059f"),
    ("Description", "Windows(R) Operating System, VOLUME_KMSCLIENT channel"), ("LicenseStatus", "0"),
    ("Name", "Windows(R), Education edition"), ("PartialProductKey", ""), ("RemainingAppReArmCount", "1001"),
]
PROFESSIONAL_T83GX = [
    ("ApplicationID", "55c92734-d682-4d71-983e-d6ec3f16059f"),
    ("Description", "Windows(R) Operating System, VOLUME_KMSCLIENT channel"), ("LicenseStatus", "1"),
    ("Name", "Windows(R), Professional edition"), ("PartialProductKey", "T83GX"), ("RemainingAppReArmCount", "1001"),
]
SERVICE = [("Version", "10.0.19041.1"), ("ClientMachineID", "2ffcfc30-6a6a-49ec-92b8-f6150c7df211"),
           ("KeyManagementServiceMachine", "kms.example.com")]


def test_doubled_records_stay_apart_at_their_doubled_separator():
    """Composed. One blank between PowerShell's records becomes three when doubled (the record's last line's blank,
    then the separator and its blank): the records are still cut there - the key-less SKU skipped, the licence and the
    service read - not run together into one listing."""
    text = format_list(EDUCATION_NO_KEY, PROFESSIONAL_T83GX, SERVICE)
    single, double = _text.snapshot_from_text(text), _text.snapshot_from_text(double_spaced(text))
    assert "\n\n\n\n" in double_spaced(text)
    assert double["probes"] == single["probes"]
    assert [p["Name"] for p in double["probes"]["activation"]["products"]] == ["Windows(R), Professional edition"]
    assert double["probes"]["activation"]["service"]["ClientMachineID"] == "2ffcfc30-6a6a-49ec-92b8-f6150c7df211"
    assert double["text_reader"]["skipped_keyless_licences"] == single["text_reader"]["skipped_keyless_licences"] == 1
    assert unread_texts(double) == unread_texts(single)


def test_a_paste_doubled_only_in_its_format_list_part():
    """Composed: a single-spaced slmgr /dli, then the Format-List pasted doubled (one part of a post through a CRLF
    paste): each part reads as it would alone."""
    dli = capture("en_technet_dli_kms_client.txt")
    listing = capture("en_kolide_launcher_505_cim_format_list_oem.txt")
    mixed = _text.snapshot_from_text(dli + double_spaced(listing))
    alone = [_text.snapshot_from_text(dli), _text.snapshot_from_text(listing)]
    assert mixed["probes"]["activation"]["products"] == [
        *alone[0]["probes"]["activation"]["products"], *alone[1]["probes"]["activation"]["products"]]


def test_a_single_spaced_format_list_after_a_doubled_one():
    """Composed: two listings, the first doubled, the second single-spaced, a prompt line between them: both read."""
    first = format_list(PROFESSIONAL_T83GX)
    second = format_list(SERVICE)
    snap = _text.snapshot_from_text(double_spaced(first) + "PS C:\\> Get-CimInstance SoftwareLicensingService\n\n" + second)
    assert snap["probes"] == _text.snapshot_from_text(first + "\n" + second)["probes"]


@pytest.mark.parametrize("lines, doubling", [
    (["A : 1", "", "B : 2", "", "C : 3", ""], {2, 4}),                          # uniformly doubled
    (["A : 1", "", "B : 2", "", "", "", "C : 3", "", "D : 4"], {2, 8}),         # two records, three blanks between
    (["A : 1", "B : 2", "", "C : 3", "D : 4"], set()),                          # single-spaced: two records
    (["A : 1", "B : 2", "", "C : 3", "", "D : 4"], set()),                      # not uniform: read single-spaced
    (["A : 1", "", "Name: x", "", "B : 2"], set()),                             # another line between: no group
    (["A : 1", "", "", "B : 2"], set()),                                        # two blanks: a record separator
    (["Name: x", "", "Description: y", ""], set()),                             # slmgr's labels are no group
])
def test_the_doubling_blanks(lines, doubling):
    assert _text._doubling_blanks(lines) == frozenset(doubling)


def test_doubled_and_blank_runs_are_read_in_linear_time():
    """A 40,000-line doubled Format-List and 100,000 blank lines each read well under the bound (5 s, for a loaded
    CI machine)."""
    for text in (double_spaced(format_list(*[PROFESSIONAL_T83GX] * 6000)), "\n" * 100_000 + "Name : x\n"):
        started = time.process_time()
        _text.snapshot_from_text(text)
        assert time.process_time() - started < 5


# -- 2. another class in Format-List is no licence -----------------------------------------------------------------

OTHER_CLASS_CAPTURES = ["en_powershell_one_win32_service_format_list.txt", "en_winintro_get_service_format_list.txt"]


@pytest.mark.parametrize("spacing", [str, double_spaced])
@pytest.mark.parametrize("name", OTHER_CLASS_CAPTURES)
def test_a_real_service_listing_is_no_licence(name, spacing):
    """Win32_Service (powershell.one) and Get-Service (Microsoft's help) in Format-List print 'Name : <service>' and
    Win32_Service a 'Description : <sentence>': before, the Name was read as a licence's and the Description joined it
    (a product 'AdobeARMservice'). Neither is a licence: nothing is read, every line is reported unread."""
    text = spacing(capture(name))
    snap = _text.snapshot_from_text(text)
    assert snap["probes"] == {}
    assert snap["text_reader"]["read_lines"] == 0
    assert any(t.startswith("Name") for t in unread_texts(snap))


def test_a_service_listing_after_slmgr_adds_no_licence():
    """A real slmgr /dli, then the real Win32_Service listing: the one licence of /dli, its fields unchanged (the
    service's Description does not start a second product)."""
    dli = capture("en_technet_dli_kms_client.txt")
    mixed = _text.snapshot_from_text(dli + "\n" + capture("en_powershell_one_win32_service_format_list.txt"))
    assert mixed["probes"]["activation"]["products"] == _text.snapshot_from_text(dli)["probes"]["activation"]["products"]


@pytest.mark.parametrize("text", [
    # Get-CimInstance Win32_Service -Filter "Name='sppsvc'" | Format-List Name, Description: two CIM names in a row
    "Name        : sppsvc\nDescription : Enables the download, installation and enforcement of digital licenses for "
    "Windows and Windows applications.\n",
    # Get-CimInstance Win32_Product | Format-List (its default list)
    "IdentifyingNumber : {90160000-0011-0000-0000-0000000FF1CE}\nName              : Microsoft Office Professional Plus "
    "2016\nVendor            : Microsoft Corporation\nVersion           : 16.0.4266.1001\nCaption           : Microsoft "
    "Office Professional Plus 2016\n",
    # Get-CimInstance Win32_OperatingSystem | Format-List Name, Description, Version
    "Name        : Microsoft Windows 10 Pro|C:\\WINDOWS|\\Device\\Harddisk0\\Partition3\nDescription :\n"
    "Version     : 10.0.19045\n",
    # a GUID ID and a Name of another class (Get-CimInstance ... | Format-List ID, Name)
    "ID   : 2de67392-b7a7-462a-b1ca-108dd189f588\nName : sppsvc\n",
])
def test_other_classes_with_name_and_description_are_no_licence(text):
    """Composed, in the shapes PowerShell prints those classes: Name, Description (and an ID) are every class's; a
    listing showing only those is a licence only when the values are a licence's."""
    snap = _text.snapshot_from_text(text)
    assert snap["probes"] == {}
    assert snap["text_reader"]["read_lines"] == 0


@pytest.mark.parametrize("text, product", [
    # Get-CimInstance SoftwareLicensingProduct | where PartialProductKey | Format-List Name, Description
    ("Name        : Windows(R), Professional edition\nDescription : Windows(R) Operating System, VOLUME_KMSCLIENT channel\n",
     {"Name": "Windows(R), Professional edition", "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel"}),
    ("ID   : 2de67392-b7a7-462a-b1ca-108dd189f588\nName : Windows(R), Professional edition\n",
     {"ID": "2de67392-b7a7-462a-b1ca-108dd189f588", "Name": "Windows(R), Professional edition"}),
    # licensing properties alone
    ("LicenseFamily : Professional\nLicenseStatus : 1\n", {"LicenseFamily": "Professional", "LicenseStatus": 1}),
    ("Name          : sppsvc-like name\nLicenseStatus : 5\n", {"Name": "sppsvc-like name", "LicenseStatus": 5}),
])
def test_a_licensing_listing_is_still_a_licence(text, product):
    """Composed: a listing with a licensing property, or whose Name or Description is a licence's, is read."""
    assert _text.snapshot_from_text(text)["probes"]["activation"]["products"] == [product]


def test_a_long_listing_of_distinct_properties_is_cut_in_linear_time():
    """20,000 properties of distinct names in one listing (single-spaced or doubled, which now reaches the same
    path) took about 10 s: each line was compared with every line of its listing. Bounded at 5 s, as above."""
    text = "Name : Windows(R), Professional edition\nLicenseStatus : 1\n" + "".join(f"P{i} : 1\n" for i in range(20_000))
    for pasted in (text, double_spaced(text)):
        started = time.process_time()
        snap = _text.snapshot_from_text(pasted)
        assert time.process_time() - started < 5
        assert snap["probes"]["activation"]["products"] == [{"Name": "Windows(R), Professional edition", "LicenseStatus": 1}]
