#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: diagnose
short_description: Find out why Windows or Office KMS activation fails on a host, with evidence
version_added: 0.1.0
description:
  - Reads everything the diagnosis needs from the host in one remote call (activation state, KMS client events,
    clock, DNS suffixes, SRV records and KMS candidates with TCP reachability from the host, a restart Windows waits
    for). On a host of the inventory's C(kms_hosts) group the same call also reads the KMS host's own evidence (the
    requests it answered, event 12290; its DNS publishing failures, event 12293; its publishing settings), so that
    its client count is judged by the clients that ask it (a KMS host asked only by servers and Office holds 10 client
    IDs and needs 5) and its refused requests are named.
  - Adds what only the controller can see, unless I(controller_checks=false) - its own C(_vlmcs._tcp) SRV look-ups with
    dnspython (asking I(dns_servers) when given) and a TCP connect to every address of every KMS candidate - and uses the
    controller's clock as the time reference.
  - Then diagnoses the host with a pure function of that snapshot (also available offline as the
    C(winactivation.kms.diagnose) filter), returning ranked findings with stable codes, the evidence for each, the
    remedy that applies and the text in English and Japanese. See the finding catalog in docs/findings.md.
  - Never changes anything on the host, except with I(attempt_activation=true), the one thing it may change.
options:
  dns_servers:
    description:
      - DNS servers the controller asks for its own SRV and A look-ups, as C(address), C(IPv4:port), C([IPv6]) or
        C([IPv6]:port) - IP addresses only, a DNS server given by name is refused. When empty,
        the controller's system resolver is used. Give the clients' DNS servers to see what they see.
    type: list
    elements: str
    default: []
  controller_checks:
    description:
      - Whether the controller does its own SRV look-ups and TCP connects. Without them a port that is closed from
        the client cannot be told apart from a KMS host that is down (the finding then has low confidence).
      - The controller's view is a witness of limited standing (it often sits outside AD DNS or behind another
        firewall) - when neither the client nor the controller can connect, KMS_HOST_DOWN has medium confidence, low
        when the controller cannot resolve the name; the fleet step (M(winactivation.kms.fleet)) weighs it against
        the other clients of the run. See docs/findings.md.
    type: bool
    default: true
  controller_check_targets:
    description:
      - Which KMS candidates the controller itself may open a TCP connection to. The names in a host's snapshot come
        from the host, and a compromised host could otherwise make the controller connect to any address it names.
      - C(known) connects only to a known KMS candidate - a host of the inventory's C(kms_hosts) group (its inventory
        name, C(ansible_host) or C(kms_fqdn)), this host's own inventory names, a name in I(candidates), or a target of
        the SRV records the controller got itself (from I(dns_servers)). Any other endpoint is listed in
        C(observations.not_checked) as C(not checked from the controller - not a known KMS candidate) and is never
        counted as down.
      - C(any) connects to every candidate a snapshot names (the behaviour before 0.1.0).
      - Whatever this option, a link-local address (C(fe80::/10) with or without a zone id, C(169.254.0.0/16)) is never
        connected to - it names a machine only on the diagnosed host's own link - and an endpoint none of whose
        addresses the controller has a way to (no route, no address of that family) is not an observation; both are
        listed in C(observations.not_checked) with the reason, never counted as down.
    type: str
    choices: [known, any]
    default: known
  timeout:
    description: Seconds to wait for each DNS answer and TCP connect, on the host and on the controller (0.1 to 30).
    type: float
    default: 2.0
  expiring_days:
    description: An activated product with fewer days left than this (1 to 180) is reported as ACTIVATION_EXPIRING.
    type: int
    default: 30
  restart_pending_ignore:
    description:
      - Windows' restart signals that do not count for RESTART_PENDING, as the PendingReboot resource of
        ComputerManagementDsc offers C(SkipComponentBasedServicing), C(SkipWindowsUpdate) and C(SkipPendingFileRename) -
        C(component_servicing), C(windows_update), C(file_rename) (C(PendingFileRenameOperations), which installers and
        antivirus products write and which may stay set for weeks).
      - They are still read and reported - beside RESTART_PENDING (evidence C(ignored)), or alone as
        RESTART_PENDING_IGNORED (info). Any other value is refused before the host is read.
      - Pending file renames alone give RESTART_PENDING low confidence whatever this option says.
    type: list
    elements: str
    choices: [component_servicing, windows_update, file_rename]
    default: []
  language:
    description: Language of C(msg), C(en) or C(ja). Findings always carry both languages.
    type: str
    choices: [en, ja]
    default: en
  candidates:
    description:
      - Extra KMS hosts to test from the host and the controller, as C(host), C(host:port), C(IPv6), C([IPv6]) or
        C([IPv6]:port) (the forms of I(kms_host) of M(winactivation.kms.kms_client)).
    type: list
    elements: str
    default: []
  attempt_activation:
    description:
      - The one thing diagnose may change, off by default. When true, calls C(Activate()) on every unlicensed KMS
        client product (Description C(VOLUME_KMSCLIENT)) before reading the rest, each followed by
        C(RefreshLicenseStatus()) of its licensing service as C(slmgr /ato) does, and records each attempt and the
        HRESULT it returned directly in C(snapshot.probes.activation.activation_attempts); the diagnosis explains each.
      - Never in check mode (nothing is attempted then). The task reports C(changed) when an attempt was made.
      - Never once the run's ansible-playbook process has ended (killed outright, a cancelled job); the task then
        fails and sends the host nothing.
    type: bool
    default: false
  return_snapshot:
    description:
      - Whether the result holds C(snapshot), the raw data the diagnosis was made from. When false the key is left
        out of the result (the snapshot was still read and diagnosed); a registered result without it is about a third
        of the size, and ansible-core's one strategy process converts every host's result, so at fleet scale the size
        is run time (the role C(winactivation.kms.diagnose) sets it false by default; see docs/performance.md).
    type: bool
    default: true
  time_budget:
    description:
      - Seconds this task may spend on the host (0.1 to 86400), checked between its steps. The host's own DNS and TCP
        tests wait at most the remaining budget each; when the remote call has used up the budget the controller's
        checks are skipped (C(observations) is null, not collected) and the result says C(timed_out) with
        C(time_budget) (seconds, elapsed, the steps not taken); the diagnosis is made from what was collected.
      - The remote call itself is bounded by the connection's own timeouts, not by this option (a hung host costs
        the connection's read timeout); see "Timeouts and a hung host" in docs/reliability.md.
      - Unset, no budget.
    type: float
  variables_prefix:
    description:
      - Take every option this task leaves out, except I(attempt_activation), from the variable named
        C(<variables_prefix><option>) when it is defined and not null (C(diagnose_) reads C(diagnose_timeout),
        C(diagnose_dns_servers)...); such a variable wins over the task's own argument and
        over C(module_defaults), as the role's templated arguments did; an undefined, null or omitted variable leaves
        the option to them or to its default. A list option may be given as a string holding a list literal (a
        key=value extra variable). An error names the variable.
      - I(language), when neither the task nor C(<variables_prefix>language) sets it, follows the variable
        C(report_language) (the language of the reports).
      - The role C(winactivation.kms.diagnose) passes its variables this way. Written as templates (the option
        C(timeout) set to C({{ diagnose_timeout }})), every argument is compiled again by ansible-core in every
        forked worker, about 2.5 ms of controller CPU per argument and host on ansible-core 2.21 (see
        docs/performance.md); a variable holding no template is read as it is.
      - Lower-case letters, digits and underscores, ending in C(_).
    type: str
extends_documentation_fragment:
  - winactivation.kms.info_module
seealso:
  - module: winactivation.kms.activation_info
  - module: winactivation.kms.kms_dns_info
  - module: winactivation.kms.time_info
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Diagnose every Windows host, unreachable ones included
  winactivation.kms.diagnose:
    dns_servers: [10.0.0.10]
  register: diagnosis
  ignore_unreachable: true

- name: Show the findings
  ansible.builtin.debug:
    msg: "{{ diagnosis.diagnosis.findings | map(attribute='message.en') | list }}"

- name: Japanese messages
  winactivation.kms.diagnose:
    language: ja

- name: Also try to activate unlicensed KMS clients (the one change diagnose may make; skipped in check mode)
  winactivation.kms.diagnose:
    attempt_activation: true
"""

RETURN = r"""
timed_out:
  description: True when the task's O(time_budget) was spent before its last step (see C(time_budget)).
  returned: when a step was skipped for the time budget
  type: bool
time_budget:
  description: C(seconds) allowed, C(elapsed) seconds and the steps C(skipped) for the budget.
  returned: when O(time_budget) is set
  type: dict
status:
  description: healthy, warning, failing or critical.
  returned: success
  type: str
  sample: failing
codes:
  description: The finding codes of this host, sorted.
  returned: success
  type: list
  elements: str
  sample: [IN_GRACE, KMS_PORT_BLOCKED]
diagnosis:
  description:
    - C(host), C(fqdn), C(status), C(codes), C(findings) (ranked, most serious first), C(products) (each with the KMS
      host it uses and its product family), C(os), C(is_kms_host) and C(kms_host_info) (CSVLK generations, what they
      cover, current count, C(controller_tcp) what the controller saw of its port, C(addresses) its own IP addresses,
      null when not collected) for KMS hosts, and C(kms_reach) (C(host:port), an IPv6 host as C([address]:port), of each
      KMS candidate the host tested itself -> C(open) or the error), C(kms_target) (the KMS host, C(host:port), the
      host would use; null when not known).
    - C(client_machine_id) (only when collected) is the host's SoftwareLicensingService.ClientMachineID in lower case,
      the CMID KMS hosts record in their event 12290 - the fleet step finds by it a client a KMS host of the run
      refused and that is licensed now (KMS_HOST_REQUESTS_FAILING's C(cured_elsewhere)).
    - C(kms_addresses) (only when known) maps each KMS host name the host may use to the addresses the host itself
      resolved for it (its kms_dns look-up, C(DiscoveredKeyManagementServiceMachineIpAddress)); the fleet step matches a
      client that names a KMS host by an alias to the KMS host of the run that has the address.
    - Each finding has C(code), C(severity) (critical, error, warning, info, ok), C(confidence) (high when the host's
      own error proves it), C(product), C(evidence), C(remedy) (the remedy class, or null), C(needs_person),
      C(message) and C(remedy_text) (each with C(en) and C(ja)).
  returned: always
  type: dict
snapshot:
  description: The host snapshot (schema C(winactivation.kms/snapshot/1)); diagnose it again offline with the filter.
  returned: when O(return_snapshot) is true (the default); null when the host could not be read
  type: dict
domain_member:
  description:
    - Whether the host is joined to a domain (C(PartOfDomain) of Win32_ComputerSystem), what remediation reads besides
      the diagnosis (the remediate role's time source C(auto) uses the domain hierarchy on a domain member). Null when
      it was not read.
  returned: success
  type: bool
observations:
  description:
    - The controller's own SRV look-ups (C(srv)) and TCP connects (C(tcp), keyed C(host:port)).
    - Each C(tcp) entry has C(open) (true when any address of the name answered), C(error) (when none answered, the
      error of the first address the controller could try, the one a client tries first; C(unresolved) when the name
      has no address), C(addresses) (A and AAAA, in the order a client tries them - the system resolver's, or with
      I(dns_servers) the RFC 6724 default precedence), C(address) (the first that answered) and C(tried) (each
      address with C(open) and C(error), and C(untried) when the controller has no route to it).
    - C(not_checked) maps each candidate the controller did not connect to (C(host:port)) to the reason - not a known
      KMS candidate (O(controller_check_targets)), or no address it could try; C(dns_servers) are the servers it asked
      (C(address:port)), or C(system) for its system resolver.
  returned: success
  type: dict
msg:
  description: The three most serious findings, in I(language).
  returned: always
  type: str
"""
