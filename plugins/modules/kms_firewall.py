#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: kms_firewall
short_description: Allow exactly the KMS port through Windows Firewall, never disabling it
version_added: 0.1.0
description:
  - On KMS clients, allows outbound TCP to the KMS port (1688 unless changed) where outbound traffic is filtered
    (an enabled profile blocks outbound by default); where it is not, nothing is created.
  - On KMS hosts, allows inbound TCP to the KMS port - with the built-in Key Management Service rule (Name
    C(SPPSVC-In-TCP), which Windows creates disabled) when the port is 1688 and I(remote_addresses) is C([Any]), else
    with a rule of its own scoped to I(remote_addresses).
  - The built-in rule is read, compared and changed as Windows enforces it, not only enabled - its profiles
    (Profile) must cover the active network profile (Get-NetFirewallSetting ActiveProfile), else it admits nothing
    there and the active profiles are added to it (C(set_rule_profile)); a narrower scope (a Windows client's
    C(LocalSubnet), which blocks clients on other subnets) is widened to C(Any) as I(remote_addresses) asks
    (C(set_rule_scope)). Where Windows' own C(SPPSVC-In-TCP-NoScope) (local, admitting any address) covers the
    active profiles SPPSVC-In-TCP misses (a Windows client on a Domain network), it is enabled instead and SPPSVC-In-TCP
    gets no profile added (that would also open it to every address on a Public network). On a host with a Public
    network and another one active (two networks), Public is not added and a rule applying there is not widened (the result's
    C(notes) say so) - Public is for untrusted networks, the clients are on the other one. What was not read (an
    older probe's output without Profile, the active profile) is not changed and the result's C(notes) say so.
    To keep a narrower scope, give I(remote_addresses) (a rule of our own).
  - Where Group Policy delivers the enforced SPPSVC-In-TCP (a GPO holding the predefined rule keeps its Name) and it
    does not admit the clients, nothing is changed locally (a local change would not change the enforced rule); the
    result warns and returns I(needs_person).
  - Rules are found by their Name, never by their localized display name. A firewall profile is never disabled.
  - The firewall is read as it is enforced (the ActiveStore). Where Group Policy ignores local rules
    (AllowLocalFirewallRules false on an active profile) or a Group Policy rule blocks the port outbound, no local rule
    is created or changed - it would have no effect; the result warns and returns I(needs_person) (the GPO must allow
    the port). Where AllowLocalFirewallRules could not be read on an active profile, the rule is created or enabled
    and the result's C(notes) say that Group Policy may ignore it; the next diagnosis tells.
  - Where the firewall could not be read at all - the NetSecurity cmdlets (Get-NetFirewallProfile and the rest) are
    "Windows Server 2012 and later", so Windows 7 and Windows Server 2008 R2 do not have them - the module fails
    before any change, check mode too, naming I(state) and why (a rule not read is never taken as absent or present).
    C(netsh advfirewall) answers in the display language's text, which is not parsed; open the port there by Group
    Policy or by hand (the kms_host role with C(kms_host_firewall=false), remediate_host with I(open_firewall=false)).
options:
  direction:
    description: C(outbound) on clients, C(inbound) on KMS hosts.
    type: str
    choices: [outbound, inbound]
    required: true
  port:
    description: The KMS TCP port (1-65535; booleans are refused).
    type: int
    default: 1688
  remote_addresses:
    description:
      - Outbound - the KMS hosts' addresses or networks; inbound - the clients' networks. C(Any), C(LocalSubnet),
        IPv4/IPv6 addresses and CIDR networks (no zone ids).
    type: list
    elements: str
    default: [Any]
  state:
    description: C(absent) removes the collection's own rule (the built-in rule is never removed).
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Name of the collection's own rule; C(winactivation.kms-KMS-TCP<port>-Out) or C(-In) by default.
      - 1-200 printable characters, no C(|), no leading or trailing space.
    type: str
  use_builtin:
    description:
      - Inbound on port 1688 with I(remote_addresses) C([Any]) - use the built-in SPPSVC-In-TCP rule instead of
        creating one - enabled, applying to the active network profile, admitting any address.
    type: bool
    default: true
  only_if_filtered:
    description:
      - Outbound - create the rule only where outbound traffic is filtered (an enabled, active profile blocks it by
        default). Where whether it is filtered could not be read, the rule is created (an allow rule changes nothing
        where outbound traffic is not filtered).
    type: bool
    default: true
extends_documentation_fragment:
  - winactivation.kms.remedy_module
seealso:
  - module: winactivation.kms.kms_host
  - module: community.windows.win_firewall_rule
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Clients - allow TCP 1688 to the KMS hosts where outbound is filtered
  winactivation.kms.kms_firewall:
    direction: outbound
    remote_addresses: [10.0.5.21, 10.0.5.22]

- name: KMS host - enable the built-in Key Management Service rule
  winactivation.kms.kms_firewall:
    direction: inbound

- name: KMS host listening on 1689, for the office networks only
  winactivation.kms.kms_firewall:
    direction: inbound
    port: 1689
    remote_addresses: [10.10.0.0/16]
"""

RETURN = r"""
operations:
  description:
    - The operations planned (and, outside check mode, run) - create_rule, update_rule, enable_rule, set_rule_profile,
      set_rule_scope, remove_rule.
  returned: always
  type: list
  elements: dict
notes:
  description:
    - Why nothing was needed, when that is the case (for example, outbound traffic is not filtered), what the built-in
      rule lacked (the active profile, a LocalSubnet scope), and what could not be compared because it was not read.
  returned: when relevant
  type: list
  elements: str
before:
  description:
    - C(outbound_filtered), the collection's C(rule) and the C(builtin_inbound) and C(builtin_inbound_noscope)
      (SPPSVC-In-TCP-NoScope) rules before.
    - C(outbound_filtered) is null when it could not be read (no profiles, or an enabled profile's default outbound
      action not read), and a rule is then planned as where outbound is filtered. A rule's C(enabled), C(direction),
      C(action) (C(allow), C(allow_bypass) - IPsec-authenticated traffic only - or C(block)), C(remote_address) and
      C(profiles) (domain, private, public; all three for Any) are null when not read or not a value Windows defines.
  returned: always
  type: dict
after:
  description: The same after (read back; predicted in check mode; null when a change failed or the host was lost before it was read again).
  returned: always
  type: dict
reboot_required:
  description:
    - True when a change takes effect only after a restart of the computer (never for this module).
    - The next run sees the waiting change and does not repeat it. The module never restarts the computer.
  returned: always
  type: bool
needs_person:
  description:
    - What a person must do (have the GPO allow the KMS port where Group Policy ignores local rules or blocks it, or
      change the GPO's SPPSVC-In-TCP), in English (C(en)) and Japanese (C(ja)).
  returned: when a person must act
  type: list
  elements: dict
steps:
  description:
    - Each remote step with C(op), C(target), C(ok), C(hresult), C(hresult_text) and C(pending) (C(reboot_required)
      when the change waits for a restart of the computer).
  returned: when changes were applied
  type: list
  elements: dict
operations_done:
  description:
    - The operations the host confirmed it did (a step that answered HRESULT 0), in order; empty in check mode and when
      nothing was changed. A host lost half-way keeps here what it confirmed before it was lost.
  returned: always
  type: list
  elements: dict
operations_unconfirmed:
  description:
    - The operations sent to the host without a usable answer (the connection was lost, or the answer was cut off or
      unreadable) - attempted, outcome unknown; empty when every call was answered.
  returned: always
  type: list
  elements: dict
time_budget:
  description: C(seconds) allowed, C(elapsed) seconds and the steps C(skipped) for the budget.
  returned: when O(time_budget) is set
  type: dict
timed_out:
  description: True when O(time_budget) was spent before a step (the task then fails, reporting what was planned or done).
  returned: when a step was skipped for the time budget
  type: bool
"""
