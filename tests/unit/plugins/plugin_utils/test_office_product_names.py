"""Office products by the names Microsoft's Office GVLK table gives them, also when only the licence Name was read.

Evidence: Microsoft, "GVLKs for KMS and Active Directory-based activation of Office, Project, and Visio"
(MicrosoftDocs/OfficeDocs-DeployOffice office/volume-license-activation/gvlks.md, ms.date 09/18/2024) names every
volume product: "Access LTSC 2024", "Excel 2019", "OneNote 2016", "Skype for Business LTSC 2021", "Word 2016" ...
The collection knew Office, Project and Visio only, and only by LicenseFamily: a Word 2016 licence, and every Office
licence read from ospp.vbs or slmgr /dlv text (which print the licence Name, "Office 16, Office16WordVL_KMS_Client
edition", not its LicenseFamily), was called "Office". The licence Names below are those of a published ospp.vbs /act
of Office 2016 (code index id 33339862713, a tutorial quoting its console; each key's last five characters are the
GVLK Microsoft publishes for that product) - quoted in the test, not kept as a fixture; its SKU IDs are replaced by
placeholders, which the names do not depend on.
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _product_names, _text

#: each licence as ospp.vbs printed it: the LicenseFamily in its Name ("Office 16, <family> edition"), the last five
#: characters of its key, and Microsoft's name of the product
OSPP_ACT_OFFICE_2016 = """
Office16PublisherVL_KMS_Client 8K837 Publisher 2016
Office16ProjectProVL_KMS_Client G83KT Project Professional 2016
Office16AccessVL_KMS_Client QPFDW Access 2016
Office16VisioProVL_KMS_Client RJRJK Visio Professional 2016
Office16WordVL_KMS_Client 3PFJ6 Word 2016
Office16ExcelVL_KMS_Client 7FTBF Excel 2016
Office16PowerPointVL_KMS_Client BY6C6 PowerPoint 2016
Office16OneNoteVL_KMS_Client XW3J6 OneNote 2016
Office16ProjectStdVL_KMS_Client KQBVC Project Standard 2016
Office16OutlookVL_KMS_Client 6MT9B Outlook 2016
"""


def _licences() -> list[tuple[str, str, str]]:
    """(licence Name, last five characters, product name) of each line of OSPP_ACT_OFFICE_2016."""
    return [(f"Office 16, {family} edition", last5, display)
            for family, last5, display in (line.split(" ", 2) for line in OSPP_ACT_OFFICE_2016.splitlines() if line)]


def test_a_published_ospp_act_names_each_office_product():
    text = "PS C:\\Program Files\\Microsoft Office\\Office16> cscript ospp.vbs /act\n---Processing--------------------------\n"
    for index, (name, last5, _display) in enumerate(_licences()):
        text += ("---------------------------------------\n"
                 "Installed product key detected - attempting to activate the following product:\n"
                 f"SKU ID: 00000000-0000-0000-0000-0000000000{index:02d}\nLICENSE NAME: {name}\n"
                 "LICENSE DESCRIPTION: Office 16, VOLUME_KMSCLIENT channel\n"
                 f"Last 5 characters of installed product key: {last5}\n<Product activation successful>\n")
    text += "---------------------------------------\n---Exiting-----------------------------\n"
    result = _analyze.analyze(_text.snapshot_from_text(text, "pc1"), {})
    assert [p["display"] for p in result["products"]] == [display for *_rest, display in _licences()]


@pytest.mark.parametrize("license_family, name", [
    ("Office24Access2024VL_KMS_Client_AE", "Access LTSC 2024"),
    ("Office24Excel2024VL_KMS_Client_AE", "Excel LTSC 2024"),
    ("Office24Outlook2024VL_KMS_Client_AE", "Outlook LTSC 2024"),
    ("Office24PowerPoint2024VL_KMS_Client_AE", "PowerPoint LTSC 2024"),
    ("Office24SkypeForBusiness2024VL_KMS_Client_AE", "Skype for Business LTSC 2024"),
    ("Office21Word2021VL_KMS_Client_AE", "Word LTSC 2021"),
    ("Office21Publisher2021VL_KMS_Client_AE", "Publisher LTSC 2021"),
    ("Office19Word2019VL_KMS_Client_AE", "Word 2019"),
    ("Office19Excel2019VL_KMS_Client_AE", "Excel 2019"),
    ("Office16OneNoteVL_KMS_Client", "OneNote 2016"),
])
def test_every_product_of_microsofts_office_gvlk_table_has_its_name(license_family, name):
    assert _product_names.office_name(license_family) == name


def test_the_name_is_read_from_the_licence_name_only_without_a_license_family():
    """A LicenseFamily read is the product's own statement: the Name does not override it."""
    product = {"application": "office", "name": "Office 19, Office19Word2019VL_KMS_Client_AE edition"}
    assert _product_names.product_name(product) == "Word 2019"
    assert _product_names.product_name(dict(product, license_family="Office19Excel2019VL_KMS_Client_AE")) == "Excel 2019"
