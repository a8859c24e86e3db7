#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: time_sync
short_description: Set the Windows Time source and resync a host whose clock is off
version_added: 0.1.0
description:
  - Sets the time source of the Windows Time service to the domain hierarchy (C(NT5DS)) or to NTP peers, the
    service's start type, starts it, and resyncs (C(w32tm /resync)) when the clock is off against the
    controller's by more than I(max_skew_seconds). KMS refuses requests whose clock differs from the KMS host's by
    more than 4 hours (0xC004F06C).
  - A source set by Group Policy is not changed (a warning says so) - change the policy instead.
  - Only exit codes of C(w32tm) are used; its output is localized and never read.
options:
  source:
    description:
      - C(domain) (domain hierarchy, NT5DS) or C(ntp) (I(ntp_servers)). Left unchanged when omitted.
      - When the W32Time policy key or W32Time's C(Parameters) could not be read (access denied, among others) the
        source is not compared (C(set_source) writes C(Parameters)), and the task fails before anything changes (in check
        mode too), naming the key and the HRESULT - unless I(source_unread=keep).
    type: str
    choices: [domain, ntp]
  source_unread:
    description:
      - What to do with I(source) when the W32Time policy key or W32Time's C(Parameters) could not be read.
      - C(fail) fails the task before anything changes, naming the key and the HRESULT.
      - C(keep) leaves the source as it is (neither compared nor set), warns naming the key and the HRESULT (also in
        RV(needs_person)), and still plans the service (I(service_state), I(service_start_mode)) and the resync, so a
        clock that is off is fixed. The remediate role uses C(keep).
    type: str
    choices: [fail, keep]
    default: fail
  ntp_servers:
    description:
      - NTP peers for I(source=ntp), as C(host) or C(host,0x<flags>) (W32Time's NtpServer syntax, flags 0x1-0xF;
        C(,0x9) is added when no flags are given).
      - The host is a host name, an IPv4 address or an IPv6 address without brackets.
    type: list
    elements: str
    default: []
  service_start_mode:
    description: Start type of the Windows Time service; unchanged when omitted.
    type: str
    choices: [auto, manual]
  service_state:
    description: The Windows Time service is started.
    type: str
    choices: [started]
    default: started
  resync:
    description:
      - C(auto) resyncs when the clock is off by more than I(max_skew_seconds) (beyond the measurement's uncertainty)
        or the source was changed; C(always) resyncs every run (then C(changed) is always true); C(never) does not.
    type: str
    choices: [auto, always, never]
    default: auto
  max_skew_seconds:
    description: Offset against the controller's clock above which C(resync=auto) resyncs (1-86400).
    type: float
    default: 60.0
extends_documentation_fragment:
  - winactivation.kms.remedy_module
seealso:
  - module: winactivation.kms.time_info
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Domain members follow the domain hierarchy and resync when off
  winactivation.kms.time_sync:
    source: domain

- name: Workgroup machines use NTP
  winactivation.kms.time_sync:
    source: ntp
    ntp_servers: [ntp.nict.jp, time.windows.com]
    service_start_mode: auto
"""

RETURN = r"""
operations:
  description: The operations planned (and, outside check mode, run) - set_source, set_start_mode, start_service, resync.
  returned: always
  type: list
  elements: dict
steps:
  description: Each remote step with C(ok), C(hresult) and C(hresult_text).
  returned: when changes were applied
  type: list
  elements: dict
before:
  description: C(source_type), C(ntp_peers), C(service_state), C(service_start_mode), C(offset_seconds), C(set_by_policy) before.
  returned: always
  type: dict
after:
  description: The same after (read back; predicted in check mode; null when a change failed or the host was lost before it was read again).
  returned: always
  type: dict
needs_person:
  description:
    - What a person must do, C(en) and C(ja) - with I(source_unread=keep), the W32Time key that could not be read (its
      HRESULT) and that the time source was left as it is.
  returned: when a person must act
  type: list
  elements: dict
reboot_required:
  description:
    - True when a change takes effect only after a restart of the computer (never for this module).
    - The next run sees the waiting change and does not repeat it. The module never restarts the computer.
  returned: always
  type: bool
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
