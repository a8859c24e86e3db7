"""The snapshot_from_text filter on a file read with Ansible's file lookup (its documented example, brief s1).

ansible-core's file lookup decodes every file as UTF-8 and escapes the bytes that are not ("Invalid content has been
escaped", a deprecation warning until 2.23). A .txt that Japanese Windows saved - cscript's redirected output in cp932,
PowerShell 5.1's ">" in UTF-16 LE - reached the filter as escaped bytes and NUL characters: nothing was read and the
diagnosis had only EVIDENCE_MISSING, with no word that the text was never decoded. The filter reads it as the
snapshot folder reads such a file, and says so when it cannot."""
from __future__ import annotations

import pathlib

import pytest
from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.winactivation.kms.plugins.filter import text as text_filter

FIXTURES = pathlib.Path(__file__).parents[2] / "fixtures" / "text"
JA_ERROR = (FIXTURES / "ja_kb929826_win7_dns_error_8007232b.txt").read_text(encoding="utf-8")


def _as_the_file_lookup_reads(data: bytes) -> str:
    """What ``lookup('ansible.builtin.file', ...)`` gives for these bytes (to_text, errors='surrogate_or_strict')."""
    return to_text(data, errors="surrogate_or_strict")


@pytest.mark.parametrize("data", [
    JA_ERROR.replace("\n", "\r\n").encode("cp932"),                        # cscript slmgr.vbs ... > a.txt
    b"\xff\xfe" + JA_ERROR.replace("\n", "\r\n").encode("utf-16-le"),       # PowerShell 5.1: ... > a.txt
], ids=["cp932", "utf-16-le-bom"])
def test_a_file_read_by_the_file_lookup_is_read_as_its_encoding(data: bytes) -> None:
    expected = text_filter.snapshot_from_text(JA_ERROR, host="pc")
    got = text_filter.snapshot_from_text(_as_the_file_lookup_reads(data), host="pc")
    assert got["probes"] == expected["probes"] != {}
    assert got["text_reader"]["read_lines"] == expected["text_reader"]["read_lines"] > 0


def test_text_that_cannot_be_decoded_is_an_error_not_an_empty_snapshot() -> None:
    """German cp850 bytes: neither UTF-8, UTF-16 nor Japanese cp932 text - the filter says so."""
    data = "Fehlercode: 0xc004f035\r\nÜberprüfen Sie die Einstellungen für über 25 Computer.\r\n".encode("cp850")
    with pytest.raises(AnsibleFilterError, match=r"snapshot_from_text: the text is not UTF-8, UTF-16 or Japanese Shift_JIS"):
        text_filter.snapshot_from_text(_as_the_file_lookup_reads(data), host="pc")
