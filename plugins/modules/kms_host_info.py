#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: kms_host_info
short_description: Read a KMS host's key, what it can activate, its count, port, DNS publishing and firewall rule
version_added: 0.1.0
description:
  - In one remote call reads the KMS host key (CSVLK) - its channel and generation (from the license description,
    e.g. VOLUME_KMS_WS22) and which client versions that generation activates - whether it is activated, the current
    count against the required count (25 for client Windows, 5 for servers and Office), the listening port, DNS
    publishing and the publish list, recent 12290 (client requests) and 12293 (DNS publishing failed) events, the
    built-in Key Management Service firewall rule and the Software Protection service.
  - Never changes anything on the host.
options: {}
extends_documentation_fragment:
  - winactivation.kms.info_module
seealso:
  - module: winactivation.kms.kms_host
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
# In a play on the KMS hosts (hosts: kms_hosts)
- name: Can our KMS hosts activate Windows 11?
  winactivation.kms.kms_host_info:
  register: kms

# coverage_unknown: a host key whose generation the host's data does not tell - not known, not "does not cover"
- name: Report a KMS host whose keys do not cover Windows 11
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} has CSVLK {{ kms.kms_host.csvlk }}, which does not cover Windows 11"
  when: kms.kms_host.is_kms_host and 'win11' not in kms.kms_host.covers and 'win11' not in kms.kms_host.coverage_unknown
"""

RETURN = r"""
kms_host:
  description:
    - C(is_kms_host), C(licensing_readable), C(host_keys) (each with C(csvlk), C(license_status), C(partial_product_key)),
      C(csvlk) (generations; C(office2010) is the Office 2010 KMS host key, Description "Microsoft Office 2010 KMS,
      VOLUME_KMS channel"), C(covers) (product families - win10, win11, the Enterprise LTSB/LTSC releases win10ltsb2015,
      win10ltsb2016, win10ltsc2019, win10ltsc2021 and win11ltsc2024, ws2016 ... ws2025, office2010, office2016 ...
      office2024, as Microsoft's KMS activation planning table lists them; only the Office 2010 host key covers
      office2010), C(coverage_unknown) (the families
      a host key whose generation is not known may cover - its C(csvlk) is null - that C(covers) does not list),
      C(activated), C(current_count), C(required_count), C(count_sufficient), C(listening_port), C(dns_publishing),
      C(dns_publish_list), C(registry_error), C(requests_24h), C(requests_24h_error), C(dns_publishing_failures), C(events), C(events_error),
      C(request_refusals), C(firewall_builtin_inbound), C(firewall_inbound), C(firewall_error), C(spp_service).
    - C(request_refusals) judges the host's refused requests (event 12290) on the present, by the rule of diagnose's
      KMS_HOST_REQUESTS_FAILING - C(failed) the refusals that still stand (the host has not served that client's
      same license, the same CMID and ActID, since), C(refused) every refusal the events read hold, C(total) the
      requests read, C(hresult) the most frequent code of those that stand, C(clients) their machine names,
      C(standing) each client license whose refusal stands (C(client_machine_id), C(activation_id), C(client),
      C(hresult)), once; null when the Key Management Service log was not read or held no request (not collected,
      never "no refusal").
    - C(firewall_builtin_inbound) is null when the rule, or whether it is enabled, was not read.
    - C(requests_24h) is the number of client requests (event 12290) of the last 24 hours that the host's Key Management
      Service log still holds (a full log that overwrote older events holds fewer); null when that log could not be read
      (never 0), and C(requests_24h_error) is then the HRESULT of the failed count, else null.
    - C(firewall_error) is set when the host's Windows Firewall was not read at all - C(missing), the command the host
      lacks (Get-NetFirewallProfile), and C(module) (NetSecurity, Windows 8 / Windows Server 2012 and later, not on
      Windows 7 / Windows Server 2008 R2) - and C(firewall_inbound) and C(firewall_builtin_inbound) are then null (not
      collected); null when the firewall was read.
    - C(dns_publish_list) lists the domains of DnsDomainPublishList; a string's priority and weight
      (C(domain_name, priority, weight)) are not domains. It is null when the list was not collected - the
      SoftwareProtectionPlatform registry key could not be read (C(registry_error), its HRESULT, for example
      0x80070005 access denied) - never an empty list.
    - C(events_error) is C(requests) and C(publishing), the HRESULT of reading the Key Management Service log (12290)
      and the Application log (12293) when that read failed, else null. C(dns_publishing_failures) is null when the
      Application log was not read (not collected, never "no failure"); C(events) holds what was read.
    - C(firewall_inbound) is what the built-in Key Management Service rules (SPPSVC-In-TCP, SPPSVC-In-TCP-NoScope) let
      in as Windows enforces them - C(reachable) true when an enabled one applies to an active network profile and
      admits any address, C(local_subnet) when it admits only the KMS host's own subnet (clients on other subnets are
      blocked), false when no enabled one applies to an active profile, null when none is enabled or what decides it
      (a rule's Profile or remote addresses, the active profile) was not read - with C(active_profiles) and each
      rule's C(profiles), C(remote_address), C(scope) and C(covers_active). Another rule, which is not read, may
      still open the port.
    - C(count_sufficient) is null when the current or the required count was not read. A KMS host whose own events
      12290 show only servers and Office asking (every N-Policy below 25) keeps only 10 client IDs (Microsoft,
      "Activate clients running Windows"), so its count is then compared with their threshold, 5, not with
      C(required_count).
    - C(listening_port) is null when KeyManagementServiceListeningPort was not read (not the default 1688).
    - An Office host key's generation comes from its Activation ID where Microsoft publishes it (Office 2010, 2016,
      2019, LTSC 2021, LTSC 2024), as their Descriptions name no version ("Office 16, VOLUME_KMS channel"); another one's is null.
    - C(activated) is null when the host is no KMS host, no KMS host key was read or the LicenseStatus of one was not
      (absent means not collected, never "not activated").
  returned: success
  type: dict
  sample:
    is_kms_host: true
    csvlk: [ws2022]
    covers: [win10, win11, ws2016, ws2019, ws2022]
    coverage_unknown: []
    activated: true
    current_count: 50
    required_count: 25
    listening_port: 1688
snapshot:
  description: The snapshot (schema C(winactivation.kms/snapshot/1)) this result was built from.
  returned: success
  type: dict
"""
