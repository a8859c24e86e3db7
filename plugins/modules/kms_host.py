#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: kms_host
short_description: Configure a KMS host - listening port, DNS publishing, publish list, Software Protection service
version_added: 0.1.0
description:
  - Sets the listening port (slmgr /sprt), turns DNS publishing of the C(_vlmcs._tcp) SRV record on or off
    (slmgr /sdns, /cdns), sets the list of domains to publish in, and brings the Software Protection service back to
    its default start type and running, with the CIM methods slmgr.vbs calls.
  - Open the port with M(winactivation.kms.kms_firewall) (C(direction=inbound)). The SRV record itself, where the
    host cannot publish it, is created with the modules users already have - C(ansible.windows.win_dns_record) on the
    DNS server or C(community.general.nsupdate); see the examples.
  - Installing or activating a KMS host key (CSVLK) needs a person (Microsoft's volume licensing site); this module
    does not do it.
options:
  listening_port:
    description: TCP port the KMS host listens on (1-65535; booleans are refused).
    type: int
  dns_publishing:
    description: Whether the host publishes its SRV record in DNS (it re-registers every 24 hours).
    type: bool
  dns_publish_domains:
    description:
      - DNS domains to publish in besides its own (registry DnsDomainPublishList).
      - A domain the list already has keeps the priority and weight set there (C(domain_name, priority, weight)); a
        new one is written without them (0 and 0 in the SRV record). Only the domains are compared.
      - When the host's SoftwareProtectionPlatform registry key could not be read (access denied, among others) the
        current list is not known, and the task fails before anything changes (in check mode too), naming the key
        and the HRESULT; a list not read is never replaced.
      - Letters, digits and hyphens per label, internationalized names allowed, no wildcard.
    type: list
    elements: str
  spp_service:
    description: Set the Software Protection service back to its default start type and start it when it is not running.
    type: bool
    default: true
extends_documentation_fragment:
  - winactivation.kms.remedy_module
seealso:
  - module: winactivation.kms.kms_host_info
  - module: winactivation.kms.kms_firewall
  - module: ansible.windows.win_dns_record
  - module: community.general.nsupdate
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: KMS host answers and publishes itself in two domains
  winactivation.kms.kms_host:
    dns_publishing: true
    dns_publish_domains: [corp.example.com, branch.example.com]

- name: And the firewall lets clients in
  winactivation.kms.kms_firewall:
    direction: inbound

- name: Where the host cannot publish, create the SRV record on the Windows DNS server
  ansible.windows.win_dns_record:
    name: _vlmcs._tcp
    zone: branch.example.com
    type: SRV
    value: kms01.corp.example.com
    port: 1688
    priority: 0
    weight: 0
  delegate_to: dns01.corp.example.com

- name: Or on a BIND server with dynamic updates
  community.general.nsupdate:
    server: 10.0.0.53
    zone: branch.example.com
    record: _vlmcs._tcp
    type: SRV
    value: "0 0 1688 kms01.corp.example.com."
  delegate_to: localhost
"""

RETURN = r"""
operations:
  description:
    - The operations planned (and, outside check mode, run) - enable_spp, set_listening_port, dns_publishing, set_publish_list,
      then restart_spp (port and publishing take effect when sppsvc restarts).
  returned: always
  type: list
  elements: dict
before:
  description: C(listening_port), C(dns_publishing), C(dns_publish_list), C(spp_service) before.
  returned: always
  type: dict
after:
  description: The same after (read back; predicted in check mode; null when a change failed or the host was lost before it was read again).
  returned: always
  type: dict
reboot_required:
  description:
    - True when a change takes effect only after a restart of the computer (the Software Protection service's start
      type, where the host refused to change it at once).
    - The next run sees the waiting change and does not repeat it. The module never restarts the computer.
  returned: always
  type: bool
needs_person:
  description: What a person must do (restart the computer), in English (C(en)) and Japanese (C(ja)).
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
notes:
  description:
    - What waits for the next run - the Software Protection service had to be started first, and the other settings
      are applied once licensing can be read.
  returned: when relevant
  type: list
  elements: str
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
