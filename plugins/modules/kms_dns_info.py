#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: kms_dns_info
short_description: See how a Windows host finds its KMS host, from the host itself
version_added: 0.1.0
description:
  - Reads the host's primary DNS suffix, its connection-specific suffixes and suffix search list, and looks up
    the C(_vlmcs._tcp) SRV record under each, as the KMS client does, reporting the records or the numeric DNS
    error.
  - Collects every KMS candidate (the manual setting at service and at product level, the discovered host, the
    SRV targets and any names given in I(candidates)), resolves each to all its addresses (A and AAAA) and opens a
    TCP connection to each candidate's port on every address, all in parallel with a short timeout; a candidate is
    reachable when one of its addresses answers, and each address's outcome is kept (C(tried)).
  - Never changes anything on the host.
options:
  domains:
    description:
      - Extra DNS domains to look up C(_vlmcs._tcp) SRV records in, before the host's own suffixes (letters, digits and
        hyphens per label, internationalized names allowed, no wildcard).
    type: list
    elements: str
    default: []
  candidates:
    description:
      - Extra KMS hosts to resolve and connect to from the host, as C(host), C(host:port), C(IPv6), C([IPv6]) or
        C([IPv6]:port) (port 1688 when left out).
    type: list
    elements: str
    default: []
  timeout_ms:
    description:
      - How long to wait for name resolution and for the TCP connections, in milliseconds, from 100 to 30000.
    type: int
    default: 2000
extends_documentation_fragment:
  - winactivation.kms.info_module
seealso:
  - module: winactivation.kms.activation_info
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Look for KMS hosts the way the client does
  winactivation.kms.kms_dns_info:
  register: kms_dns

# srv_found null: the host's SRV look-ups were not recorded - not known, never "no record"
- name: Fail when no SRV record is published
  ansible.builtin.assert:
    that: kms_dns.normalized.srv_found is not false
    fail_msg: "No _vlmcs._tcp SRV record under {{ kms_dns.normalized.domains | join(', ') }}"

- name: Also test the new KMS host before switching to it
  winactivation.kms.kms_dns_info:
    candidates:
      - kms02.corp.example.com:1688
    timeout_ms: 1000
"""

RETURN = r"""
kms_dns:
  description: Raw probe output (suffixes, adapters, SRV answers, candidates, resolution and TCP results).
  returned: success
  type: dict
normalized:
  description:
    - C(primary_suffix) (the effective one), C(pending_primary_suffix) (after the next restart), C(search_list),
      C(suffix_errors) (C(tcpip), C(policy) - the HRESULT when Tcpip\Parameters or the DNSClient policy key could not
      be read, else null; C(primary_suffix) and C(search_list) are then null, not collected),
      C(ad_domain), C(lookup_domains) (C(KeyManagementServiceLookupDomain), slmgr C(/skms-domain), with its
      C(source)), C(domains) (searched, in order, lookup domains first), C(srv) (per domain, C(lookup_domain),
      C(records) with C(target), C(port), C(priority), C(weight), C(ttl), or C(error) with the numeric DNS code
      and its meaning, or C(skipped) when the time budget ran out), C(srv_found) (only the lookup domains count
      when one is set), and C(candidates), each with C(source), C(host), C(port), C(addresses),
      C(resolve_error), C(tcp_open) (true when any address answered), C(tcp_error) and C(tcp_ms) (the first
      address's when none answered), and C(tcp_tried) (each address with C(open) and C(error), in the resolver's
      order; absent when the probe did not record it); a source that could not be read has C(host) null and an
      C(error). C(own_addresses) are the host's own IP addresses, read on its network adapters (null when not
      collected), C(timeout_ms) the wait the probe used.
    - Absent means not collected - C(srv) and C(srv_found) are null when the probe's answer has no SRV look-ups,
      a look-up's C(records) (or C(domain)) is null when they were not recorded (an empty list is a look-up that found
      none), C(srv_found) is null when no look-up found a record and one's records were not recorded, and a
      candidate's C(addresses) is null when it recorded no look-up of that name (an empty list is a look-up that found
      no address).
  returned: success
  type: dict
snapshot:
  description: The host snapshot (schema C(winactivation.kms/snapshot/1)) this result was built from.
  returned: success
  type: dict
"""
