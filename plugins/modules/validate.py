#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: validate
short_description: Check a run's variables against the roles' argument specs on the controller, before any host is contacted
version_added: 0.1.0
description:
  - Validates, on the controller, the variables of every role a run will use - including the roles of later plays - against
    each role's own C(meta/argument_specs.yml) (types, choices, defaults, with Ansible's C(ArgumentSpecValidator)) and the
    value checks the roles' modules make (ranges, C(host:port), DNS server and domain syntax).
  - Each role's variables are read as every host it will run on sees them (inventory, group and extra variables);
    hosts with the same values are validated once.
  - Fails with one line naming each bad variable and what is allowed, without an argument-spec dump, so a bad value
    stops the run before anything is read or changed anywhere. Host patterns that match no host fail the same way.
  - The playbooks of this collection run it in their first play and then import their roles with
    C(rolespec_validate=false), so argument validation runs once per run instead of once per host and play.
  - Never contacts any host. The report folder's writability is checked with a probe folder made and removed at
    once (stale probes of ended runs are removed first), in check mode too.
  - With the C(report) role in I(roles), outside check mode, it marks the run as one that ends with a report and turns
    the operation journal of each ended run that has none (a remediate run killed outright) into that run's record in
    the report folder, C(remediation-interrupted-<UTC time>-<pid>.*), with a warning naming each host, the operations
    it confirmed and those in flight (keys by their last five characters); in check mode it only warns.
options:
  roles:
    description:
      - Role name (C(diagnose), C(report), C(remediate), C(kms_host)) -> the inventory hosts whose variables are checked
        for it; an empty list means the host the task runs on.
    type: dict
    required: true
  variables:
    description: An argument spec (as in C(meta/argument_specs.yml)) of further variables, checked on the host the task runs on.
    type: dict
    default: {}
  modules:
    description:
      - Module name -> the setting that needs it, as the error names it (the delivery to a Windows C(report_deliver_to)
        host needs C(ansible.windows.win_copy)); a module this controller cannot resolve (its collection is not
        installed) is an error naming both, before any host is contacted.
    type: dict
    default: {}
  targets:
    description:
      - Host patterns the run targets; each must match at least one host of the inventory (unless I(required=false)),
        and the hosts of one with I(within) must all be among I(within)'s hosts (the KMS hosts among the hosts of the
        run, as a KMS host the run's pattern leaves out would be neither read nor reported).
    type: list
    elements: dict
    default: []
    suboptions:
      variable:
        description: The variable that sets the pattern, named in the error.
        type: str
        required: true
      pattern:
        description: The pattern.
        type: str
        required: true
      hosts:
        description: The hosts it matches (C(query('ansible.builtin.inventory_hostnames', pattern))).
        type: list
        elements: str
        default: []
      default_group:
        description: The group used when the variable is not set, named in the error.
        type: str
      required:
        description: Whether a pattern that matches no host is an error (false for a default group that may be absent).
        type: bool
        default: true
      single:
        description:
          - Whether the pattern must name one inventory host, the only host it matches (the reports' delivery host,
            which a task is delegated to; a group's name there would be an implicit host of that name, not its hosts).
        type: bool
        default: false
      within:
        description: The run's own pattern, whose hosts must include every host of this one.
        type: dict
        suboptions:
          variable:
            description: The variable that sets the run's pattern, named in the error.
            type: str
            required: true
          pattern:
            description: The run's pattern.
            type: str
            required: true
          hosts:
            description: The hosts it matches.
            type: list
            elements: str
            default: []
          default_group:
            description: The group used when its variable is not set; the error then tells how to make this pattern's group a child of it.
            type: str
          limit:
            description:
              - The run's C(--limit) (C(ansible_limit)) and the hosts it matches. Hosts of this pattern that are among
                the run's pattern but outside the limit are named in a warning (neither read nor changed), not refused.
            type: dict
            suboptions:
              pattern:
                description: The limit, as given.
                type: str
                required: true
              hosts:
                description: The hosts it matches (C(query('ansible.builtin.inventory_hostnames', ansible_limit))).
                type: list
                elements: str
                default: []
attributes:
  check_mode:
    support: full
    description: The report folder is probed as in a real run; the record of an earlier killed run is not written in
      check mode, only warned about.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
  platform:
    support: full
    platforms: all
    description: Runs on the controller.
notes:
  - Runs entirely on the controller; C(hosts) are only looked up in the inventory.
seealso:
  - module: ansible.builtin.validate_argument_spec
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Check every setting before any host is contacted
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    targets: "{{ query('ansible.builtin.inventory_hostnames', diagnose_hosts | default('windows')) }}"
  tasks:
    - name: Validate the run's variables
      winactivation.kms.validate:
        roles:
          diagnose: "{{ targets }}"
          report: []
        targets:
          - variable: diagnose_hosts
            pattern: "{{ diagnose_hosts | default('windows') }}"
            default_group: windows
            hosts: "{{ targets }}"
"""

RETURN = r"""
msg:
  description: What was validated, or one line naming every bad variable, what is allowed and the hosts concerned.
  returned: always
  type: str
  sample: "Invalid settings, nothing was changed: value of report_language must be one of: en, ja, got: fr"
errors:
  description: Each distinct error, one line each.
  returned: failed
  type: list
  elements: str
roles:
  description: The roles validated.
  returned: success
  type: list
  elements: str
"""
