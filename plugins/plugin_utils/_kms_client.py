# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning KMS client changes: which slmgr-equivalent operations bring a host to the wanted state.

Safety rules:
* a MAK, retail, OEM, AVMA or KMS host key (CSVLK), or a key of unknown channel, is never replaced unless
  ``allow_channel_change`` is true;
* a licensed product is not activated again unless ``force_activation`` is true;
* a GVLK is chosen from Microsoft's table by EditionID and build (``_gvlk``), never from the localized caption;
  an explicit key is validated and only its last five characters ever appear in results.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _gvlk, _options, _restart, _runner
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan

KEY_RE = _options.KEY_RE
#: Keys install_gvlk replaces only with allow_channel_change: a KMS host key (CSVLK) too - replacing it turns the KMS
#: host into a client - and a key whose channel could not be told (absent evidence is not "a KMS client key").
PROTECTED_CHANNELS = {"MAK", "RETAIL", "OEM", "AVMA", "SUBSCRIPTION", "KMS_HOST", "UNKNOWN"}


def check_key(value: t.Any) -> str:
    """Validate a product key's form (5 groups of 5 from the product-key alphabet); never echo it in the error."""
    return _options.product_key("product_key", value)


def check_scope(value: t.Any) -> str:
    """scope: service, windows, office or an activation ID."""
    if value in ("service", "windows", "office"):
        return str(value)
    if _options.is_activation_id(value):
        return str(value).lower()
    raise AnsibleActionFail(f"scope must be service, windows, office or an activation ID (GUID), got {_options.shown(value)}")


def _targets(scope: str, activation: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """The products a scope covers (for activation and product-level settings)."""
    products = [p for p in activation.get("products") or [] if not p.get("is_addon")]
    if scope == "service":
        return [p for p in products if p.get("channel") == "KMS_CLIENT"]
    if scope == "windows":
        return [p for p in products if p["application"] == "windows"]
    if scope == "office":
        return [p for p in products if p["application"] == "office"]
    match = [p for p in products if p.get("id") == scope]
    if not match:
        raise AnsibleActionFail(f"scope: no licensing product with a key has activation ID {scope}")
    return match


def view(activation: dict[str, t.Any], scope: str) -> dict[str, t.Any]:
    """The state kms_client manages, as shown in before/after (keys as their last five characters only)."""
    service = activation.get("service") or {}
    out: dict[str, t.Any] = {"service": {"kms_machine": service.get("kms_machine"), "kms_port": service.get("kms_port"),
                                         "lookup_domain": service.get("kms_lookup_domain"),
                                         "host_caching": service.get("host_caching")}}
    for product in activation.get("products") or []:
        if product.get("is_addon"):
            continue
        out[product["id"]] = {"name": product.get("name"), "channel": product.get("channel"),
                              "partial_product_key": product.get("partial_product_key"),
                              "license_status": product.get("license_status_name"),
                              "kms_machine": product.get("kms_machine"), "kms_port": product.get("kms_port"),
                              "lookup_domain": product.get("kms_lookup_domain")}
    return out


def plan(args: dict[str, t.Any], activation: dict[str, t.Any], restart: dict[str, t.Any] | None = None) -> Plan:
    """Compare the host with the arguments and list the operations, in the order slmgr would run them.

    ``restart`` is the restart_pending view: a disabled sppsvc already set to start at the next boot is not changed
    again (the result says a restart is required)."""
    scope = args["scope"]
    before = view(activation, scope)
    spp = activation.get("spp_service") or {}
    before["spp_service"] = {"state": spp.get("state"), "start_mode": spp.get("start_mode")}
    result = Plan(before=before)
    ops = result.operations
    service = activation.get("service") or {}
    if args.get("spp_service") and _analyze.spp_down(activation):
        if _restart.spp_waits_for_restart(restart or {}):
            _restart.waiting(result, _restart.REBOOT_SPP)
            result.after = dict(before)
            return result
        ops.append({"op": "enable_spp", "target": "service"})
        result.notes.append(f"the Software Protection service was not running (state {spp.get('state') or 'not recorded'}, start mode "
                            f"{spp.get('start_mode') or 'not recorded'}): it is set back to its default start type and started; "
                            "run again to apply the remaining settings once licensing can be read")
        result.after = dict(before, spp_service={"state": "Running", "start_mode": "Auto"})
        return result
    if activation.get("licensing_error"):
        # nothing is decided from settings that were not read (a blind /skms would be reported as a change)
        raise AnsibleActionFail(_analyze.licensing_refusal(activation, bool(args.get("spp_service")), "KMS client"))
    settings_targets = [("service", service.get("kms_machine"), service.get("kms_port"), service.get("kms_lookup_domain"))]
    if scope != "service":
        settings_targets = [(p["id"], p.get("kms_machine"), p.get("kms_port"), p.get("kms_lookup_domain")) for p in _targets(scope, activation)]

    # /skms, /ckms
    for target, machine, port, domain in settings_targets:
        if args["state"] == "absent":
            if machine:
                ops.append({"op": "clear_kms_machine", "target": target})
            if port:
                ops.append({"op": "clear_kms_port", "target": target})
        elif args.get("_kms_host"):
            want_host, want_port = args["_kms_host"]["host"], args["_kms_host"]["port"]
            if (machine or "").lower() != want_host.lower():
                ops.append({"op": "set_kms_machine", "target": target, "value": want_host})
            if (port or 1688) != want_port or (not port and want_port != 1688):
                ops.append({"op": "set_kms_port", "target": target, "value": want_port})
        elif args.get("kms_port") is not None and (port or 1688) != args["kms_port"]:
            # slmgr /skms :<port> - no name: only SetKeyManagementServicePort (slmgr.vbs SetKmsMachineName)
            ops.append({"op": "set_kms_port", "target": target, "value": args["kms_port"]})
        # /skms-domain
        if args.get("lookup_domain") is not None:
            wanted = args["lookup_domain"].strip().lower()
            if wanted and (domain or "").lower() != wanted:
                ops.append({"op": "set_lookup_domain", "target": target, "value": wanted})
            elif not wanted and domain:
                ops.append({"op": "clear_lookup_domain", "target": target})

    # /skhc /ckhc (service level only)
    # a value not read is set (the method sets it whatever it was), never taken as already right
    if args.get("host_caching") is not None and service.get("host_caching") != args["host_caching"]:
        ops.append({"op": "host_caching", "target": "service", "value": bool(args["host_caching"])})

    # /ipk
    installed_key = False
    if args.get("install_gvlk") or args.get("_product_key"):
        # no Windows product with a key (e.g. after the license store was rebuilt): the OS says which edition it is
        windows = activation.get("windows") or {"channel": None, "partial_product_key": None, "license_family": None}
        os_info = activation.get("os") or {}
        if activation.get("windows") is None and not (os_info.get("edition_id") and os_info.get("build")):
            raise AnsibleActionFail("install_gvlk/product_key: the host has no Windows product with a key and its edition is unknown")
        if args.get("_product_key"):
            key, label = args["_product_key"], "the given key"
        else:
            entry = _gvlk.find(os_info.get("build"), os_info.get("edition_id") or windows.get("license_family"), os_info.get("product_type"))
            if entry is None:
                raise AnsibleActionFail(f"install_gvlk: Microsoft publishes no KMS client key for edition "
                                        f"{os_info.get('edition_id') or windows.get('license_family')} build {os_info.get('build')}")
            key, label = entry.key, f"the GVLK of {entry.release} {entry.edition}"
        if (windows.get("partial_product_key") or "").upper() == key[-5:] and windows.get("channel") == "KMS_CLIENT":
            pass                                                   # already installed: nothing to do
        elif windows.get("channel") in PROTECTED_CHANNELS and not args["allow_channel_change"]:
            result.warnings.append(f"Windows uses a {windows['channel']} key (...{windows.get('partial_product_key')}); it was left in place. "
                                   "Set allow_channel_change: true to replace it with a KMS client key.")
        else:
            ops.append({"op": "install_key", "target": "service", "value": _runner.Secret(key), "secret": True})   # outside the JSON the host parses
            result.notes.append(f"install {label} (...{key[-5:]})")
            installed_key = True

    # /ato
    if args["activate"]:
        targets = _targets(scope, activation)
        windows = activation.get("windows")
        if installed_key and windows is not None and windows not in targets:
            targets.append(windows)               # a converted MAK/retail product is a KMS client from now on
        for product in targets:
            channel = product.get("channel")
            if not _activation_type_allows_kms(product, result):
                continue
            if product["application"] == "windows" and installed_key:
                ops.append({"op": "activate", "target": product["id"]})
            elif channel != "KMS_CLIENT":
                continue
            elif product.get("license_status") != 1 or args["force_activation"]:
                ops.append({"op": "activate", "target": product["id"]})
    result.after = _predict(before, ops)
    return result


#: slmgr.vbs /act-type values (L_optSetVLActivationTypeUsage: "1 (for AD) or 2 (for KMS) or 3 (for Token) or 0 (for all)").
ACTIVATION_TYPE_AD, ACTIVATION_TYPE_TOKEN = 1, 3

TOKEN_ONLY_TEXT = {
    "en": "{name} ({id}) is set to token-based activation only (VLActivationTypeEnabled 3): slmgr /ato does not activate "
          "it either. It was not activated through KMS. Activate it with its token (slmgr /fta), or allow KMS activation "
          "with slmgr /act-type 2 (or /act-type for any type) {id} - a person must decide which.",
    "ja": "{name} ({id}) はトークン ベースのライセンス認証専用に設定されています (VLActivationTypeEnabled 3)。slmgr /ato でも"
          "ライセンス認証されません。KMS ではライセンス認証していません。トークンでライセンス認証する (slmgr /fta) か、"
          "slmgr /act-type 2 (どの種類でもよい場合は /act-type) {id} で KMS を許可してください (どちらにするかは担当者が決めてください)。",
}


def _activation_type_allows_kms(product: dict[str, t.Any], result: Plan) -> bool:
    """False for a product set to token-based activation only: slmgr /ato does not call Activate() on it
    (slmgr.vbs ActivateProduct, L_MsgTokenBasedActivationMustBeDone). A product set to Active Directory only is
    activated as slmgr /ato does, with a warning that Activate() goes to Active Directory, not to a KMS host.
    A type that was not read is not a restriction (absent is not collected)."""
    kind = product.get("vl_activation_type")
    values = {"name": product.get("name") or product.get("id"), "id": product.get("id")}
    if kind == ACTIVATION_TYPE_TOKEN:
        text = {lang: TOKEN_ONLY_TEXT[lang].format(**values) for lang in ("en", "ja")}
        result.tell(text)
        return False
    if kind == ACTIVATION_TYPE_AD:
        result.warnings.append(f"{values['name']} ({values['id']}) is set to Active Directory-based activation only "
                               "(VLActivationTypeEnabled 1): the KMS settings do not apply to it and Activate() uses "
                               "Active Directory; slmgr /act-type 2 (or /act-type) allows KMS activation.")
    return True


def _predict(before: dict[str, t.Any], ops: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    """The before view with the planned operations applied (for check mode and diff)."""
    after = {k: dict(v) for k, v in before.items()}
    for op in ops:
        if op["op"] == "enable_spp":
            after["spp_service"] = {"state": "Running", "start_mode": "Auto"}
    for op in ops:
        target = after.get(op["target"]) if op["target"] != "service" else after["service"]
        if target is None:
            continue
        if op["op"] == "set_kms_machine":
            target["kms_machine"] = op["value"]
        elif op["op"] == "set_kms_port":
            target["kms_port"] = op["value"]
        elif op["op"] == "clear_kms_machine":
            target["kms_machine"] = None
        elif op["op"] == "clear_kms_port":
            target["kms_port"] = None
        elif op["op"] == "set_lookup_domain":
            target["lookup_domain"] = op["value"]
        elif op["op"] == "clear_lookup_domain":
            target["lookup_domain"] = None
        elif op["op"] == "host_caching":
            target["host_caching"] = op["value"]
        elif op["op"] == "activate":
            target["license_status"] = "Licensed"
        elif op["op"] == "install_key":
            for key, value in after.items():
                if key != "service" and value.get("name", "").startswith("Windows"):
                    value.update(partial_product_key=str(op["value"])[-5:], channel="KMS_CLIENT", license_status="OOBGrace")
    return after
