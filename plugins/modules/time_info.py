#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: time_info
short_description: Compare a Windows host's clock with the controller's and read its time sync setup
version_added: 0.1.0
description:
  - Reads the host's UTC clock during the remote call and compares it with the controller's clock at the
    midpoint of the call; half the round trip is reported as the uncertainty. KMS activation fails with
    0xC004F06C when client and KMS host differ by more than 4 hours (UTC; the time zone does not matter).
  - Reads the Windows Time service state, its configured source type and NTP peers (registry, policy first),
    the last known good sync time, the time zone key and recent Time-Service events, as numbers and names,
    never from the localized output of C(w32tm).
  - Never changes anything on the host.
options: {}
extends_documentation_fragment:
  - winactivation.kms.info_module
seealso:
  - module: winactivation.kms.activation_info
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Measure clock skew
  winactivation.kms.time_info:
  register: clock

# offset_seconds null: the clock was not read - not known, neither off nor in time
- name: Warn about hosts more than 5 minutes off
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} is {{ clock.normalized.offset_seconds }} s off (source {{ clock.normalized.source_type }})"
  when: clock.normalized.offset_seconds is not none and clock.normalized.offset_seconds | abs > 300
"""

RETURN = r"""
time:
  description:
    - Raw probe output; C(utc_now) is the host clock, C(service) the W32Time service (Win32_Service State,
      StartMode), C(parameters), C(policy), C(config), C(ntp_client) and C(time_zone) the registry values,
      C(last_known_good_time) the W32Time C(LastKnownGoodTime) registry value (undocumented by Microsoft;
      the last time the time service trusted its clock, not the time of the last successful sync),
      C(events) recent Time-Service events (IDs 24, 35, 36, 37, 47, 129, 134), C(events_error) the HRESULT when they could
      not be read.
    - C(registry_errors) names each registry key read (C(parameters), C(config), C(ntp_client), C(time_zone),
      C(policy)) with the HRESULT of its read when it failed, else null; a key not read has its values left out.
  returned: success
  type: dict
normalized:
  description:
    - C(host_utc) and C(controller_utc) (ISO-8601), C(offset_seconds) (host minus controller, positive when
      the host is ahead), C(uncertainty_seconds), C(service_state), C(service_start_mode), C(source_type)
      (NT5DS, NTP, NoSync, AllSync), C(ntp_peers), C(set_by_policy), C(last_known_good_time), C(time_zone),
      C(utc_bias_minutes), C(events) (the Time-Service events, parsed), C(registry_errors) (C(parameters),
      C(config), C(ntp_client), C(time_zone), C(policy) - the HRESULT of each registry key that could not be read,
      else null).
    - A key not read is not collected, never "not set". With the W32Time policy key not read C(set_by_policy),
      C(source_type) and C(ntp_peers) are null (the policy may set them); with C(Parameters) not read and no policy
      value, C(source_type) and C(ntp_peers) are null.
  returned: success
  type: dict
  sample:
    host_utc: "2026-11-25T07:00:00.120000Z"
    controller_utc: "2026-11-25T07:00:00.100000Z"
    offset_seconds: 0.02
    uncertainty_seconds: 0.011
    source_type: NT5DS
snapshot:
  description: The host snapshot (schema C(winactivation.kms/snapshot/1)) this result was built from.
  returned: success
  type: dict
"""
