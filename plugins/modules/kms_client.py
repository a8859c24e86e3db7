#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: kms_client
short_description: Configure and activate a Windows KMS client (slmgr /skms /ckms /skms-domain /skhc /ipk /ato)
version_added: 0.1.0
description:
  - Sets or clears the KMS host and port at service level or for one product (Windows, Office or an activation ID),
    sets the DNS lookup domain and KMS host caching, installs the KMS client setup key (GVLK) for the host's edition
    or a given key, and activates with bounded retries; the same CIM methods slmgr.vbs calls, no slmgr text.
  - Never replaces a MAK, retail, OEM, AVMA or KMS host key (a CSVLK - replacing it would turn the KMS host into a
    client), or a key whose channel could not be told, unless I(allow_channel_change=true); never activates an already
    licensed product again unless I(force_activation=true).
  - Never activates through KMS a product set to token-based activation only (C(VLActivationTypeEnabled) 3), as
    C(slmgr /ato) does not; the result names it and what a person must decide (C(slmgr /fta) or C(slmgr /act-type)).
    A product set to Active Directory only is activated as C(slmgr /ato) does, with a warning.
  - The GVLK is chosen from Microsoft's public table by the edition (EditionID / LicenseFamily) and the build number.
  - After a key is installed, C(KeyManagementServiceVersion) under
    C(HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform) (and its Wow6432Node twin
    where that key exists) is kept as C(slmgr /ipk) keeps it - the service's version while a product with a key is a
    KMS host, deleted otherwise (a KMS host key replaced by a GVLK). Microsoft's slmgr.vbs does this in its
    InstallProductKey; no Microsoft document says what reads the value.
options:
  kms_host:
    description:
      - KMS host to use, as C(host) or C(host:port). Setting it disables DNS auto-discovery for the scope
        (a manual setting hides later DNS changes; prefer I(state=absent) when DNS works).
      - C(host) is a host name (RFC 1123 letters, digits and hyphens, internationalized names allowed, labels that mix
        Latin with look-alike Cyrillic or Greek letters refused), an IPv4 address, or an IPv6 address as C(IPv6),
        C([IPv6]) or C([IPv6]:port) (zone ids such as C(%12) allowed; an IPv6 address without brackets has no port).
        An IPv6 address is set with its brackets, as C(slmgr /skms) does. See docs/input-validation.md.
    type: str
  kms_port:
    description:
      - TCP port of the KMS host (1-65535; booleans are refused); 1688 when neither this nor a port in I(kms_host) is given.
      - Given without I(kms_host), only the port is set, as C(slmgr /skms :<port>) does (the KMS host name, manual or
        found through DNS, is left as it is). Not allowed with I(state=absent).
    type: int
  state:
    description:
      - C(present) applies I(kms_host). C(absent) clears the manual KMS host and port so the client finds its host
        through DNS again (slmgr /ckms).
    type: str
    choices: [present, absent]
    default: present
  scope:
    description:
      - Where KMS host, port and lookup domain are set - C(service) (the whole machine), C(windows), C(office)
        (every Office product with a key) or one product by its activation ID. A product-level setting outranks the
        service-level one. Activation covers the KMS client products in scope.
    type: str
    default: service
  lookup_domain:
    description:
      - DNS domain the client searches for C(_vlmcs._tcp) (slmgr /skms-domain); an empty string clears it.
      - Letters, digits and hyphens per label, internationalized names allowed, no wildcard; set lower-case without a
        trailing dot.
    type: str
  host_caching:
    description: Whether the client caches the KMS host it found (slmgr /skhc, /ckhc). Service scope only.
    type: bool
  install_gvlk:
    description: Install the KMS client setup key (GVLK) for this edition and build, from Microsoft's table.
    type: bool
    default: false
  product_key:
    description:
      - A product key to install instead of the table's GVLK. Validated, passed as data and never shown (only its
        last five characters appear in results). Keep it in a vault or vars file, not in C(-e) on the command line
        (ansible-playbook itself prints command-line extra vars at high verbosity), and use C(no_log) on the task.
      - Never write it in clear in a playbook - ansible-core prints a task's arguments as written with
        C(display_args_to_stdout), and from 2.19 shows the two playbook lines above a failed task with its error,
        C(no_log) or not (docs/security.md).
    type: str
  allow_channel_change:
    description: Allow replacing a MAK, retail, OEM, AVMA or KMS host key (CSVLK), or a key of unknown channel, with a KMS client key.
    type: bool
    default: false
  activate:
    description: Activate the KMS client products in scope that are not licensed (slmgr /ato).
    type: bool
    default: true
  force_activation:
    description: Activate even products that are already licensed.
    type: bool
    default: false
  activation_retries:
    description: How many times to retry a failed activation (0-10).
    type: int
    default: 2
  retry_delay:
    description: Seconds to wait between activation attempts (0-300).
    type: float
    default: 5.0
  spp_service:
    description:
      - When the Software Protection service (sppsvc) is disabled, or licensing cannot be read while sppsvc is known
        not to run, set it back to its default start type (Automatic, delayed) and start it. Nothing else can be read
        or changed until it runs, so the other settings are applied by the next run.
      - Licensing that cannot be read for another reason (a WMI error while sppsvc runs) is not the service's to
        answer - the task fails naming the host's error and changes nothing, with or without this option.
    type: bool
    default: false
extends_documentation_fragment:
  - winactivation.kms.remedy_module
seealso:
  - module: winactivation.kms.diagnose
  - module: winactivation.kms.activation_info
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Clear a stale manual KMS host and use DNS again (slmgr /ckms, /ato)
  winactivation.kms.kms_client:
    state: absent

- name: Point Office at a KMS host that has the Office host key
  winactivation.kms.kms_client:
    kms_host: kms-office.corp.example.com:1688
    scope: office

- name: Convert a MAK machine to a KMS client with the GVLK of its edition
  winactivation.kms.kms_client:
    install_gvlk: true
    allow_channel_change: true

- name: Install a given key (never shown)
  winactivation.kms.kms_client:
    product_key: "{{ vault_kms_client_key }}"
  no_log: true
"""

RETURN = r"""
operations:
  description: The operations planned (and, outside check mode, run), with C(op), C(target) and C(value) (a key as its last five characters).
  returned: always
  type: list
  elements: dict
  sample: [{op: clear_kms_machine, target: service}, {op: activate, target: 2de67392-b7a7-462a-b1ca-108dd189f588}]
steps:
  description:
    - Each remote step with C(op), C(target), C(ok), C(hresult) and C(hresult_text) (the HRESULT's symbol and meaning
      from the collection's catalog), and the C(value) it was given - a product key as C(...) and its last five
      characters only. A refused key (InstallProductKey, for example 0xC004E016 SL_E_PKEY_INVALID_CONFIG) is named so in
      C(msg) too.
  returned: when changes were applied
  type: list
  elements: dict
activation:
  description: Per activated product, C(attempts), C(hresult), C(hresult_text).
  returned: when an activation ran
  type: list
  elements: dict
last_request:
  description: The product's latest KMS request (event 12288) when activation failed, with its inner HRESULT explained.
  returned: when activation failed
  type: dict
before:
  description: The managed settings before (service level and per product; keys as their last five characters).
  returned: always
  type: dict
after:
  description: >-
    The managed settings after (read back from the host; predicted in check mode; null when a change failed or the
    host was lost before it was read again).
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
notes:
  description:
    - What the plan says besides its operations - the key it installs (the GVLK of which edition, as its last five
      characters), or that the Software Protection service had to be started first and the other settings are
      applied by the next run.
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
