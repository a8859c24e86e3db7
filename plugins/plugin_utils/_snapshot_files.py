# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A folder of snapshot files taken by hand, read one by one: a bad file is kept with its reason, never stops the batch."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import codecs
import glob
import os
import re
import typing as t

from ansible.errors import AnsibleError

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _gvlk, _snapshot, _text

MAX_BYTES = 64 * 1024 * 1024
_SUFFIX_RE = re.compile(r"((-kms-snapshot)?\.json|\.txt)$", re.IGNORECASE)
#: what a batch reads: snapshots (JSON) and pasted console output (slmgr, ospp.vbs, events, nslookup) as text
_EXTENSIONS = (".json", ".txt")

# Byte order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: Hiragana and katakana (U+3041-U+30FF): every Japanese console message has some; text of another code page decoded
#: as cp932 by mistake (German cp850's "ü" is a cp932 lead byte) gives kanji and symbols, seldom kana.
_KANA_RE = re.compile("[\u3041-\u30ff]")
#: What text read from a file in another encoding holds: Python's escapes of the bytes that were not UTF-8 (U+DC80 to
#: U+DCFF, as ansible-core's file lookup escapes them) and NUL characters (UTF-16 read as UTF-8).
_MISREAD_RE = re.compile("[\x00\udc80-\udcff]")


def resolve_folder(folder: str, cwd: str | None = None) -> str:
    """The absolute folder: ``~`` expanded, a relative path taken from where ansible-playbook runs (``cwd``)."""
    path = os.path.expanduser(str(folder))
    if not os.path.isabs(path):
        path = os.path.join(cwd or os.getcwd(), path)
    return os.path.normpath(path)


def decode(data: bytes) -> str:
    """Text of a snapshot file: UTF-8 (with or without BOM) or UTF-16/32 with BOM, as PowerShell 5.1's ``>`` writes.

    UTF-16 LE without a BOM (JSON text never holds NUL bytes in UTF-8; in UTF-16 LE most odd bytes are NUL) is read
    too; anything else must be UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding)
    if len(data) >= 2 and len(data) % 2 == 0 and data[0] != 0 and data[1::2].count(0) * 2 > len(data) // 2:
        return data.decode("utf-16-le")
    return data.decode("utf-8")


def decode_text(data: bytes) -> str:
    """Text of a pasted-output file: as :func:`decode`, else Japanese Shift_JIS (cp932) holding Japanese text.

    ``cscript slmgr.vbs /dlv > a.txt`` writes in the OEM code page (cscript calls ``WideCharToMultiByte(CP_OEMCP)``
    for redirected output), which is 932 on Japanese Windows. Other code pages are not guessed: bytes that are neither
    UTF-8/16 nor cp932 with kana in it raise UnicodeDecodeError, whose reason names what was tried.
    """
    try:
        return decode(data)
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        text = ""
    if _KANA_RE.search(text):
        return text
    raise UnicodeDecodeError(utf8_error.encoding, utf8_error.object, utf8_error.start, utf8_error.end,
                             f"{utf8_error.reason} at byte {utf8_error.start}; as cp932 "
                             + ("it holds no Japanese text" if text else "it does not decode either"))


def redecode(text: str, pasted: bool = True) -> str:
    """Text as its file's own encoding gives it, when the file was read as UTF-8 with the bytes that were not escaped
    (``lookup('ansible.builtin.file', ...)``): the bytes recovered and read by :func:`decode_text` (``pasted``, console
    output) or :func:`decode` (a JSON snapshot, which PowerShell 5.1's ``>`` writes in UTF-16); any other text as it is.

    Raises UnicodeDecodeError when the recovered bytes are no text that reader reads.
    """
    if not _MISREAD_RE.search(text):
        return text
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text         # a surrogate no decoder escaped: not a misread file
    return decode_text(data) if pasted else decode(data)


def snapshot_document(document: t.Any) -> t.Any:
    """A snapshot as a filter receives it, JSON text read by ``lookup('ansible.builtin.file', ...)`` from a file
    PowerShell 5.1's ``>`` wrote in UTF-16 included: such text in its own encoding (:func:`redecode`), anything else as
    it is. Raises _snapshot.SnapshotError naming the encodings read when the text is in none of them."""
    if not isinstance(document, str):
        return document
    try:
        return redecode(document, pasted=False)
    except UnicodeDecodeError as exc:
        raise _snapshot.SnapshotError(
            f"snapshot is not UTF-8 or UTF-16 text ({exc.reason} at byte {exc.start}): save the file as UTF-8") from None


def read_file(path: str, expiring_days: int = 30, restart_pending_ignore: t.Sequence[str] = ()) -> dict[str, t.Any]:
    """One file's diagnosis, or a failed result naming the file and why it was skipped (a product key in the file's
    name or the reason cut to its last five characters, as in the file's own strings).

    ``expiring_days`` and ``restart_pending_ignore`` are the diagnose module's analysis options, already checked."""
    name = _gvlk.mask_keys(os.path.basename(path))
    try:
        size = os.path.getsize(path)
        if size == 0:
            raise _Skip("the file is empty")
        if size > MAX_BYTES:
            raise _Skip(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        with open(path, "rb") as handle:
            data = handle.read()
        is_text = name.lower().endswith(".txt")
        try:
            text = decode_text(data) if is_text else decode(data)
        except UnicodeDecodeError as exc:
            if is_text:
                raise _Skip(f"not UTF-8, UTF-16 or Japanese Shift_JIS (cp932) text ({exc.reason}): save it as UTF-8 "
                            "(Notepad's Save As, Encoding UTF-8) or convert it to UTF-8 on the controller "
                            "(iconv -f <code page> -t UTF-8)") from None
            raise _Skip(f"not UTF-8 or UTF-16 text ({exc.reason} at byte {exc.start})") from None
        if not text.strip():
            raise _Skip("the file holds only white space")
        if is_text:
            snapshot = _text.snapshot_from_text(text, host=_SUFFIX_RE.sub("", name) or name)
            if not (snapshot.get("text_reader") or {}).get("read_lines"):
                raise _Skip("no slmgr, ospp.vbs, event or nslookup output recognised in the text")
        else:
            snapshot = _snapshot.read_snapshot(text)
        return _analyze.analyze(snapshot, {}, {"expiring_days": int(expiring_days),
                                               "restart_pending_ignore": list(restart_pending_ignore)})
    except _Skip as exc:
        reason = str(exc)
    except _snapshot.SnapshotError as exc:
        reason = exc.message
    except OSError as exc:
        reason = f"cannot be read: {exc.strerror or exc}"
    except Exception as exc:  # pylint: disable=broad-exception-caught  # one odd file must not stop the batch
        reason = f"cannot be diagnosed: {type(exc).__name__}: {exc}"
    why = _gvlk.mask_keys(" ".join(str(reason).split()))
    return {"failed": True, "skipped_file": name, "skipped_reason": why, "msg": f"snapshot file {name} skipped: {why}"}


class _Skip(Exception):
    """A file that is not a snapshot, with the reason."""


def _files(path: str) -> list[str]:
    """The snapshot and pasted-text files of folder ``path``, sorted."""
    return sorted(p for p in glob.glob(os.path.join(glob.escape(path), "*")) if p.lower().endswith(_EXTENSIONS) and os.path.isfile(p))


def folder_problem(folder: str, cwd: str | None = None) -> str | None:
    """Why ``folder`` cannot be read as a folder of snapshots (naming snapshot_dir), or None: it must be a folder
    holding at least one ``*.json`` snapshot or ``*.txt`` pasted output. Checked by the playbook's validation before
    anything is read, and by :func:`read_folder`."""
    path = resolve_folder(folder, cwd)
    if not os.path.isdir(path):
        return f"snapshot_dir: {_gvlk.mask_keys(path)} is not a folder (relative paths are taken from {cwd or os.getcwd()})"
    if not _files(path):
        return f"snapshot_dir: no *.json snapshot or *.txt pasted output in {_gvlk.mask_keys(path)}"
    return None


def read_folder(folder: str, cwd: str | None = None, expiring_days: int = 30,
                restart_pending_ignore: t.Sequence[str] = ()) -> list[dict[str, t.Any]]:
    """Every ``*.json`` snapshot and ``*.txt`` pasted output of ``folder`` as ``{host, path, result}``, sorted; host
    names from the file names; each diagnosed with the analysis options (see :func:`read_file`).

    Raises AnsibleError naming the folder when it does not exist or holds no such file.
    """
    problem = folder_problem(folder, cwd)
    if problem:
        raise AnsibleError(problem)
    files = _files(resolve_folder(folder, cwd))
    entries: list[dict[str, t.Any]] = []
    seen: set[str] = set()
    for file in files:
        # a file named after a product key (a person's way of telling machines apart) names its host and path by the
        # key's last five characters, like every string the file holds
        shown = _gvlk.mask_keys(file)
        host = _SUFFIX_RE.sub("", os.path.basename(shown)) or os.path.basename(shown)
        if host.lower() in seen:
            host = os.path.basename(shown)
        seen.add(host.lower())
        entries.append({"host": host, "path": shown, "result": read_file(file, expiring_days, restart_pending_ignore)})
    return entries
