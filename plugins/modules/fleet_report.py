#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: fleet_report
short_description: Write the fleet diagnosis as JSON, CSV, Markdown and HTML reports on the controller
version_added: 0.1.0
description:
  - The C(winactivation.kms.report) role's writer. Writes I(document) as it is (it is already correlated) or, with
    I(sources), merged with saved documents (per host the newest wins), once, in plain Python.
  - With I(before), the state before a remediation goes to its own files (C(<name>-before.*)), the state after to
    C(<name>.*), and C(remediation.json) and C(remediation.<lang>.md) compare them per host with what the
    C(remediate_summary) and C(kms_host_summary) variables of each host say was done.
  - In check mode the reports go to a folder of their own, C(<dir>/check-<UTC timestamp>), and say they are a
    prediction; in the remediation report a host with planned changes has an after-state that cannot be foreseen.
  - The records of interrupted runs (C(remediation-interrupted-*)) are never replaced or removed.
  - A file is rewritten only when its content differs.
  - Contacts no host.
options:
  document:
    description: This run's fleet document (C(diagnose_fleet) of C(localhost), from the diagnose role).
    type: dict
  document_var:
    description:
      - The name of the variable of C(localhost) that holds this run's fleet document (C(diagnose_fleet)), or a key
        path into one (C(diagnose_fleet_result.document), the fleet step's registered result), read from the
        controller's memory without templating; the same as I(document) given that variable, without the cost.
        ansible-core 2.19 and later template an argument node by node, in one worker while every other host of the
        play waits, so at 1,000 hosts the argument I(document) costs seconds (docs/performance.md). The
        C(winactivation.kms.report) role passes its C(report_document_var) (C(diagnose_fleet)) this way.
      - Mutually exclusive with I(document).
      - A variable that is not defined (or is null) is no document. With I(sources), I(slices) or I(expected_hosts)
        the reports are made from them and the result's C(warnings) name I(document_var) and the variable; with
        nothing else to report the task fails naming I(document_var) and the variable, and writes nothing.
    type: str
  hosts:
    description:
      - Gather this run's fleet document here, from these hosts' registered I(result_var) (inventory names), as
        M(winactivation.kms.fleet) does - read from the controller's memory once per host, without templating, and
        correlated once - instead of being given it with I(document) or I(document_var). A host without that variable
        is reported as not collected, never healthy.
      - The fleet step and the reports in one task, so the document is not handed from task to task - as a registered
        result ansible-core 2.19 and later template it node by node, pickle it to the strategy process and convert it
        again for the callbacks, seconds at 1,000 hosts (docs/performance.md). The collection's playbooks gather this
        way.
      - Mutually exclusive with I(document) and I(document_var); an empty list is refused.
    type: list
    elements: str
  result_var:
    description: The registered variable I(hosts) are read from (what M(winactivation.kms.diagnose) registered).
    type: str
    default: diagnose_result
  sources:
    description: Saved C(diagnosis.json) documents (other AWX job slices, earlier runs) to merge with I(document).
    type: list
    elements: path
    default: []
  dir:
    description: The report folder (created if missing).
    type: path
    required: true
  name:
    description:
      - File name stem of the reports (1-100 characters without path separators or the characters Windows refuses in
        file names, not starting with a dot).
    type: str
    default: diagnosis
  formats:
    description: Which reports to write.
    type: list
    elements: str
    choices: [json, csv, markdown, html]
    default: [json, csv, markdown, html]
  language:
    description: Language of the CSV, Markdown and HTML reports and of C(console). The JSON holds both languages.
    type: str
    choices: [en, ja]
    default: en
  before:
    description: The fleet document before a remediation run.
    type: dict
  remediation:
    description:
      - Write C(remediation.json), C(remediation.<lang>.md) and, with C(html) in I(formats), C(remediation.<lang>.html)
        when I(before) is given.
    type: bool
    default: true
  html_template:
    description:
      - A Jinja2 template file that replaces (or, with an C(extends) of C(default/diagnosis.html.j2), extends) the
        default HTML page of the diagnosis; the remediation page keeps its default template.
    type: path
  action_vars:
    description: Host variables that say what a remediation did on each host.
    type: list
    elements: str
    default: [remediate_summary, kms_host_summary]
  stats_max_hosts:
    description: At most this many hosts (those that need attention, worst first) in C(stats.winactivation_kms.per_host), 0 to 10000.
    type: int
    default: 200
  stats_max_bytes:
    description: At most this many bytes of JSON in C(stats), 1024 to 1048576; hosts beyond it are counted, not listed.
    type: int
    default: 65536
  slice:
    description:
      - Also return this run's hosts' whole diagnoses as C(slice), a compact payload an AWX job slice publishes with
        set_stats for the merge node of its workflow (see docs/awx.md), with the slice's C(scope).
    type: bool
    default: false
  slice_max_bytes:
    description: Fail when the C(slice) payload would be larger than this (1024 to 268435456); slice the job more finely.
    type: int
    default: 4194304
  slices:
    description:
      - Payloads published by AWX job slices (name -> C(slice) payload), merged with I(document) and I(sources) into one
        fleet document, correlated once, so the reports equal those of an unsliced run.
    type: dict
    default: {}
  expected_hosts:
    description:
      - The hosts the merged reports must cover; a host no slice or source reported is reported as not collected
        (status C(error), C(DIAGNOSIS_FAILED)), never as healthy.
    type: list
    elements: str
    default: []
  scope:
    description:
      - Which hosts this run covers, as the playbook knows them; recorded in every report (the JSON document's C(scope),
        a line of the Markdown and HTML reports) with the hosts the run diagnosed. Not given, the reports say their
        scope is not known, never that they cover every host.
      - A run that leaves out hosts of I(scope.pattern) (a C(--limit)) or of I(scope.group) (a narrower pattern) is
        partial; its reports are named I(name) followed by I(partial_suffix).
      - With I(slice) (one slice of a sliced AWX job) the scope records C(slice) (C(job), I(scope.slice_job)) and the
        reports say they cover one slice, not the fleet, and are partial. With I(slices) it records C(slices) - C(count),
        the slices merged, and C(hosts), how many hosts they read by the scopes they published (null when a slice
        published none).
    type: dict
    suboptions:
      pattern:
        description: The run's host pattern (C(diagnose_hosts) or C(remediate_hosts)).
        type: str
        required: true
      limit:
        description: The run's C(--limit) (C(ansible_limit), an AWX job template's Limit); empty or absent for none.
        type: str
      pattern_hosts:
        description: The inventory hosts I(pattern) matches, without the limit.
        type: list
        elements: str
        default: []
      group:
        description: The default group of the run's pattern (C(windows)).
        type: str
      group_hosts:
        description: The inventory hosts of I(group).
        type: list
        elements: str
        default: []
      kms_hosts:
        description: The hosts of group C(kms_hosts); those the run did not diagnose are named in the reports.
        type: list
        elements: str
        default: []
      slice_job:
        description:
          - The AWX job id of this slice (C(awx_job_id), digits; empty is none), named in the scope of a slice's reports
            (with I(slice)). AWX passes a slice neither its slice number nor the slice count.
        type: str
  partial_suffix:
    description:
      - Appended to I(name) for the reports of a partial run (see I(scope)), so that they never replace the full
        reports of the same name; an empty string writes them under I(name) (each still says it is partial).
    type: str
    default: "-partial"
attributes:
  check_mode:
    support: full
    description: Writes the reports into C(<dir>/check-<UTC timestamp>), marked as a prediction; the hosts are not contacted.
  diff_mode:
    support: none
    description: The reports are whole documents; no diff is shown.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller only.
seealso:
  - module: winactivation.kms.fleet
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
# After the diagnose role, which leaves the fleet document in localhost's diagnose_fleet
- name: Write the reports in Japanese
  winactivation.kms.fleet_report:
    document_var: diagnose_fleet
    dir: /srv/reports
    language: ja
  register: written
  run_once: true
  delegate_to: localhost

- name: Publish the counts and the hosts that need attention to AWX
  ansible.builtin.set_stats:
    data: "{{ written.stats }}"
  run_once: true
"""

RETURN = r"""
scope:
  description: Which hosts the reports cover (pattern, limit, matched, run, left_out, group, group_left_out,
    kms_left_out); null when I(scope) was not given.
  returned: always
  type: dict
dir:
  description: The folder the reports were written to (in check mode C(<dir>/check-<UTC timestamp>)).
  returned: always
  type: str
files:
  description: The file names written in C(dir).
  returned: always
  type: list
  elements: str
report_set:
  description:
    - A regular expression (anchored) that every report file name of this C(name) matches, in any language and
      format, remediation files included; the playbooks remove the files a delivery folder holds that match it and
      are not in C(files), so that it ends with exactly one run's set, as C(dir) does.
  returned: always
  type: str
  sample: ^(?:diagnosis(?:-before)?\.(?:json|(?:en|ja)\.(?:csv|md|html))|remediation\.(?:json|(?:en|ja)\.(?:md|html)))$
check_mode:
  description: Whether the reports are a prediction.
  returned: always
  type: bool
hosts:
  description: How many hosts the report holds.
  returned: always
  type: int
unread:
  description: How many of them could not be read.
  returned: always
  type: int
unread_msg:
  description: When no host could be read, the failure text in I(language) (the report role fails with it); else null.
  returned: always
  type: str
status_counts:
  description: Hosts per status.
  returned: always
  type: dict
statements:
  description: The fleet's causes in I(language).
  returned: always
  type: list
  elements: str
console:
  description: What to print, in I(language) - the causes (before and after when I(before) is given) and where the reports are.
  returned: always
  type: list
  elements: str
stats:
  description:
    - The set_stats payload C(winactivation_kms) - counts per status and code, causes, the report's C(scope) (which
      hosts the counts cover, as in the reports; absent when not known), and C(per_host) (status and codes) of at
      most I(stats_max_hosts) hosts that need attention within I(stats_max_bytes), with C(per_host_left_out) counting
      the others.
  returned: always
  type: dict
failed_hosts:
  description:
    - The hosts of the document whose remediation or KMS-host convergence failed (their O(action_vars) summary has
      C(failed) set), in the document's order; empty when none did or no summary was set.
  returned: always
  type: list
  elements: str
unread_hosts:
  description:
    - The hosts of the document that could not be read (status C(unreachable) - never reached, or lost during the run -
      or C(error) - answered but unreadable, or no result collected), in the document's order. Nothing was remediated
      on them and their state is not known; the remediate playbook ends red naming them, after the reports.
  returned: always
  type: list
  elements: str
slice:
  description:
    - This run's diagnoses for the merge node of an AWX workflow - C(schema), C(generated_at), C(hosts), C(status_counts),
      C(encoding) (C(zlib+base64)), C(bytes) (the JSON before compression), C(data) and C(scope) (the slice's
      scope, as in its reports; null when not known).
  returned: when I(slice) is true
  type: dict
"""
