# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.kms_client (documentation in plugins/modules/kms_client.py)."""

from __future__ import annotations

import time
import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _hresult, _kms_client, _options, _restart, _snapshot
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan, RemedyActionBase


def _short_count_text(product: dict[str, t.Any]) -> str:
    """A request that went out (HRESULT 0x0) and whose answer (event 12289) said the KMS host's count was too low
    (:func:`_snapshot.count_short`), as the cause of a failed activation: 0xC004F038 explained, with the count and the
    request's N-Policy when they were recorded."""
    response = product.get("last_response") or {}
    count, required = response.get("kms_current_count"), (product.get("last_request") or {}).get("required_count")
    known = f"{count} of {required}" if count is not None and required is not None else "not recorded"
    return f"{_hresult.describe(0xC004F038)} (event 12289: the KMS host's count {known})"


def _failure_text(target: str, attempts: int, code: int, inner: str | None) -> str:
    """A failed activation's message: the result, and the cause read back from the host (:meth:`ActionModule._inner_cause`)
    where it adds to it. A cause that begins with the result itself (0xC004F038 from Activate() and the short count of
    event 12289 that explains it) adds only what follows; the request is not said to have failed (its HRESULT is 0x0)."""
    result = _hresult.describe(code)
    text = f"activation of {target} failed after {attempts} attempt(s): {result}"
    if not inner:
        return text
    if inner.startswith(result):
        return text + inner[len(result):]
    return f"{text}; the KMS request failed with {inner}"


class ActionModule(RemedyActionBase):
    """KMS host and port, lookup domain, host caching, GVLK, activation: slmgr /skms /ckms /skms-domain /skhc /ipk /ato."""

    REMEDY = "kms_client"
    PROBES = ("activation",)
    ARGUMENT_SPEC = {
        "kms_host": {"type": "str"},
        "kms_port": {"type": "int"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "scope": {"type": "str", "default": "service"},
        "lookup_domain": {"type": "str"},
        "host_caching": {"type": "bool"},
        "install_gvlk": {"type": "bool", "default": False},
        "product_key": {"type": "str", "no_log": True},
        "allow_channel_change": {"type": "bool", "default": False},
        "activate": {"type": "bool", "default": True},
        "force_activation": {"type": "bool", "default": False},
        "activation_retries": {"type": "int", "default": 2},
        "retry_delay": {"type": "float", "default": 5.0},
        "spp_service": {"type": "bool", "default": False},
    }
    MUTUALLY_EXCLUSIVE = [["install_gvlk", "product_key"]]

    def check_args(self, args: dict[str, t.Any]) -> None:
        args["scope"] = _kms_client.check_scope(args["scope"])
        if args["state"] == "absent" and args.get("kms_host") is not None:
            raise AnsibleActionFail("kms_host cannot be given with state: absent (absent clears the manual KMS host)")
        if args["state"] == "absent" and args.get("kms_port") is not None:
            raise AnsibleActionFail("kms_port cannot be given with state: absent (absent clears the manual KMS host and port)")
        if args.get("kms_port") is not None:
            args["kms_port"] = _options.port("kms_port", args["kms_port"])
        if args.get("kms_host") is not None:
            endpoint = _options.endpoint("kms_host", args["kms_host"], args.get("kms_port") or 1688)
            given_port = args["kms_host"].startswith("[") and "]:" in args["kms_host"] or args["kms_host"].count(":") == 1
            if args.get("kms_port") is not None and given_port and endpoint["port"] != args["kms_port"]:
                raise AnsibleActionFail("kms_host holds a port that differs from kms_port; give the port once")
            # the name or address as slmgr /skms hands it to SetKeyManagementServiceMachine ([IPv6] keeps its brackets)
            args["_kms_host"] = {"host": _options.machine_name(endpoint["host"]), "port": endpoint["port"]}
        if args.get("lookup_domain"):
            args["lookup_domain"] = _options.domain("lookup_domain", args["lookup_domain"])
        if args.get("host_caching") is not None and args["scope"] != "service":
            raise AnsibleActionFail("host_caching is a service-level setting: use it with scope: service")
        _options.in_range("activation_retries", args["activation_retries"], 0, 10)
        _options.in_range("retry_delay", args["retry_delay"], 0, 300, "seconds")
        args["_product_key"] = _kms_client.check_key(args["product_key"]) if args.get("product_key") is not None else None

    def probe_params(self, args: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        """The licensing state; with spp_service also what waits for a restart (a start type set for the next boot)."""
        probes: dict[str, dict[str, t.Any]] = {"activation": {}}
        if args.get("spp_service"):
            probes[_restart.PROBE] = {}
        return probes

    def plan(self, args: dict[str, t.Any], views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> Plan:
        return _kms_client.plan(args, views.get("activation") or {}, _restart.from_snapshot(snapshot))

    def apply(self, args: dict[str, t.Any], plan: Plan, result: dict[str, t.Any]) -> None:
        """Settings and key first, in one call; then each activation with bounded retries on the controller."""
        settings = [op for op in plan.operations if op["op"] != "activate"]
        activations = [op for op in plan.operations if op["op"] == "activate"]
        if settings:
            super().apply(args, Plan(operations=settings), result)
        result["activation"] = []
        for op in activations:
            attempts, code = 0, None
            while True:
                attempts += 1
                outcome, steps = self.send([op], result)
                code = _hresult.normalise(steps[0]["hresult"]) if steps else _hresult.normalise(outcome.error.hresult if outcome.error else None)
                if code == 0 or attempts > args["activation_retries"]:
                    break
                time.sleep(args["retry_delay"])
            entry = {"target": op["target"], "attempts": attempts, "hresult": _hresult.to_hex(code or 0),
                     "hresult_text": _hresult.describe(code) if code else None}
            result["activation"].append(entry)
            if code:
                raise AnsibleActionFail(_failure_text(op["target"], attempts, code, self._inner_cause(op["target"], result)))

    def _inner_cause(self, target: str, result: dict[str, t.Any]) -> str | None:
        """The inner HRESULT of the product's latest KMS request (event 12288), read back from the host."""
        try:
            snapshot, views = self._read({}, "host")
        except AnsibleActionFail:
            return None
        for product in (views.get("activation") or {}).get("products") or []:
            if product.get("id") == target and product.get("last_request"):
                request = product["last_request"]
                result["last_request"] = request
                if not _hresult.is_failure(_hresult.normalise(request.get("hresult"))) and _snapshot.count_short(product):
                    return _short_count_text(product)
                return request.get("hresult_text") or request.get("hresult")
        return None

    def verify(self, args: dict[str, t.Any], plan: Plan, views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> str | None:
        problem = super().verify(args, plan, views, snapshot)
        if problem:
            return problem
        products = {p["id"]: p for p in (views.get("activation") or {}).get("products") or []}
        for op in plan.operations:
            if op["op"] == "activate" and (products.get(op["target"]) or {}).get("license_status") != 1:
                return f"{op['target']} is not licensed after activation"
        return None
