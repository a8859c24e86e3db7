"""The diagnose and snapshot_differences filters on a JSON snapshot read with Ansible's file lookup (their documented
examples: ``lookup('ansible.builtin.file', 'pc-sales-017.json') | winactivation.kms.diagnose``).

ansible-core's file lookup decodes every file as UTF-8 and escapes the bytes that are not (a deprecation warning until
2.23). A snapshot that PowerShell 5.1's ``>`` or ``Out-File`` saved is UTF-16 LE with a byte order mark: the filters got
escaped bytes and NUL characters and failed "snapshot is not valid JSON: Expecting value", although the snapshots
lookup and diagnose_snapshots read the same file. The filters now read it in its own encoding, as snapshot_from_text
does for pasted text."""
from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.winactivation.kms.plugins.filter import kms, snapshot_check

import snapshots as S


def _as_the_file_lookup_reads(data: bytes) -> str:
    """What ``lookup('ansible.builtin.file', ...)`` gives for these bytes (to_text, errors='surrogate_or_strict')."""
    return to_text(data, errors="surrogate_or_strict")


SNAPSHOT = S.failing("0x8007232B")
TEXT = json.dumps(SNAPSHOT, indent=2).replace("\n", "\r\n")


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + TEXT.encode("utf-16-le"),          # PowerShell 5.1: ConvertTo-Json ... > pc.json
    TEXT.encode("utf-16-le"),                        # the same without its byte order mark
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),          # Notepad's UTF-8 with BOM (read before the fix too)
], ids=["utf-16-le-bom", "utf-16-le", "utf-8-bom"])
def test_a_snapshot_file_read_by_the_file_lookup_is_diagnosed_in_its_encoding(data: bytes) -> None:
    expected = kms.diagnose(SNAPSHOT)
    got = kms.diagnose(_as_the_file_lookup_reads(data))
    assert got["codes"] == expected["codes"] and "KMS_SRV_MISSING" in got["codes"]
    assert snapshot_check.snapshot_differences(_as_the_file_lookup_reads(data)) == snapshot_check.snapshot_differences(SNAPSHOT)


def test_a_snapshot_in_another_encoding_is_an_error_naming_it() -> None:
    """Bytes that are neither UTF-8 nor UTF-16 (a Latin-1 é in a host name): the error says the encoding, not 'not JSON'."""
    data = TEXT.replace('"pc', '"pcé').encode("latin-1")
    with pytest.raises(AnsibleFilterError, match=r"diagnose: snapshot is not UTF-8 or UTF-16 text"):
        kms.diagnose(_as_the_file_lookup_reads(data))
