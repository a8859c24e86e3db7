# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.fleet_report (documentation in plugins/modules/fleet_report.py)."""

from __future__ import annotations

import json
import typing as t

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _fleet_check, _gvlk, _journal, _options, _report, _report_folder, _slices


class ActionModule(ActionBase):
    """Write the fleet's reports on the controller, once, from plain data; check mode writes into its own folder."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False
    _requires_connection = False

    ARGUMENT_SPEC = {
        "document": {"type": "dict"},
        "document_var": {"type": "str"},
        "hosts": {"type": "list", "elements": "str"},
        "result_var": {"type": "str", "default": "diagnose_result"},
        "sources": {"type": "list", "elements": "path", "default": []},
        "dir": {"type": "path", "required": True},
        "name": {"type": "str", "default": "diagnosis"},
        "formats": {"type": "list", "elements": "str", "choices": list(_fleet.FORMATS), "default": list(_fleet.FORMATS)},
        "language": {"type": "str", "choices": ["en", "ja"], "default": "en"},
        "before": {"type": "dict"},
        "remediation": {"type": "bool", "default": True},
        "html_template": {"type": "path"},
        "action_vars": {"type": "list", "elements": "str", "default": ["remediate_summary", "kms_host_summary"]},
        "stats_max_hosts": {"type": "int", "default": _fleet.STATS_MAX_HOSTS},
        "stats_max_bytes": {"type": "int", "default": _fleet.STATS_MAX_BYTES},
        "slice": {"type": "bool", "default": False},
        "slice_max_bytes": {"type": "int", "default": _slices.MAX_BYTES},
        "slices": {"type": "dict", "default": {}},
        "expected_hosts": {"type": "list", "elements": "str", "default": []},
        "scope": {"type": "dict", "options": {
            "pattern": {"type": "str", "required": True}, "limit": {"type": "str"},
            "pattern_hosts": {"type": "list", "elements": "str", "default": []},
            "group": {"type": "str"}, "group_hosts": {"type": "list", "elements": "str", "default": []},
            "kms_hosts": {"type": "list", "elements": "str", "default": []},
            "slice_job": {"type": "str"}}},
        "partial_suffix": {"type": "str", "default": "-partial"},
    }

    def _validated(self) -> dict[str, t.Any]:
        args = _options.validated(self, self.ARGUMENT_SPEC)
        _options.file_stem("name", args["name"])
        if args["document_var"] is not None:
            _options.variable_path("document_var", args["document_var"])
            if args["document"] is not None:
                raise AnsibleActionFail("document and document_var are mutually exclusive: give the document or the name "
                                        "of the variable of localhost that holds it")
        if args["hosts"] is not None:
            _options.gather_hosts("hosts", args["hosts"])
            given = [option for option in ("document", "document_var") if args[option] is not None]
            if given:
                raise AnsibleActionFail(f"hosts and {given[0]} are mutually exclusive: gather this run's fleet from the "
                                        f"hosts' registered {args['result_var']}, or give its document")
        _options.variable_name("result_var", args["result_var"])
        _options.path("dir", args["dir"])
        for option in ("sources", "html_template"):
            for value in args[option] if isinstance(args[option], list) else [args[option]] if args[option] else []:
                _options.existing_file(option, value)
        for name in args["action_vars"]:
            _options.variable_name("action_vars", name)
        for name in args["expected_hosts"]:
            _options.inventory_name("expected_hosts", name)
        if _options.file_suffix("partial_suffix", args["partial_suffix"]):
            _options.file_stem("partial_suffix", args["name"] + args["partial_suffix"])
        if args["scope"] is not None:
            _options.host_pattern("scope.pattern", args["scope"]["pattern"])
            for key in ("limit", "group"):
                if args["scope"][key]:
                    _options.host_pattern(f"scope.{key}", args["scope"][key])
            for key in ("pattern_hosts", "group_hosts", "kms_hosts"):
                for name in args["scope"][key]:
                    _options.inventory_name(f"scope.{key}", name)
            job = args["scope"]["slice_job"]
            if job and not (job.isascii() and job.isdigit()):
                raise AnsibleActionFail(f"scope.slice_job must be an AWX job id (digits, awx_job_id) or empty, got {_options.shown(job)}")
        _options.in_range("stats_max_hosts", args["stats_max_hosts"], *_fleet.STATS_MAX_HOSTS_RANGE)
        _options.in_range("stats_max_bytes", args["stats_max_bytes"], *_fleet.STATS_MAX_BYTES_RANGE)
        _options.in_range("slice_max_bytes", args["slice_max_bytes"], *_slices.MAX_BYTES_RANGE)
        for name, payload in args["slices"].items():
            if not isinstance(payload, t.Mapping) or payload.get("schema") != _slices.SCHEMA:
                raise AnsibleActionFail(f"slices: {_options.shown(name)} is not a {_slices.SCHEMA} payload (set_stats of a slice)")
        return args

    @staticmethod
    def _document(args: dict[str, t.Any]) -> dict[str, t.Any]:
        """This run's document as it is (already correlated), or merged with saved ones and AWX slices' payloads
        (one correlation); hosts of ``expected_hosts`` that no slice reported are reported as not collected."""
        merging = args["sources"] or args["slices"] or args["expected_hosts"]
        if not merging:
            if not args["document"]:
                raise AnsibleActionFail("Nothing to report: run the diagnose role first or set report_sources to saved "
                                        "diagnosis.json files.")
            return t.cast(dict, args["document"])
        documents: list[t.Any] = []
        for source in args["sources"]:
            with open(source, encoding="utf-8") as handle:
                try:
                    # a saved document from outside (edited by hand, written by another tool or release) is read as
                    # snapshots are: no report made from it shows more of a product key than its last five characters
                    documents.append(_gvlk.mask_keys_in(json.load(handle)))
                except ValueError as exc:
                    raise _options.refused(f"sources: {source} is not JSON: {exc}") from None
        if args["document"]:
            documents.append(args["document"])
        try:
            # a saved document with a host result that cannot be read is refused, naming the file and the host
            _fleet_check.check_mergeable(documents, _report.SCHEMA, [*args["sources"], "document"])
            if args["slices"] or args["expected_hosts"]:
                return _slices.merge(args["slices"], args["expected_hosts"], documents)
            return _report.merge(documents)
        except (ValueError, json.JSONDecodeError) as exc:
            raise _options.refused(f"{'slices' if args['slices'] else 'sources'}: {exc}") from None

    @staticmethod
    def _document_of(task_vars: dict[str, t.Any], name: str) -> dict[str, t.Any] | None:
        """The variable ``name`` of localhost (``document_var``), or the key path ``variable.key...`` into it (the
        fleet step's registered ``diagnose_fleet_result.document``), read without templating (``raw_get``): a
        templated argument is copied node by node in this worker on ansible-core 2.19+ (issue 13). None when
        undefined."""
        hostvars = task_vars.get("hostvars")
        if hostvars is None or not hasattr(hostvars, "raw_get"):
            raise AnsibleActionFail("document_var: the play's hostvars are not available to this task")
        value: t.Any = hostvars.raw_get("localhost") if "localhost" in hostvars else None
        path = name.split(".")
        for depth, part in enumerate(path):
            if value is None:
                break
            if not isinstance(value, t.Mapping):
                raise AnsibleActionFail(f"document_var: localhost's {'.'.join(path[:depth])} is not a mapping (a "
                                        f"{type(value).__name__}), so it holds no {part}")
            value = value.get(part)
        if value is not None and not isinstance(value, t.Mapping):
            raise AnsibleActionFail(f"document_var: localhost's {name} is not a fleet document (a {type(value).__name__})")
        return dict(value) if value is not None else None

    @staticmethod
    def _no_document(args: dict[str, t.Any]) -> list[str]:
        """``document_var`` names a variable localhost does not have (or holds null): a warning naming both when the
        reports still have ``sources``, ``slices`` or ``expected_hosts`` to work from (a merge of saved documents or
        AWX slices), else an error naming the option, before anything is written."""
        name = args["document_var"]
        missing = f"document_var: localhost has no variable {name!r} (not defined, or null)"
        inputs = [option for option in ("sources", "slices", "expected_hosts") if args[option]]
        if not inputs:
            raise AnsibleActionFail(f"{missing}, and there is nothing else to report (no sources, slices or expected_hosts): "
                                    f"run the diagnose role first in this play (it sets {name} on localhost), name the "
                                    "variable that holds the fleet document, or give saved documents in sources")
        return [f"{missing}: the reports are made from {' and '.join(inputs)} only, without this run's fleet document"]

    @staticmethod
    def _reader(task_vars: dict[str, t.Any]) -> t.Callable[[str], t.Any]:
        """Each host's variables as stored (``raw_get``, no templating), read at most once per host in this task: the
        gathering, the remediation report and the failed hosts read the same hosts (each ``raw_get`` makes
        ansible-core compute all of that host's variables, about a millisecond). None for a host the play does not
        know."""
        hostvars: t.Any = task_vars.get("hostvars")
        usable = hostvars is not None and hasattr(hostvars, "raw_get")
        read: dict[str, t.Any] = {}

        def variables(host: str) -> t.Any:
            if host not in read:
                read[host] = hostvars.raw_get(host) if usable and host in hostvars else None
            return read[host]
        return variables

    @staticmethod
    def _gathered(task_vars: dict[str, t.Any], reader: t.Callable[[str], t.Any], args: dict[str, t.Any]) -> dict[str, t.Any]:
        """This run's fleet document from the hosts' registered results (``hosts``, ``result_var``): the fleet step
        (``winactivation.kms.fleet``) in this task, so that the document is not handed from task to task (as a
        registered result ansible-core templates it node by node, pickles it to its strategy process and converts it
        again for the callbacks: seconds at 1,000 hosts; issue 13)."""
        hostvars = task_vars.get("hostvars")
        if hostvars is None or not hasattr(hostvars, "raw_get"):
            raise AnsibleActionFail("hosts: the play's hostvars are not available to this task")
        return _fleet.gathered(reader, args["hosts"], args["result_var"])

    @staticmethod
    def _actions(reader: t.Callable[[str], t.Any], hosts: list[str], names: list[str]) -> dict[str, t.Any]:
        """What the remediate and kms_host roles did on each host (their summary variables), read once per host."""
        actions: dict[str, t.Any] = {}
        for host in hosts:
            variables = reader(host)
            if variables is None:
                continue
            for name in names:
                value = variables.get(name) if isinstance(variables, t.Mapping) else None
                if isinstance(value, t.Mapping) and value:
                    actions[host] = dict(value)
        return actions

    @staticmethod
    def _failed(reader: t.Callable[[str], t.Any], hosts: list[str], names: list[str]) -> list[str]:
        """The hosts whose remediate or kms_host summary says it failed, in the document's order, read without
        templating (``raw_get``) once per host: what the remediate playbook's last check used to extract from every
        host's variables with Jinja."""
        failed = []
        for host in hosts:
            variables = reader(host)
            if not isinstance(variables, t.Mapping):
                continue
            summaries = [variables.get(name) for name in names]
            if any(isinstance(s, t.Mapping) and s.get("failed") is not None for s in summaries):
                failed.append(host)
        return failed

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Write the reports; return where, which files, the causes in ``language`` and the set_stats payload."""
        result = super().run(tmp, task_vars)
        del tmp
        args = self._validated()
        reader = self._reader(task_vars or {})
        if args["hosts"] is not None:
            args["document"] = self._gathered(task_vars or {}, reader, args)
        elif args["document_var"] is not None:
            args["document"] = self._document_of(task_vars or {}, args["document_var"])
            if args["document"] is None:
                result.setdefault("warnings", []).extend(self._no_document(args))
        document = self._document(args)
        # which hosts this run covers (absent: not known), recorded in every report; a partial run's reports get their
        # own names (name + partial_suffix), so that they never replace the full set of the same name. A slice says it
        # is one; a merge of slices, what their published scopes say of them.
        scope = _fleet.run_scope(args["scope"], [r["host"] for r in document.get("results") or []], sliced=args["slice"])
        if scope is not None and args["slices"]:
            scope = dict(scope, slices=_slices.merged_from(args["slices"]))
        packed = None
        if args["slice"]:
            try:
                packed = _slices.pack(document, args["slice_max_bytes"])
            except ValueError as exc:
                raise _options.refused(f"slice: {exc}") from None
            # the slice's scope, for the merge node's (_slices.merged_from) and the job's artifacts
            packed["scope"] = scope
        if scope is not None:
            document = dict(document, scope=scope)
        check = bool(self._task.check_mode)
        lang = args["language"]
        folder = _fleet.check_folder(args["dir"]) if check else args["dir"]
        files: list[str] = []
        texts: dict[str, str] = {}

        def _write(name: str, text: str) -> None:
            texts[name] = text
            files.append(name)

        suffix = args["partial_suffix"] if _report.is_partial(scope) else ""
        stem, remedied = args["name"] + suffix, "remediation" + suffix
        before = args["before"] if args["before"] else None
        for report_format in args["formats"]:
            template = args["html_template"]
            _write(_fleet.file_name(stem, report_format, lang), _fleet.render(document, report_format, lang, check, template))
            if before is not None:
                _write(_fleet.file_name(f"{stem}-before", report_format, lang),
                       _fleet.render(before, report_format, lang, check, template))
        if before is not None and args["remediation"]:
            hosts = [r["host"] for r in document.get("results") or []]
            actions = self._actions(reader, hosts, args["action_vars"])
            remediation = _report.remediation(before, document, actions)
            if check:
                remediation = _fleet.predicted_remediation(remediation, actions)
            if scope is not None:
                remediation = dict(remediation, scope=scope)
            _write(f"{remedied}.json", json.dumps(remediation, ensure_ascii=False, indent=2, default=str) + "\n")
            _write(f"{remedied}.{lang}.md", _fleet.remediation_markdown(remediation, lang))
            if "html" in args["formats"]:
                _write(f"{remedied}.{lang}.html", _fleet.remediation_html(remediation, lang, check))
        # this run's whole set at once: stale files of an earlier run in the same folder never stay beside it
        try:
            changed = _report_folder.publish(folder, texts, stem, remedied)
        except _report_folder.PublishError as exc:
            raise _options.refused(f"dir: {exc}") from None
        if not check:
            # the run has its report: its operation journal is no record to recover (_interrupted)
            _journal.mark_reported(_journal.run_folder())
        result.update({
            "changed": changed, "dir": folder, "files": files, "check_mode": check, "scope": scope,
            # every report file name of this stem (a regular expression): what a delivery removes beside this run's
            # files, so that the delivery folder too ends with exactly one run's set
            "report_set": f"^(?:{_report_folder.report_set(stem, remedied).pattern})$",
            "hosts": len(document.get("results") or []), "unread": _fleet.unread(document),
            "status_counts": (document.get("summary") or {}).get("status_counts") or {},
            "statements": _fleet.statements(document, lang),
            "console": _fleet.console(document, before, lang, folder, files, check),
            "unread_msg": _fleet.unread_message(document, lang, folder),
            "stats": _fleet.bounded_stats(document, args["stats_max_hosts"], args["stats_max_bytes"]),
            "failed_hosts": self._failed(reader, [r["host"] for r in document.get("results") or []], args["action_vars"]),
            "unread_hosts": _fleet.unread_hosts(document),
        })
        if packed is not None:
            result["slice"] = packed
            # the payload (up to slice_max_bytes of base64) is for the set_stats that follows, not for the job output:
            # not printed with -v, as ansible-core's setup module keeps its facts out of it (the console is printed
            # by the report role's next task)
            result["_ansible_verbose_override"] = True
        return result
