# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's validators: one per kind of value, used by every option of that kind (modules, roles, filters).

Each validator takes the option's name and the value, returns the value in the form the rest of the collection uses,
and raises ``AnsibleActionFail`` with a message that names the option and what is allowed. Values that pass travel to
the host unchanged as JSON data (never in a command line); docs/input-validation.md lists the accepted forms.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import ast
import collections.abc
import ipaddress
import math
import os
import re
import tempfile
import typing as t
import unicodedata

from ansible.errors import AnsibleActionFail, AnsibleError
try:  # ansible-core 2.19+: templating a value that is omit raises this
    from ansible.errors import AnsibleValueOmittedError as _OMITTED
except ImportError:  # 2.16-2.18: the omit placeholder string comes back (see _without_omit)
    class _OMITTED(Exception):  # type: ignore[no-redef]
        """Stand-in: never raised before ansible-core 2.19."""
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _gvlk

try:
    import idna  # IDNA 2008 (RFC 5891); installed with pywinrm (through requests)
    HAS_IDNA = True
except ImportError:  # pragma: no cover - the stdlib's IDNA 2003 codec below
    HAS_IDNA = False

_MAX_SHOWN = 60


def shown(value: t.Any) -> str:
    """A value for an error message: repr, product keys cut to their last five characters (a key given to the wrong
    option, :func:`_gvlk.mask_keys`), cut to a readable length."""
    text = _gvlk.mask_keys(repr(value))
    return text if len(text) <= _MAX_SHOWN else f"{text[:_MAX_SHOWN]}... ({len(str(value))} characters)"


def refused(message: str, obj: t.Any = None) -> AnsibleActionFail:
    """An action's error for ``message`` with every product key in it cut to its last five characters, carrying no
    traceback of the exception being handled; raise it ``from None`` inside an ``except`` block.

    ansible-core before 2.19 stores ``traceback.format_exc()`` in an AnsibleActionFail's result when it is made
    (ansible/errors/__init__.py, 2.16): made inside an ``except`` block, that is the *handled* exception's traceback
    and message - ansible-core's own "value of state must be one of ..., got: <key>" unmasked - which -vvv prints
    ("The full traceback is:") and AWX keeps in the job event. The result here has no ``exception``."""
    error = AnsibleActionFail(_gvlk.mask_keys(message), obj=obj)
    error.result.pop("exception", None)
    return error


def kind_of(value: t.Any) -> str:
    """What a value is, in words a user knows ("a list", "a mapping", "a number"): never a Python class name, which
    ansible-core 2.19+ makes internal (``_AnsibleTaggedList``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, t.Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "a list"
    return f"a value of type {type(value).__name__}"


def _string(option: str, value: t.Any, what: str) -> str:
    """``value`` as a non-empty string without control, format (RTL marks, zero-width) or separator characters."""
    if not isinstance(value, str):
        raise AnsibleActionFail(f"{option}: expected {what} as a string, got {kind_of(value)} {shown(value)}")
    if not value:
        raise AnsibleActionFail(f"{option}: expected {what}, got an empty string")
    for char in value:
        if char != " " and unicodedata.category(char)[0] in "CZ":
            raise AnsibleActionFail(f"{option}: {shown(value)} holds the character U+{ord(char):04X} "
                                    f"({unicodedata.category(char)}); expected {what}")
    return value


# --- options taken from variables -----------------------------------------------------------------------------------

#: The option that makes a module take every option its task leaves out from the variables ``<prefix><option>``.
VARIABLES_PREFIX_SPEC: dict[str, t.Any] = {"type": "str"}
_PREFIX = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*_")


def from_variables(spec: dict[str, t.Any], args: t.Mapping[str, t.Any], task_vars: t.Mapping[str, t.Any],
                   template: t.Callable[[t.Any], t.Any], exclude: t.Collection[str] = (),
                   fallbacks: t.Mapping[str, str] | None = None) -> tuple[dict[str, t.Any], dict[str, str]]:
    """The task's arguments completed from the variables ``<variables_prefix><option>``, and where each came from.

    A role passes its variables this way rather than as ``option: "{{ role_option }}"``: ansible-core compiles every
    templated argument with Jinja2 in every forked worker (about 2.5 ms each on 2.21, issue 13), while a variable
    that holds no template is read as it is. It does what those templated arguments did:

    * a variable that is defined and not null (nor ``omit``) wins over the task's arguments, ``module_defaults``
      included (ansible-core merges those into the arguments; the role's arguments used to override them);
    * an undefined, null or omitted variable leaves the option to the task, ``module_defaults`` or the default;
    * a list option given as a string that reads as a list literal (``-e 'diagnose_dns_servers=["10.0.0.1"]'``: a
      key=value extra variable is always a string) is that list, as ansible-core 2.16-2.18's templating made it.

    ``template`` is the action's templar (a variable may hold a template). The options in ``exclude`` (those that
    change a host, or say where to read from) are only ever taken from the task itself. ``fallbacks`` names, per
    option, a variable read the same way when neither ``<prefix><option>`` nor the task gives the option (the diagnose
    role's language follows ``report_language``: in Python, not as the role default ``"{{ report_language }}"``, a
    template compiled in every worker).
    Returns ``(arguments, {option: variable})`` for the options taken from variables.
    """
    prefix = args.get("variables_prefix")
    merged = dict(args)
    if prefix is None:
        return merged, {}
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        raise AnsibleActionFail(f"variables_prefix: expected a variable name prefix of lower-case letters, digits and "
                                f"underscores that ends in '_' (e.g. 'diagnose_'), got {shown(prefix)}")
    omit = task_vars.get("omit")
    origin: dict[str, str] = {}
    for name, option in spec.items():
        if name == "variables_prefix" or name in exclude:
            continue
        variable = prefix + name
        value = _variable(task_vars, variable, template, omit)
        fallback = (fallbacks or {}).get(name)
        if value is None and fallback is not None and args.get(name) is None:
            variable, value = fallback, _variable(task_vars, fallback, template, omit)
        if value is None:
            continue
        if option.get("type") == "list":
            value = _list_literal(value)
        merged[name], origin[name] = value, variable
    return merged, origin


def _variable(task_vars: t.Mapping[str, t.Any], variable: str, template: t.Callable[[t.Any], t.Any], omit: t.Any) -> t.Any:
    """The variable's value, templated only when it may hold a template; None when it is undefined, null or omitted."""
    if variable not in task_vars:
        return None
    try:
        value = task_vars[variable]
        value = template(value) if _may_hold_template(value) else value
    except _OMITTED:
        return None
    except AnsibleError as exc:
        raise refused(f"{variable}: {exc.message}") from None
    return _without_omit(value, omit)


def variable(task_vars: t.Mapping[str, t.Any], name: str, template: t.Callable[[t.Any], t.Any]) -> t.Any:
    """The variable ``name`` of the task, templated only when it may hold a template (``_variable``); None when it is
    undefined, null or omitted; a template that fails raises ``AnsibleActionFail`` naming the variable."""
    return _variable(task_vars, name, template, task_vars.get("omit"))


def _without_omit(value: t.Any, omit: t.Any) -> t.Any:
    """``value`` with ansible-core 2.16-2.18's omit placeholder taken out (None when it is the placeholder)."""
    if not isinstance(omit, str) or not omit:
        return value
    if isinstance(value, str) and value == omit:
        return None
    if isinstance(value, list):
        return [item for item in value if not (isinstance(item, str) and item == omit)]
    return value


def _list_literal(value: t.Any) -> t.Any:
    """A string that reads as a Python/JSON list literal as that list; any other value as it is."""
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            parsed = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return value
        if isinstance(parsed, list):
            return parsed
    return value


def _may_hold_template(value: t.Any) -> bool:
    """Whether ``value`` holds a string with a ``{`` (a Jinja2 template could start there): a value without one is
    what templating would give back, and each template call costs a fixed half millisecond on ansible-core 2.21.

    Scalars are told apart by their type first and mappings with ``collections.abc`` (``isinstance`` against
    ``typing.Mapping`` goes through typing's generic alias: 1% of a 1,000-host run's worker samples, issue 13)."""
    if isinstance(value, str):
        return "{" in value
    if value is None or type(value) in _SCALARS:
        return False
    if isinstance(value, (list, tuple, set)):
        return any(_may_hold_template(v) for v in value)
    if isinstance(value, collections.abc.Mapping):
        return any(_may_hold_template(k) or _may_hold_template(v) for k, v in value.items())
    return False


#: Types that never hold a template.
_SCALARS = frozenset((bool, int, float))


def options_of(action: t.Any, spec: dict[str, t.Any], task_vars: t.Mapping[str, t.Any],
               exclude: t.Collection[str] = (), fallbacks: t.Mapping[str, str] | None = None) -> tuple[dict[str, t.Any], dict[str, str]]:
    """An action's options: its task's arguments checked and converted as ``ActionBase.validate_argument_spec`` does,
    completed by the ``variables_prefix`` variables (``from_variables``, ``validate_variables``). Returns
    ``(options, {option: variable})``."""
    merged, origin = from_variables(spec, action._task.args, task_vars, action._templar.template, exclude, fallbacks)
    args = validated(action, spec)
    args.update(validate_variables(spec, merged, origin))
    return args, origin


def validated(action: t.Any, spec: dict[str, t.Any], **constraints: t.Any) -> dict[str, t.Any]:
    """An action's task arguments, checked as given (``check_raw``) and then converted by
    ``ActionBase.validate_argument_spec`` (``constraints``: its ``mutually_exclusive`` and the like).

    Ansible's own messages show the value they refuse ("value of state must be one of: present, absent, got: ..."):
    a product key in one is cut to its last five characters, as in the collection's own errors (:func:`shown`), and the
    original exception is not chained, so no traceback shows it either."""
    check_raw(spec, action._task.args)
    try:
        _validation, args = action.validate_argument_spec(argument_spec=spec, **constraints)
    except AnsibleActionFail as exc:
        raise refused(str(exc.message), obj=exc.obj) from None
    return t.cast("dict[str, t.Any]", args)


def validate_variables(spec: dict[str, t.Any], args: t.Mapping[str, t.Any], origin: t.Mapping[str, str]) -> dict[str, t.Any]:
    """The options taken from variables (``origin``, see ``from_variables``), checked (``check_raw``) and converted
    by ansible's ArgumentSpecValidator under the variables' names, so that an error names what the user set.

    Returns ``{option: converted value}``; the task's own arguments are validated by the action as before.
    """
    if not origin:
        return {}
    named_spec = {origin[name]: spec[name] for name in origin}
    named_args = {origin[name]: args[name] for name in origin}
    check_raw(named_spec, named_args)
    result = ArgumentSpecValidator(named_spec).validate(named_args)
    if result.errors.errors:
        raise AnsibleActionFail(_gvlk.mask_keys(result.errors.msg))
    return {name: result.validated_parameters[origin[name]] for name in origin}


# --- numbers ---------------------------------------------------------------------------------------------------------

def in_range(option: str, value: float, low: float, high: float, unit: str = "") -> None:
    """Fail unless low <= value <= high (NaN and infinities fail)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        suffix = f" {unit}" if unit else ""
        given = number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else shown(value)
        raise AnsibleActionFail(f"{option} must be between {number_text(low)} and {number_text(high)}{suffix}, got {given}")


def number_text(value: float) -> str:
    """A number as a message shows it: whole numbers in full (1048576, not 1.04858e+06), others as ``:g``."""
    if isinstance(value, int) or (math.isfinite(value) and value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    return f"{value:g}"


#: Days below which an activated product is ACTIVATION_EXPIRING: the range every entry point allows (the diagnose
#: module, the diagnose filter, the snapshots lookup, and the validate step for diagnose_ and snapshot_expiring_days).
EXPIRING_DAYS_RANGE = (1, 180)

_ASCII_INT = re.compile(r"-?(0|[1-9][0-9]*)")
_ASCII_FLOAT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def port(option: str, value: t.Any) -> int:
    """A TCP/UDP port 1-65535: an integer, or a string of ASCII digits without sign, spaces or leading zeros.

    Booleans are refused (``true`` is not port 1)."""
    if isinstance(value, str) and _ASCII_INT.fullmatch(value) and not value.startswith("-"):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a port (an integer 1-65535)")
    return value


def check_raw(spec: dict[str, t.Any], args: t.Mapping[str, t.Any], prefix: str = "") -> None:
    """Check the values as given, before Ansible's type conversion: no booleans for numbers, ASCII decimal numbers,
    strings (not lists, dicts, numbers or booleans) for string options, finite floats.

    Ansible would otherwise turn ``true`` into 1, ``"1688 "`` or ``"١٦٨٨"`` into 1688 and a list into its text."""
    for name, option in spec.items():
        if name not in args or args[name] is None:
            continue
        kind = option.get("type", "str")
        values = args[name] if kind == "list" and isinstance(args[name], list) else [args[name]]
        if kind == "list":
            kind = option.get("elements", "str")
        for value in values:
            if kind == "dict" and isinstance(value, t.Mapping) and option.get("options"):
                check_raw(option["options"], value, f"{prefix}{name}.")
            else:
                _check_raw_one(prefix + name, kind, value, bool(option.get("no_log")))


def _check_raw_one(name: str, kind: str, value: t.Any, secret: bool = False) -> None:
    """One value of ``kind`` (int, float, str or path) as given. A ``secret`` (a no_log option: a product key) is never
    shown, whatever its type: only what it is."""
    what = "(the value is not shown)" if secret else shown(value)
    if kind in ("int", "float") and isinstance(value, bool):
        raise AnsibleActionFail(f"{name}: expected a number, got the boolean {value!r}")
    if kind == "int" and isinstance(value, str) and not _ASCII_INT.fullmatch(value):
        raise AnsibleActionFail(f"{name}: {what} is not an integer (ASCII digits, no spaces or leading zeros)")
    if kind == "float":
        if isinstance(value, str) and not _ASCII_FLOAT.fullmatch(value):
            raise AnsibleActionFail(f"{name}: {what} is not a decimal number")
        if isinstance(value, float) and not math.isfinite(value):
            raise AnsibleActionFail(f"{name}: expected a finite number, got {value!r}")
    if kind in ("str", "path") and not isinstance(value, str):
        raise AnsibleActionFail(f"{name}: expected a string, got {kind_of(value)} {what}")
    if kind == "bool" and isinstance(value, str) and value.lower() not in BOOLEAN_STRINGS:
        raise AnsibleActionFail(f"{name}: {what} is not a boolean: expected true/false, yes/no, on/off or 1/0 "
                                "(any case, no spaces)")


#: The strings a boolean option takes: those ansible-core's ``bool`` filter reads as argument validation does (the
#: playbooks test switches such as ``kms_host_firewall | bool``). Others - ``y``, ``t``, ``" true"`` - validation
#: would take as true and the filter reads as false (2.19+: with a deprecation warning), so they are refused.
BOOLEAN_STRINGS = frozenset(("true", "false", "yes", "no", "on", "off", "1", "0"))


# --- names and addresses ---------------------------------------------------------------------------------------------

# RFC 1123 section 2.1 / RFC 952: letters, digits and hyphens, 1-63 per label, not starting or ending with a hyphen.
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.I)
_CONFUSABLE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")


def _scripts(label: str) -> set[str]:
    """The scripts of a label's letters (the first word of each letter's Unicode name)."""
    return {("LATIN" if c.isascii() else unicodedata.name(c, "?").split(" ")[0]) for c in label if c.isalpha()}


def _a_label(option: str, label: str, value: str) -> str:
    """One label as ASCII (its IDNA A-label when it holds other characters)."""
    if label.isascii() and not label.lower().startswith("xn--"):
        return label
    scripts = _scripts(label)
    if "LATIN" in scripts and scripts & set(_CONFUSABLE_SCRIPTS):
        raise AnsibleActionFail(f"{option}: {shown(value)} mixes Latin letters with {'/'.join(sorted(scripts - {'LATIN'}))} "
                                "letters that look alike in one label (a spoofable name); write each label in one script")
    try:
        if label.isascii():  # an A-label given as such must decode (RFC 5891 section 5.4)
            if HAS_IDNA:
                idna.ulabel(label)
            else:
                label.encode("ascii").decode("idna")
            return label
        return idna.alabel(label).decode("ascii") if HAS_IDNA else label.encode("idna").decode("ascii")
    except (UnicodeError, ValueError) as exc:
        raise refused(f"{option}: {shown(value)} is not a valid internationalized name ({exc})") from None


def _dns_name(option: str, value: t.Any, what: str, allow_underscore: bool = False) -> str:
    """A DNS name (host name or domain): LDH labels 1-63 (IDN allowed), 253 characters in all, one trailing dot."""
    text = _string(option, value, what)
    if " " in text:
        raise AnsibleActionFail(f"{option}: {shown(value)} holds a space; expected {what}")
    body = text[:-1] if text.endswith(".") else text
    labels = body.split(".")
    ascii_labels = [_a_label(option, label, value) for label in labels]
    pattern = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)", re.I) if allow_underscore else _LABEL
    bad = [label for label, a in zip(labels, ascii_labels) if not pattern.fullmatch(a)]
    if bad:
        raise AnsibleActionFail(f"{option}: {shown(value)} is not {what}: label {shown(bad[0])} must be 1-63 letters, "
                                "digits or hyphens, not starting or ending with a hyphen")
    if len(".".join(ascii_labels)) > 253:
        raise AnsibleActionFail(f"{option}: {shown(value)} is longer than 253 characters; expected {what}")
    if ascii_labels[-1].isdigit():
        # RFC 3696 section 2: a top-level domain is never all-numeric (and an all-numeric name is an address)
        raise AnsibleActionFail(f"{option}: {shown(value)} is not {what}: a name's last label is never all digits, and an "
                                "IPv4 address is four decimal numbers 0-255 without leading zeros")
    return text


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IPv4 address (dotted decimal, no leading zeros) or an IPv6 address (zone id allowed), else None."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


# A zone id as Windows writes it (an interface index, %12) or as other systems do (an interface name, %eth0).
_ZONE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _ipv6(option: str, text: str, value: t.Any) -> str:
    """An IPv6 literal without brackets; zone ids are letters, digits, ``_.-``."""
    address = _ip(text)
    if not isinstance(address, ipaddress.IPv6Address) or (address.scope_id is not None and not _ZONE.fullmatch(address.scope_id)):
        raise AnsibleActionFail(f"{option}: {shown(value)} is not an IPv6 address (e.g. [2001:db8::1] or [fe80::1%12])")
    return text


def host(option: str, value: t.Any) -> str:
    """A host name (RFC 1123, IDN allowed), an IPv4 address or an IPv6 address (brackets optional); returned as
    given, an IPv6 address without its brackets."""
    text = _string(option, value, "a host name or an IP address")
    if text.startswith("[") and text.endswith("]"):
        return _ipv6(option, text[1:-1], value)
    if ":" in text:
        return _ipv6(option, text, value)
    if _ip(text) is not None:
        return text
    return _dns_name(option, value, "a host name or an IP address")


def endpoint(option: str, value: t.Any, default_port: int = 1688) -> dict[str, t.Any]:
    """``host``, ``host:port``, ``IPv6``, ``[IPv6]`` or ``[IPv6]:port`` (port 1-65535, ``default_port`` when left out).

    An IPv6 address without brackets has no port (``::1:1688`` is one address). The host comes back without brackets."""
    allowed = "a valid 'host', 'host:port', 'IPv6', '[IPv6]' or '[IPv6]:port' (port 1-65535)"
    text = _string(option, value, allowed)
    if text.startswith("["):
        inside, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise AnsibleActionFail(f"{option}: {shown(value)} is not {allowed}")
        return {"host": _ipv6(option, inside, value), "port": _port_of(option, rest[1:], value, allowed) if rest else default_port}
    if text.count(":") > 1:
        return {"host": _ipv6(option, text, value), "port": default_port}
    name, sep, port_text = text.partition(":")
    return {"host": host(option, name), "port": _port_of(option, port_text, value, allowed) if sep else default_port}


def _port_of(option: str, text: str, value: t.Any, allowed: str) -> int:
    """The port part of an endpoint; the error shows the whole value."""
    try:
        return port(option, text)
    except AnsibleActionFail:
        raise refused(f"{option}: {shown(value)} is not {allowed}") from None


def machine_name(host_value: str) -> str:
    """The host as SetKeyManagementServiceMachine takes it: slmgr.vbs /skms passes an IPv6 address with its
    brackets and the port separately (SetKmsMachineName: ``strKmsName = Left(strKmsNamePort, nBracketEnd)``;
    usage text: "IPv6 address must be specified in the format [hostname]:port")."""
    address = _ip(host_value)
    return f"[{host_value}]" if isinstance(address, ipaddress.IPv6Address) else host_value


def dns_server(option: str, value: t.Any) -> tuple[str, int]:
    """A DNS server the controller asks: ``address``, ``IPv4:port``, ``IPv6``, ``[IPv6]`` or ``[IPv6]:port``.

    Addresses only: dnspython's Resolver.nameservers takes IP addresses, and a server named by a name would itself
    need a DNS server."""
    result = endpoint(option, value, 53)
    if _ip(result["host"]) is None:
        raise AnsibleActionFail(f"{option}: {shown(value)} is a name; give the DNS server's IP address "
                                "('address', 'IPv4:port' or '[IPv6]:port')")
    return result["host"], result["port"]


def domain(option: str, value: t.Any) -> str:
    """A DNS domain name (IDN allowed, one trailing dot allowed); returned lower-cased without the trailing dot."""
    text = _dns_name(option, value, "a DNS domain name")
    return text.rstrip(".").lower()


# W32Time NtpServer flags (learn.microsoft.com "Windows Time service tools and settings", NtpServer / w32tm
# /manualpeerlist: "<peer>,0x<flags>", 0x1 SpecialInterval, 0x2 UseAsFallbackOnly, 0x4 SymmetricActive, 0x8 Client).
_NTP_FLAGS = re.compile(r"0x(?:[0-9a-f]{1,2})", re.I)


def ntp_server(option: str, value: t.Any) -> str:
    """An NTP peer for W32Time: ``host`` or ``host,0x<flags>`` (flags 0x1-0xF); host as :func:`host`."""
    text = _string(option, value, "'host' or 'host,0x<flags>'")
    name, sep, flags = text.partition(",")
    if sep and (not _NTP_FLAGS.fullmatch(flags) or not 0 < int(flags, 16) < 16):
        raise AnsibleActionFail(f"{option}: {shown(value)} has flags {shown(flags)}; W32Time takes 'host,0x<flags>' with "
                                "flags 0x1-0xF (0x1 SpecialInterval, 0x2 UseAsFallbackOnly, 0x4 SymmetricActive, 0x8 Client)")
    if name.startswith("["):
        # assumed: W32Time's documented peer syntax is 'name,0x<flags>'; an IPv6 peer is written without brackets
        raise AnsibleActionFail(f"{option}: {shown(value)}: write an IPv6 peer without brackets ('address,0x<flags>')")
    host(option, name)
    return text


# --- identifiers and secrets -----------------------------------------------------------------------------------------

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def is_activation_id(value: t.Any) -> bool:
    """Whether ``value`` is an activation ID (a GUID, SoftwareLicensingProduct.ID)."""
    return isinstance(value, str) and bool(_GUID.fullmatch(value))


def activation_id(option: str, value: t.Any) -> str:
    """An activation ID (GUID, 8-4-4-4-12 hexadecimal digits), lower-cased as slmgr compares it."""
    if not is_activation_id(value):
        raise AnsibleActionFail(f"{option}: {shown(value)} is not an activation ID (a GUID such as "
                                "2de67392-b7a7-462a-b1ca-108dd189f588)")
    return str(value).lower()


# Product keys: five groups of five from the product-key alphabet (consonants and digits 2-9, with N, which Windows 8
# and later keys use: GVLKs such as W269N-WFGWX-YVC9B-4J6C9-T83GX; tests/unit check every GVLK of Microsoft's table).
KEY_RE = re.compile(r"^[BCDFGHJKMNPQRTVWXY2-9]{5}(-[BCDFGHJKMNPQRTVWXY2-9]{5}){4}$")


def product_key(option: str, value: t.Any) -> str:
    """A product key (5x5); the error never shows more than the key's last five characters."""
    key = value.strip().upper() if isinstance(value, str) else None
    if key is None or not KEY_RE.match(key):
        tail = f" ending in {value[-5:]!r}" if isinstance(value, str) and len(value) > 10 and value[-5:].isprintable() else ""
        raise AnsibleActionFail(f"{option} must be five groups of five characters (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX) from the "
                                f"product-key alphabet; the value given{tail} is not (it is not shown)")
    return key


# --- firewall --------------------------------------------------------------------------------------------------------

def firewall_rule_name(option: str, value: t.Any) -> str:
    """A firewall rule Name: 1-200 printable characters without ``|`` (the field separator of the rule strings
    Windows stores, [MS-GPFAS] 2.2.2.10 "Firewall Rule and the Firewall Rule Grammar Rule"), no leading or trailing
    space. The 200-character limit is assumed (Microsoft documents none for New-NetFirewallRule -Name)."""
    text = _string(option, value, "a firewall rule name")
    if len(text) > 200 or "|" in text or text != text.strip():
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a firewall rule name (1-200 printable characters, "
                                "no '|', no leading or trailing spaces)")
    return text


def firewall_address(option: str, value: t.Any) -> str:
    """A firewall remote address: Any, LocalSubnet, an IPv4/IPv6 address or network (CIDR)."""
    text = _string(option, value, "an address, a network (CIDR), Any or LocalSubnet")
    if text.lower() in ("any", "localsubnet"):
        return text
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        network = None
    if network is None or "%" in text:
        raise AnsibleActionFail(f"{option}: {shown(value)} is not an address, a network (CIDR), Any or LocalSubnet")
    return text


# --- controller-side names -------------------------------------------------------------------------------------------

def path(option: str, value: t.Any) -> str:
    """A path on the controller: 1-4096 characters, no control characters."""
    text = _string(option, value, "a path")
    if len(text) > 4096 or text != text.strip():
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a path (1-4096 characters, no leading or trailing spaces)")
    return text


#: The hidden folder the write probe of ``writable_folder`` makes and removes at once: ``<prefix><pid>-<process start
#: time>-<pid space>-<random>`` (``_controller.process_prefix``), so that one left behind by a run killed between the
#: two calls is known to be ours and stale.
PROBE_PREFIX = ".winactivation-kms-check-"
#: A probe folder named without its process (an earlier release's) is stale after this many seconds: the probe
#: lives for two system calls.
PROBE_STALE_SECONDS = 600


def sweep_probes(folder: str) -> list[str]:
    """Remove the stale write probes in ``folder`` (``_controller.ended_run_folders``: their run is over, or, named the
    earlier way, they are older than ``PROBE_STALE_SECONDS``): only empty ones (``os.rmdir``), so nothing but a
    probe's own empty folder can ever go; the names removed."""
    removed = []
    for name in _controller.ended_run_folders(folder, PROBE_PREFIX, PROBE_STALE_SECONDS):
        try:
            os.rmdir(os.path.join(folder, name))
        except OSError:
            continue
        removed.append(name)
    return removed


def _probe_prefix() -> str:
    """This process's probe name prefix: ``PROBE_PREFIX`` with its pid, start time and pid space
    (``_controller.process_prefix``)."""
    return _controller.process_prefix(PROBE_PREFIX)


def writable_folder(option: str, value: t.Any) -> str:
    """A path (as :func:`path`) the controller can write a folder of files into: a folder it may write in, or a path
    whose nearest existing parent is such a folder (the folders between are created). Checked before any host is
    contacted, so a run never changes hosts and then fails to write its report.

    The check writes a probe folder and removes it at once (``os.access`` says yes to root on a read-only file
    system), sweeping stale probes of ended runs first (``sweep_probes``). Check mode probes the same way: the probe
    changes no host and leaves nothing behind, and a check run must refuse the folder a real run cannot write in."""
    text = path(option, value)
    target = os.path.abspath(os.path.expanduser(text))
    probe = target
    while not os.path.lexists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.path.isdir(probe):
        where = "is" if probe == target else f"cannot be created: {probe} is"
        raise refused(f"{option}: {shown(value)} {where} not a folder; give a folder the controller can write in")
    sweep_probes(probe)
    try:    # a real write, undone at once: os.access says yes to root on a read-only or virtual file system
        os.rmdir(tempfile.mkdtemp(prefix=_probe_prefix(), dir=probe))
    except OSError as exc:
        where = "" if probe == target else f" (its nearest existing folder {probe})"
        raise refused(f"{option}: {shown(value)}{where} cannot be written by this user on the controller "
                      f"({exc.strerror}); give a folder the controller can write in") from None
    return text


def existing_file(option: str, value: t.Any) -> str:
    """A path (as :func:`path`) of a file that exists on the controller."""
    if not os.path.isfile(path(option, value)):
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a file")
    return str(value)


_STEM = re.compile(r"[^\\/:*?\"<>|]{1,100}")


def file_stem(option: str, value: t.Any) -> str:
    """A file name stem: 1-100 characters, none of ``\\ / : * ? " < > |``, not ``.``/``..``, no leading dot or space."""
    text = _string(option, value, "a file name stem")
    if not _STEM.fullmatch(text) or text.startswith((".", " ")) or text.endswith((".", " ")):
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a file name stem (1-100 characters, none of "
                                "\\ / : * ? \" < > |, not starting with a dot and not ending with a dot or space)")
    if _gvlk.mask_keys(text) != text:
        # a file's name is shown by every listing, log and result that names the file: no product key is ever put in one
        raise AnsibleActionFail(f"{option}: {shown(value)} holds a product key; a file name never does (give another name)")
    return text


def file_suffix(option: str, value: t.Any) -> str:
    """A suffix of a file name stem (a partial run's ``-partial``): empty for none, else up to 50 characters, none of
    ``\\ / : * ? " < > |``, not ending with a dot or space, no product key."""
    if value == "":
        return value
    text = _string(option, value, "a file name suffix")
    if len(text) > 50 or not _STEM.fullmatch(text) or text.endswith((".", " ")):
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a file name suffix ('' for none, or up to 50 characters, "
                                "none of \\ / : * ? \" < > |, not ending with a dot or space)")
    if _gvlk.mask_keys(text) != text:
        raise AnsibleActionFail(f"{option}: {shown(value)} holds a product key; a file name never does (give another suffix)")
    return text


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


def variable_name(option: str, value: t.Any) -> str:
    """An Ansible variable name: ASCII letters, digits and _, not starting with a digit."""
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a variable name (ASCII letters, digits and _, "
                                "not starting with a digit, up to 100 characters)")
    return value


def variable_path(option: str, value: t.Any) -> str:
    """A variable name, or a key path into a variable (``diagnose_fleet_result.document``): variable names joined
    by dots."""
    if not isinstance(value, str) or not all(_IDENTIFIER.fullmatch(part) for part in value.split(".")):
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a variable name or a key path into one (variable "
                                "names - ASCII letters, digits and _, not starting with a digit - joined by dots)")
    return value


def gather_hosts(option: str, value: t.Sequence[t.Any]) -> list[str]:
    """The hosts a fleet step gathers (``fleet`` and ``fleet_report`` ``hosts``): inventory names, at least one (an
    empty list would make a report of no host)."""
    if not value:
        raise AnsibleActionFail(f"{option}: empty - name at least one inventory host to gather, or leave {option} out")
    return [inventory_name(option, name) for name in value]


def host_pattern(option: str, value: t.Any) -> str:
    """An Ansible host pattern (``all``, ``kms_clients:!pc1``, ``web*``): 1-1000 characters, no control characters."""
    text = _string(option, value, "a host pattern")
    if len(text) > 1000 or text != text.strip():
        raise AnsibleActionFail(f"{option}: {shown(value)} is not a host pattern (1-1000 characters, no leading or "
                                "trailing spaces)")
    return text


def inventory_name(option: str, value: t.Any) -> str:
    """An inventory host name as the play knows it: 1-255 characters, no control characters."""
    text = _string(option, value, "an inventory host name")
    if len(text) > 255 or " " in text:
        raise AnsibleActionFail(f"{option}: {shown(value)} is not an inventory host name (1-255 characters, no spaces)")
    return text
