#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: remediate_host
short_description: Apply the remedies one host's diagnosis calls for, in one task
version_added: 0.1.0
description:
  - The remediate role's work on one host, in one task. Reads the host's diagnosis (the registered result named by
    I(result_var), or the fleet's weighed one that the diagnose role keeps on localhost as C(diagnose_fleet_reweighed))
    and runs, per finding and only when its class is enabled, the remedy module that fixes it, in this order -
    M(winactivation.kms.kms_client) (restore sppsvc, clear stale manual KMS settings, set the KMS host, install the
    GVLK), M(winactivation.kms.kms_firewall), M(winactivation.kms.time_sync), M(winactivation.kms.system_repair) and
    the GVLK again after a rebuild; then, for C(KMS_HOST_DOWN), M(winactivation.kms.kms_dns_info) to see whether the
    KMS host answers the client now; then activation, only after a fix, once the KMS host answers, or when a fix was
    found already in place (a run lost half-way), and never while a change waits for a restart.
  - In check mode the KMS host play has changed nothing, so a client whose KMS host does not answer but which that
    play would change (an inventory host of the client's KMS host name, or its first label, else the one machine among
    the hosts that play targets - C(remediate_kms_names) as remediate.yml sets it from C(remediate_kms_hosts), else
    group C(kms_hosts) - whose own addresses hold the address the client names it by - an IP address, or what the
    client resolved for an alias - whose C(kms_host_summary) says changed; two inventory names of one machine, one
    FQDN, are one) gets the activation it would get, reported in C(summary.unforeseen) as cannot be foreseen. The
    inventory's tables this needs are made once per run, shared by the task's workers.
  - Each remedy reads the host, changes only the difference and reads it again, exactly as the module does on its own;
    the first remedy that fails or loses the host ends the task, and the result says what was done.
  - One task per host instead of one per remedy - ansible-core's per-task cost made the role's remediate --check cost
    14x the controller CPU of the least playbook at 100 hosts (docs/performance.md).
options:
  result_var:
    description: The variable holding the host's registered diagnose result.
    type: str
    default: diagnose_result
  enable_spp:
    description: C(SPP_SERVICE_UNAVAILABLE) - restore the Software Protection service.
    type: bool
    default: true
  clear_kms_override:
    description: C(STALE_KMS_OVERRIDE) - clear the manual KMS host (slmgr /ckms), at service or product level.
    type: bool
    default: true
  set_kms_host:
    description: C(KMS_SRV_MISSING), C(KMS_HOST_UNRESOLVABLE) - point the client at I(kms_host).
    type: bool
    default: false
  kms_host:
    description: The KMS host for I(set_kms_host), as C(host), C(host:port), C(IPv6) or C([IPv6]:port); empty is unset.
    type: str
    default: ""
  open_firewall:
    description: C(KMS_PORT_BLOCKED) - allow outbound TCP to the KMS port where the host's firewall filters it.
    type: bool
    default: true
  kms_addresses:
    description: Scope of the outbound rule (C(Any), C(LocalSubnet), addresses or networks).
    type: list
    elements: str
    default: [Any]
  time_sync:
    description:
      - C(CLOCK_SKEW) - set the time source and resync.
      - Where the W32Time policy key or its C(Parameters) key could not be read the source is left as it is and the clock
        is still resynced; C(needs_person) names the key and the HRESULT (M(winactivation.kms.time_sync)'s
        I(source_unread=keep)).
    type: bool
    default: true
  time_source:
    description: C(auto) uses the domain hierarchy on domain members and NTP elsewhere.
    type: str
    choices: [auto, domain, ntp]
    default: auto
  ntp_servers:
    description: NTP peers when the source is NTP (W32Time's NtpServer syntax, see M(winactivation.kms.time_sync)).
    type: list
    elements: str
    default: [time.windows.com]
  install_gvlk:
    description: C(NOT_KMS_CHANNEL), C(INVALID_PRODUCT_KEY) - install the edition's GVLK (changes the channel). Not
      on a host the diagnosis found to be a KMS host (it would replace its CSVLK); C(needs_person) says so.
    type: bool
    default: false
  rebuild_license_store:
    description: C(LICENSE_STORE_CORRUPT) - rebuild tokens.dat, then reinstall the GVLK once no restart is waiting.
    type: bool
    default: false
  system_files:
    description: With I(rebuild_license_store) - DISM /RestoreHealth and sfc /scannow first (heavy, slow).
    type: bool
    default: false
  activate:
    description: Activate after a fix, or once the KMS host answers the client again.
    type: bool
    default: true
  activation_retries:
    description: Retries of a failed activation (0-10).
    type: int
    default: 1
  retry_delay:
    description: Seconds between activation attempts (0-300).
    type: float
    default: 2.0
  language:
    description: Language of the instructions kept for findings that need a person.
    type: str
    choices: [en, ja]
    default: en
  restart_pending_ignore:
    description:
      - Windows' restart signals that do not hold the license store repair back, passed to
        M(winactivation.kms.system_repair) as its I(restart_pending_ignore) - C(component_servicing), C(windows_update),
        C(file_rename). Any other value is refused before the host is read.
    type: list
    elements: str
    choices: [component_servicing, windows_update, file_rename]
    default: []
  variables_prefix:
    description:
      - Take every option this task leaves out, except I(result_var), from the variable named
        C(<variables_prefix><option>) when it is defined and not null (C(remediate_) reads C(remediate_activate),
        C(remediate_ntp_servers)...); such a variable wins over the task's own argument and
        over C(module_defaults), as the role's templated arguments did; an undefined, null or omitted variable leaves
        the option to them or to its default. A list option may be given as a string holding a list literal (a
        key=value extra variable). An error names the variable.
      - The role C(winactivation.kms.remediate) passes its variables this way. Written as templates, its seventeen
        arguments were compiled again by ansible-core in every forked worker, about 2.5 ms of controller CPU per
        argument and host on ansible-core 2.21 (see docs/performance.md); a variable holding no template is read as it
        is.
      - Lower-case letters, digits and underscores, ending in C(_).
    type: str
extends_documentation_fragment:
  - winactivation.kms.remedy_module
notes:
  - I(time_budget) bounds the whole task; each remedy gets what is left of it (at least 0.1 s, when it reads the host
    and changes nothing).
  - With no diagnosis, or one without findings, nothing is read or changed.
seealso:
  - module: winactivation.kms.diagnose
  - module: winactivation.kms.kms_client
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Diagnose first
  winactivation.kms.diagnose:
  register: diagnose_result

- name: Apply what the diagnosis calls for (see what would be done with --check)
  winactivation.kms.remediate_host:
    time_sync: true
    open_firewall: true
  register: remediate_result

- name: Keep the summary for the remediation report
  ansible.builtin.set_fact:
    remediate_summary: "{{ remediate_result.summary }}"
"""

RETURN = r"""
summary:
  description:
    - C(changed) and C(operations) (what the host confirmed it did; in check mode what would be done),
      C(unforeseen) (empty outside check mode - operations the real run would attempt once a change not made here takes
      effect - the KMS host play's on the host of a C(KMS_HOST_DOWN), a restored sppsvc, a new key - each with
      C(op), C(target) (null when the product is only known then) and C(because) (English and Japanese)),
      C(addressed) (in check mode only - the finding codes a planned fix would act on, whose remedy texts the
      prediction's "what a person must do" leaves out),
      C(unconfirmed) (sent to a host that was lost before it confirmed them - outcome unknown), C(unreachable),
      C(failed) (null, or why the host could not be remediated), C(instructions) (for findings that need a person, in
      I(language)), C(reboot_required) and C(needs_person) (what a person must do, English and Japanese).
    - The remediate role keeps it as C(remediate_summary), which the remediation report reads.
  returned: always
  type: dict
steps:
  description: Each remedy that ran, in order - C(step), C(name), C(action) and the remedy module's own C(result).
  returned: always
  type: list
  elements: dict
codes:
  description: The finding codes of the diagnosis acted on.
  returned: always
  type: list
  elements: str
"""
