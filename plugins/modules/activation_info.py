#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: activation_info
short_description: Read the activation state of Windows and Office on a Windows host
version_added: 0.1.0
description:
  - Reads the licensing products of Windows and Office that have a product key (filtered in WQL by
    C(ApplicationID), so an installed Office never turns the Windows result into a list), the licensing
    service, the OS identity, the C(SoftwareProtectionPlatform) registry values, the Software Protection service
    (sppsvc) and the most recent KMS client events 12288 and 12289 with their data.
  - Returns the raw CIM properties under their CIM names and a normalised view (status names, key channel,
    grace remaining in minutes and as a date, ISO-8601 UTC timestamps, parsed KMS events with the HRESULT
    explained).
  - Never reads or returns a full product key; only the last five characters (C(PartialProductKey)).
  - Never changes anything on the host.
options:
  applications:
    description:
      - Which licensing applications to return.
    type: list
    elements: str
    choices: [windows, office]
    default: [windows, office]
  max_events:
    description:
      - How many of the most recent KMS client events (IDs 12288 and 12289 of Microsoft-Windows-Security-SPP)
        to read, from 0 to 100.
    type: int
    default: 10
extends_documentation_fragment:
  - winactivation.kms.info_module
seealso:
  - module: winactivation.kms.time_info
  - module: winactivation.kms.kms_dns_info
  - module: ansible.windows.win_product_facts
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Read the activation state of every Windows host
  winactivation.kms.activation_info:
  register: activation

# windows null (no Windows product read) or license_status null (not read): not known - never "not licensed"
- name: Show hosts whose Windows is not licensed
  ansible.builtin.debug:
    msg: >-
      {{ inventory_hostname }}: {{ activation.normalized.windows.license_status_name }}
      ({{ activation.normalized.windows.channel }}),
      last KMS request {{ activation.normalized.last_request.hresult_text | default('none') }}
  when: >-
    activation.normalized.windows is not none and activation.normalized.windows.license_status is not none
    and activation.normalized.windows.license_status != 1

- name: Windows only, no events
  winactivation.kms.activation_info:
    applications: [windows]
    max_events: 0
"""

RETURN = r"""
products:
  description:
    - SoftwareLicensingProduct rows with a product key, for the wanted applications, with their CIM property
      names (ID, ApplicationID, Name, Description, LicenseFamily, PartialProductKey, ProductKeyChannel,
      LicenseStatus, LicenseStatusReason, GracePeriodRemaining, KeyManagementServiceMachine, ...). Dates are
      ISO-8601 UTC.
  returned: success
  type: list
  elements: dict
  sample:
    - ID: 2de67392-b7a7-462a-b1ca-108dd189f588
      ApplicationID: 55c92734-d682-4d71-983e-d6ec3f16059f
      Name: Windows(R), Professional edition
      Description: Windows(R) Operating System, VOLUME_KMSCLIENT channel
      LicenseFamily: Professional
      PartialProductKey: T83GX
      LicenseStatus: 1
      GracePeriodRemaining: 259200
service:
  description: SoftwareLicensingService properties under their CIM names.
  returned: success
  type: dict
os:
  description: Win32_OperatingSystem Version, BuildNumber, OperatingSystemSKU, ProductType, OSLanguage, MUILanguages.
  returned: success
  type: dict
computer:
  description: Win32_ComputerSystem Name, DNSHostName, Domain, PartOfDomain, DomainRole.
  returned: success
  type: dict
registry:
  description:
    - C(spp) holds the KMS values of C(HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform)
      (KeyManagementServiceName, KeyManagementServicePort, DisableDnsPublishing, ...);
      C(overrides) the per-application and per-SKU KMS settings found in its subkeys.
    - C(spp_error) and C(overrides_error) are the HRESULT when that key, or one of its subkeys, could not be read
      (access denied, among others), else null; the values of a key not read are not collected, never "not set".
  returned: success
  type: dict
spp_service:
  description: The Software Protection service (sppsvc) State, StartMode and ExitCode from Win32_Service.
  returned: success
  type: dict
events:
  description:
    - The most recent KMS client events, newest first, parsed from their data - C(id), C(time), C(hresult),
      C(hresult_text), and for 12288 C(kms_host), C(kms_port), C(client_machine_id), C(activation_id),
      for 12289 C(activated) and C(kms_current_count); for both C(status) (the Status flags as Windows prints them)
      and C(count_short) (the flag SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT is set; null when the Status was not recorded).
  returned: success
  type: list
  elements: dict
normalized:
  description:
    - The normalised view. C(windows) is the Windows product (or null), C(office) the Office products,
      C(products) all of them, each with C(channel) (KMS_CLIENT, KMS_HOST, MAK, RETAIL, OEM, AVMA, EVALUATION,
      UNKNOWN), C(license_status_name), C(grace_remaining_minutes), C(grace_expires) (when the grace period ends, counted
      from the controller's clock at collection) and C(grace_expires_clock) (C(controller), or C(host) when only the
      host's own, unchecked clock was known; null with no end), C(evaluation_end) (EvaluationEndDate in UTC; null when
      not collected or the product has none - the FILETIME zero, 1601-01-01). Also C(service), C(os),
      C(computer), C(registry), C(spp_service), C(events), C(last_request) and C(last_response); each product also
      has its own C(last_request) (linked by activation ID) and C(last_response) (the 12289 that answered it).
      C(last_request_response) is the 12289 that answered C(last_request), by the same rule (null when none is known
      to); C(last_response) is the newest 12289, whatever request it answered.
    - C(products_collected) is false when the products were not read (not collected, never "no product");
      C(licensing_error) and C(office2010_error) are the error (C(hresult), its C(text) and the C(message)) when licensing, or Office 2010's
      OfficeSoftwareProtectionProduct, could not be read, else null; C(events_collected) says whether the KMS client
      events were read, and C(events_error) is the HRESULT when reading them failed; C(kms_host_events) are a KMS
      host's events 12290 (a request it answered) and 12293 (DNS publishing failed); C(activation_attempts) the
      Activate() calls of M(winactivation.kms.diagnose)'s O(winactivation.kms.diagnose#module:attempt_activation)
      (empty here).
  returned: success
  type: dict
snapshot:
  description:
    - The host snapshot (schema C(winactivation.kms/snapshot/1)) this result was built from; save it to diagnose
      offline.
  returned: success
  type: dict
"""
