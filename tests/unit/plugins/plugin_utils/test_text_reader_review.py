"""snapshot_from_text: the defects found by the review of the Format-List and lone-result reader changes (composed
texts in the shapes the captures of tests/unit/fixtures/text show, and one of those captures double-spaced).

The rule they hold the reader to: it does not read what it does not understand (those lines are reported unread), and
what the text does not show stays absent (not collected).
"""
from __future__ import annotations

import pathlib

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"


def diagnose(snap):
    return _analyze.analyze(_snapshot.read_snapshot(snap), {})


def format_list(*records):
    """Records as PowerShell's Format-List prints them: names padded to one column, a blank line between records."""
    width = max(len(entry[0]) for record in records for entry in record)
    return "\n\n".join("\n".join(f"{name.ljust(width)} : {value}".rstrip() for name, value in record) for record in records) + "\n"


# -- 1. a key-less SKU of a full SoftwareLicensingProduct listing is not a product ---------------------------------

EDUCATION_NO_KEY = [
    ("ApplicationID", "55c92734-d682-4d71-983e-d6ec3f16059f"),
    ("Description", "Windows(R) Operating System, VOLUME_KMSCLIENT channel"),
    ("GracePeriodRemaining", "0"), ("ID", "e0c42288-980c-4788-a014-c080d2e1926e"), ("LicenseFamily", "Education"),
    ("LicenseStatus", "0"), ("LicenseStatusReason", "3221549076"), ("Name", "Windows(R), Education edition"),
    ("PartialProductKey", ""), ("ProductKeyChannel", ""), ("RemainingAppReArmCount", "1001"),
]
PROFESSIONAL_T83GX = [
    ("ApplicationID", "55c92734-d682-4d71-983e-d6ec3f16059f"),
    ("Description", "Windows(R) Operating System, VOLUME_KMSCLIENT channel"),
    ("GracePeriodRemaining", "259200"), ("ID", "2de67392-b7a7-462a-b1ca-108dd189f588"), ("LicenseFamily", "Professional"),
    ("LicenseStatus", "1"), ("LicenseStatusReason", "0"), ("Name", "Windows(R), Professional edition"),
    ("PartialProductKey", "T83GX"), ("ProductKeyChannel", "Volume:GVLK"), ("RemainingAppReArmCount", "1001"),
]


def test_format_list_of_every_sku_reads_only_the_licence_with_a_key():
    """Get-CimInstance SoftwareLicensingProduct | Format-List lists every SKU of the edition family, most with an empty
    PartialProductKey and LicenseStatus 0. The probes collect only products with a key (Where PartialProductKey): the
    key-less Education SKU is not installed, is counted as skipped, and its lines are not reported unread."""
    snap = _text.snapshot_from_text(format_list(EDUCATION_NO_KEY, PROFESSIONAL_T83GX))
    products = snap["probes"]["activation"]["products"]
    assert [p["Name"] for p in products] == ["Windows(R), Professional edition"]
    assert products[0]["PartialProductKey"] == "T83GX" and products[0]["LicenseStatus"] == 1
    assert snap["text_reader"]["skipped_keyless_licences"] == 1
    assert [u["line"] for u in snap["text_reader"]["unread_lines"]] == [len(EDUCATION_NO_KEY) + 1 + len(PROFESSIONAL_T83GX)]
    result = diagnose(snap)
    assert result["codes"] == ["ACTIVATED"] and result["status"] == "healthy"


def test_format_list_records_without_a_blank_line_are_cut_before_the_key_less_one_is_dropped():
    text = format_list(EDUCATION_NO_KEY + PROFESSIONAL_T83GX)
    snap = _text.snapshot_from_text(text)
    assert [p["Name"] for p in snap["probes"]["activation"]["products"]] == ["Windows(R), Professional edition"]
    assert snap["text_reader"]["skipped_keyless_licences"] == 1


@pytest.mark.parametrize("key_line, product", [
    ([("PartialProductKey", "<REDACTED>")], {"Name": "Windows(R), Education edition", "LicenseStatus": 0}),
    ([("PartialProductKey", "xxxxx")], {"Name": "Windows(R), Education edition", "LicenseStatus": 0}),
    ([], {"Name": "Windows(R), Education edition", "LicenseStatus": 0}),
])
def test_a_redacted_key_is_installed_and_no_key_line_is_not_collected(key_line, product):
    """A redacted PartialProductKey is a key the reporter hid (installed, its value absent); a listing without the
    PartialProductKey line does not say (the product stays, its key not collected). Neither is skipped."""
    snap = _text.snapshot_from_text(format_list([("Name", "Windows(R), Education edition"), ("LicenseStatus", "0"), *key_line]))
    assert snap["probes"]["activation"]["products"] == [product]
    assert snap["text_reader"]["skipped_keyless_licences"] == 0


def test_no_key_less_licence_is_skipped_in_other_output():
    snap = _text.snapshot_from_text((TEXTS / "en_technet_dli_kms_client.txt").read_text(encoding="utf-8"))
    assert snap["text_reader"]["skipped_keyless_licences"] == 0


# -- 2. a label with a blank before its colon is not Format-List --------------------------------------------------

SLMGR_DLI = [("Name", "Windows(R), Professional edition"),
             ("Description", "Windows(R) Operating System, VOLUME_KMSCLIENT channel"),
             ("Partial Product Key", "T83GX"), ("License Status", "Licensed")]


def test_french_slmgr_typography_is_one_licence():
    """French puts a blank before the colon ("Nom : ...", "Description : ..."): one licence, as before the Format-List
    reader, not a second product started by a 'Description' property."""
    snap = _text.snapshot_from_text("Nom : Windows(R), Professional edition\n"
                                    "Description : Windows(R) Operating System, VOLUME_KMSCLIENT channel\n")
    assert snap["probes"]["activation"]["products"] == [{
        "Name": "Windows(R), Professional edition", "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel"}]
    assert snap["text_reader"]["unread_lines"] == []


@pytest.mark.parametrize("layout", [
    lambda label, width: f"{label} :" if label == "Description" else f"{label}:",     # one label aligned by hand
    lambda label, width: f"{label.ljust(width)} :",                                  # every label aligned
])
def test_an_aligned_slmgr_paste_reads_as_slmgr_prints_it(layout):
    """A forum-aligned slmgr /dli ('Description : ...', or every label padded to one column) reads as the same lines
    without the blanks: one licence."""
    plain = _text.snapshot_from_text("".join(f"{label}: {value}\n" for label, value in SLMGR_DLI))
    width = max(len(entry[0]) for entry in SLMGR_DLI)
    aligned = _text.snapshot_from_text("".join(f"{layout(label, width)} {value}\n" for label, value in SLMGR_DLI))
    assert aligned["probes"] == plain["probes"]
    assert aligned["probes"]["activation"]["products"] == [{
        "Name": "Windows(R), Professional edition", "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
        "PartialProductKey": "T83GX", "LicenseStatus": 1}]
    assert aligned["text_reader"] == plain["text_reader"]


def test_a_run_with_two_cim_names_in_a_row_is_format_list():
    """The gate itself: the lines of a run in which two consecutive lines are CIM property names are Format-List
    (those with other names are properties the reader does not collect); a lone CIM name in a run is not."""
    assert _text._format_list_lines(["Nom : x", "Description : y"]) == frozenset()
    assert _text._format_list_lines(["Other : 1", "Name : x", "LicenseStatus : 1", "", "Description : y"]) == frozenset({1, 2, 3})
    assert _text._format_list_lines(["Name : x", "Other : 1", "LicenseStatus : 1"]) == frozenset()


# -- 3. a double-spaced ospp.vbs paste keeps its licence blocks ---------------------------------------------------

def double_spaced(text):
    """A forum's or a CRLF paste's doubling: a blank line after every line."""
    return text.replace("\n", "\n\n")


def test_double_spaced_ospp_dstatus_diagnoses_as_single_spaced():
    """MAS issue 269's ospp /dstatus with a blank line between every line: the ERROR CODE (0x4004F00C, informational)
    is still the licence's reason, not a lone result; in grace and not KMS, as the single-spaced paste."""
    text = (TEXTS / "en_mas_269_ospp_dstatus_oob_grace.txt").read_text(encoding="utf-8")
    single, double = _text.snapshot_from_text(text), _text.snapshot_from_text(double_spaced(text))
    assert double["probes"] == single["probes"]
    assert double["probes"]["activation"]["products"][0]["LicenseStatusReason"] == "0x4004F00C"
    single_result, double_result = diagnose(single), diagnose(double)
    assert double_result["codes"] == single_result["codes"] == ["IN_GRACE", "NOT_KMS_CHANNEL"]
    assert double_result["status"] == single_result["status"] == "warning"


@pytest.mark.parametrize("name", sorted(p.name for p in TEXTS.glob("*.txt")))
def test_every_console_capture_reads_the_same_double_spaced(name):
    """Blank lines end no licence block of slmgr, ospp.vbs, events or nslookup (ospp.vbs's dashed separators do).
    In Format-List a blank line is PowerShell's record separator: doubled, the single blanks between its lines are the
    doubling (_doubling_blanks), so the Format-List captures read the same too."""
    text = (TEXTS / name).read_text(encoding="utf-8")
    assert _text.snapshot_from_text(double_spaced(text))["probes"] == _text.snapshot_from_text(text)["probes"]


@pytest.mark.parametrize("between, attempts", [
    ("\n\n", [{"HResult": "0xC004F074", "Tool": "ospp /act"}]),
    ("\n---------------------------------------\n", None),
])
def test_a_lone_ospp_error_code_waits_over_blank_lines_for_its_description(between, attempts):
    """ERROR CODE with no licence and no command shown: the ERROR DESCRIPTION after blank lines still decides it; a
    separator line in between leaves the code unread."""
    snap = _text.snapshot_from_text("ERROR CODE: 0xC004F074" + between + "ERROR DESCRIPTION: The Software Licensing "
                                    "Service reported that the product could not be activated.\n")
    assert snap["probes"].get("activation", {}).get("activation_attempts") == attempts


def test_ospp_separators_end_a_licence_block():
    """After ospp.vbs's dashed line, an ERROR CODE with no SKU ID before it is not the previous licence's."""
    snap = _text.snapshot_from_text("SKU ID: 149dbce7-a48e-44db-8364-a53386cd4580\nLICENSE STATUS:  ---LICENSED---\n"
                                    "---------------------------------------\nERROR CODE: 0xC004F074\n"
                                    "ERROR DESCRIPTION: The Software Licensing Service reported that the product could "
                                    "not be activated.\n")
    activation = snap["probes"]["activation"]
    assert activation["products"] == [{"ID": "149dbce7-a48e-44db-8364-a53386cd4580", "LicenseStatus": 1}]
    assert activation["activation_attempts"] == [{"HResult": "0xC004F074", "Tool": "ospp /act"}]


# -- 4. another class's Version is not the licensing service's ------------------------------------------------------

@pytest.mark.parametrize("text", [
    "SystemDirectory : C:\\Windows\\system32\nBuildNumber : 19045\nVersion : 10.0.19045\n",
    # Get-CimInstance Win32_OperatingSystem | Format-List Name, Version, BuildNumber: two CIM names in a row
    "Name        : Microsoft Windows 10 Pro|C:\\WINDOWS|\\Device\\Harddisk0\\Partition3\nVersion     : 10.0.19045\n"
    "BuildNumber : 19045\n",
])
def test_win32_operatingsystem_version_is_not_the_licensing_service(text):
    """Win32_OperatingSystem in Format-List has a Version too: without a licensing-specific property (ClientMachineID,
    KeyManagementService*, RemainingWindowsReArmCount, ...) the record is not SoftwareLicensingService and every line
    of it is unread."""
    snap = _text.snapshot_from_text(text)
    assert snap["probes"] == {}
    assert len(snap["text_reader"]["unread_lines"]) == len(text.splitlines())
    assert snap["text_reader"]["read_lines"] == 0


@pytest.mark.parametrize("licensing", ["ClientMachineID : 2ffcfc30-6a6a-49ec-92b8-f6150c7df211",
                                       "RemainingWindowsReArmCount : 1001", "KeyManagementServiceMachine :"])
def test_a_service_with_a_licensing_property_keeps_its_version(licensing):
    snap = _text.snapshot_from_text(f"Version : 10.0.19041.1\n{licensing}\n")
    assert snap["probes"]["activation"]["service"]["Version"] == "10.0.19041.1"
    assert snap["text_reader"]["unread_lines"] == []


@pytest.mark.parametrize("line", ["C:\\>slmgr.vbs" + " " * 100_000 + "x", " " * 100_000 + "x", "- " + " " * 100_000 + "Name: x",
                                  "Lizenzstatus:" + " " * 100_000 + "x"])
def test_a_long_run_of_blanks_is_read_in_linear_time(line):
    """A 40,000-blank line after "C:\\>slmgr.vbs" took about 9 s (the label pattern tried its lazy value before every
    blank); 100,000 blanks would take minutes that way. Read in well under a second each now (bounded at 5 s here,
    for a loaded CI machine)."""
    import time  # pylint: disable=import-outside-toplevel
    started = time.process_time()
    _text.snapshot_from_text(line + "\n", "pc1")
    assert time.process_time() - started < 5
