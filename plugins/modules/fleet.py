#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: fleet
short_description: Gather the diagnoses of the play's hosts on the controller and correlate them once
version_added: 0.1.0
description:
  - The fleet step of the C(winactivation.kms.diagnose) role. Reads each host's registered
    M(winactivation.kms.diagnose) result from the controller's memory (its raw variables, without templating), keeps
    only the diagnosis (or why there is none - unreachable, unreadable) and correlates the fleet once, in O(hosts)
    time and memory.
  - Contacts no host. Run it once, after the diagnose task, with C(run_once) and C(delegate_to=localhost), in a play
    with the default C(linear) strategy (so every host's result is registered before it runs).
  - The C(winactivation.kms.fleet_diagnosis) filter builds the same document from an expression over C(hostvars);
    it is kept for playbooks that call it, but is much slower on large fleets.
options:
  hosts:
    description: The hosts whose diagnosis to gather; by default every host of the play (C(ansible_play_hosts_all)).
    type: list
    elements: str
  result_var:
    description: The name under which the diagnose task registered its result.
    type: str
    default: diagnose_result
  language:
    description: Language of C(statements), C(en) or C(ja). The document always holds both.
    type: str
    choices: [en, ja]
    default: en
attributes:
  check_mode:
    support: full
    description: Reads only the controller's memory; runs unchanged in check mode.
  diff_mode:
    support: none
    description: Nothing is changed.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller only.
seealso:
  - module: winactivation.kms.diagnose
  - module: winactivation.kms.fleet_report
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Diagnose every host
  winactivation.kms.diagnose:
  register: diagnose_result
  ignore_unreachable: true
  failed_when: false

- name: Correlate the fleet once
  winactivation.kms.fleet:
    language: ja
  register: fleet
  run_once: true
  delegate_to: localhost

- name: Print the causes
  ansible.builtin.debug:
    msg: "{{ fleet.statements }}"
  run_once: true
"""

RETURN = r"""
document:
  description: The fleet document (schema C(winactivation.kms/diagnosis/1)) with every host's diagnosis and the summary.
  returned: always
  type: dict
statements:
  description:
    - The fleet's causes in I(language) ("N hosts fail because ..."; "N hosts fail, possibly because ..." when only
      findings of low confidence back it - the document's statements carry their C(confidence)), or one line saying
      no cause was found (that every host is activated only when none is failing, unknown or unreachable).
  returned: always
  type: list
  elements: str
hosts:
  description: How many hosts the document holds.
  returned: always
  type: int
unread:
  description: How many of them could not be read (unreachable, or answered but unreadable).
  returned: always
  type: int
reweighed:
  description:
    - The hosts whose findings the fleet changed (host -> C(findings) and C(codes)); empty when none.
    - A client's KMS_HOST_DOWN that rests on the controller's view becomes KMS_PORT_BLOCKED (or KMS_PORT_BLOCKED_BY_POLICY)
      when other clients of the run reached that KMS host or activated through it; the remediate role acts on these.
  returned: always
  type: dict
"""
