# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.fleet (documentation in plugins/modules/fleet.py)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _options


class ActionModule(ActionBase):
    """Gather the play's diagnoses from the controller's memory and correlate them once. Contacts no host."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False
    _requires_connection = False

    ARGUMENT_SPEC = {
        "hosts": {"type": "list", "elements": "str"},
        "result_var": {"type": "str", "default": "diagnose_result"},
        "language": {"type": "str", "choices": ["en", "ja"], "default": "en"},
    }

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """The fleet document of the play's hosts (``document``) and its causes in ``language`` (``statements``)."""
        result = super().run(tmp, task_vars)
        del tmp
        args = _options.validated(self, self.ARGUMENT_SPEC)
        if args["hosts"] is not None:
            _options.gather_hosts("hosts", args["hosts"])
        _options.variable_name("result_var", args["result_var"])
        task_vars = task_vars or {}
        hosts = args["hosts"] if args["hosts"] is not None else task_vars.get("ansible_play_hosts_all") or []
        hostvars = task_vars.get("hostvars")
        if hostvars is None or not hasattr(hostvars, "raw_get"):
            raise AnsibleActionFail("fleet: the play's hostvars are not available to this task")
        document = _fleet.gathered(hostvars.raw_get, hosts, args["result_var"])
        lines = _fleet.statements(document, args["language"])
        result.update({"changed": False, "document": document, "statements": lines, "unread": _fleet.unread(document),
                       "hosts": len(document["results"]), "msg": lines, "reweighed": _fleet.reweighed(document)})
        return result
