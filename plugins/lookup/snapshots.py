# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup plugin winactivation.kms.snapshots: diagnose a folder of snapshot files, a bad file kept with its reason."""

from __future__ import annotations

DOCUMENTATION = r"""
name: snapshots
short_description: Diagnose every snapshot file of a folder offline; bad files are kept with the reason they were skipped
version_added: 0.1.0
description:
  - Reads every C(*.json) file of a folder (snapshots taken with C(extras/Get-KmsActivationSnapshot.ps1)) and every
    C(*.txt) file (pasted slmgr, ospp.vbs, event or nslookup output, read with the snapshot_from_text filter) and
    diagnoses each one without contacting any host.
  - A relative folder is taken from the directory ansible-playbook runs in, not from the playbook's or the collection's.
  - Files may be UTF-8 (with or without a byte order mark) or UTF-16 with a byte order mark, as Windows PowerShell 5.1's
    C(>) writes them.
  - Pasted console output (C(*.txt)) may also be Japanese Shift_JIS (cp932), as C(cscript slmgr.vbs /dlv > a.txt) in
    cmd writes it on Japanese Windows (the OEM code page); a file in another code page is skipped with the reason.
  - A file that cannot be read (empty, not JSON, not a JSON object, another schema, undecodable) does not stop the batch;
    its entry is a failed result naming the file and the reason, which the fleet diagnosis reports as DIAGNOSIS_FAILED.
  - Fails only when the folder does not exist or holds no C(*.json) or C(*.txt) file.
options:
  _terms:
    description: The folder(s).
    required: true
    type: list
    elements: path
  expiring_days:
    description: Days below which an activated product is ACTIVATION_EXPIRING (1-180, as the diagnose module allows).
    type: int
    default: 30
  restart_pending_ignore:
    description:
      - Windows' restart signals that do not count for RESTART_PENDING, as the M(winactivation.kms.diagnose) module's
        option of that name (role variable C(diagnose_restart_pending_ignore); the diagnose_snapshots playbook's
        C(snapshot_restart_pending_ignore)) - still read, and reported as RESTART_PENDING_IGNORED or beside
        RESTART_PENDING, so that saved snapshots are diagnosed as the online run with the same setting diagnosed them.
      - One or more of C(component_servicing), C(windows_update) and C(file_rename); any other value is refused before
        any file is read, the error naming the option and the allowed values.
    type: list
    elements: str
    default: []
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Diagnose a folder of snapshots into the fleet document
  ansible.builtin.set_fact:
    diagnose_fleet: >-
      {{ dict(snaps | map(attribute='host') | zip(snaps | map(attribute='result'))) | winactivation.kms.fleet_diagnosis }}
  vars:
    snaps: "{{ query('winactivation.kms.snapshots', './snapshots') }}"
"""

RETURN = r"""
_list:
  description:
    - One entry per file, sorted by file name.
  type: list
  elements: dict
  contains:
    host:
      description:
        - The file name without C(-kms-snapshot.json), C(.json) or C(.txt) (C(pc-017-kms-snapshot.json), C(pc-017.json)
          and C(pc-017.txt) give C(pc-017)); the whole file name when an earlier file of the folders gave that name (in
          any case).
      type: str
    path:
      description: The file's path.
      type: str
    result:
      description:
        - The diagnosis of the file (as the diagnose filter returns it), or for a file that was skipped C(failed)
          (true), C(skipped_file) (its name), C(skipped_reason) (why) and C(msg) (both in one line), which the fleet
          diagnosis reports as DIAGNOSIS_FAILED.
      type: dict
"""

import typing as t

from ansible.errors import AnsibleActionFail, AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk, _options, _restart, _snapshot_files, _validate


class LookupModule(LookupBase):
    """Diagnose every snapshot file of the folders given."""

    def run(self, terms: list[t.Any], variables: dict[str, t.Any] | None = None, **kwargs: t.Any) -> list[t.Any]:
        """One entry per file of every folder."""
        try:
            self.set_options(var_options=variables, direct=kwargs)
        except AnsibleError as exc:
            # ansible-core's message shows the value it refuses: a key given to an option shows only its last five
            raise AnsibleLookupError(f"snapshots: {_gvlk.mask_keys(str(exc.message))}") from None
        expiring_days = self.get_option("expiring_days")
        try:
            # as the diagnose module and filter check it: 0 or 100000 would silently drop or flag every expiry
            _options.in_range("expiring_days", expiring_days, *_options.EXPIRING_DAYS_RANGE)
            # the diagnose module's own spec and words, before any file is read
            ignore = _validate.checked({"restart_pending_ignore": _restart.IGNORE_SPEC},
                                       {"restart_pending_ignore": self.get_option("restart_pending_ignore") or []})
        except AnsibleActionFail as exc:
            raise AnsibleLookupError(f"snapshots: {exc.message}") from None
        entries: list[t.Any] = []
        for folder in terms:
            entries.extend(_snapshot_files.read_folder(str(folder), expiring_days=expiring_days,
                                                       restart_pending_ignore=ignore["restart_pending_ignore"]))
        return entries
