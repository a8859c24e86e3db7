# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run's report files land in the report folder as one complete set (issue 14 item 6).

Two runs into the same folder used to leave a mixed set: files a run did not write this time (another language,
fewer formats, the remediation files of an earlier remediate run) stayed beside its new ones, and two runs at the
same time interleaved their files. ``publish`` writes a run's files into a staging folder first, then, holding an
exclusive lock on the folder (``fcntl.flock`` on the folder itself, so no lock file is left behind), renames each
into place (``os.replace``, atomic per file) and removes the report files of the same name stem that this run did not
write: ``<stem>[-before].json``, ``<stem>[-before].<language>.<csv|md|html>`` and ``remediation.json``,
``remediation.<language>.<md|html>``. Nothing else in the folder is touched (other stems, the user's own files,
check-mode folders, the records of interrupted runs, ``remediation-interrupted-*``). Two runs publish one after the
other, so the folder always ends with exactly one run's set.

A staging folder is named after its run's process (``_controller.process_prefix``): one that a run killed while it
wrote its reports left behind (it holds that run's files) is removed by the next publish into the folder once that
run's process is over (``sweep_staging``); a live run's is never touched, nor, for an hour, one of another machine's or
container's process (a folder on a share: ``_controller.pid_space``).
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import stat
import tempfile
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _report

STAGING_PREFIX = ".winactivation-kms-staging-"
#: A staging folder named without its process (an earlier release's naming) is over after this many seconds: a
#: run's staging folder lives while it writes its report files.
STAGING_STALE_SECONDS = 3600


@contextlib.contextmanager
def _locked(folder: str) -> t.Iterator[None]:
    """Hold the folder's exclusive publish lock (released when the block ends or the process dies)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _plain_name(name: t.Any) -> bool:
    """A file name of the folder itself: no folder part, not hidden, not . or .."""
    return isinstance(name, str) and bool(name) and name == os.path.basename(name) and not name.startswith(".") \
        and "/" not in name and "\\" not in name


def report_set(stem: str, remediation: str = "remediation") -> re.Pattern[str]:
    """The names of every report file a run with name stem ``stem`` and remediation stem ``remediation`` (a partial
    run's ``remediation-partial``) may write (any language, any format)."""
    languages = "|".join(re.escape(lang) for lang in _report.LANGUAGES)
    return re.compile(rf"(?:{re.escape(stem)}(?:-before)?\.(?:json|(?:{languages})\.(?:csv|md|html))"
                      rf"|{re.escape(remediation)}\.(?:json|(?:{languages})\.(?:md|html)))")


def stale_files(folder: str, stem: str, files: t.Iterable[str], remediation: str = "remediation") -> list[str]:
    """Report files of ``stem`` (and ``remediation``) in ``folder`` that are not in ``files`` (an earlier run's), sorted."""
    pattern, keep = report_set(stem, remediation), set(files)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(n for n in names if n not in keep and pattern.fullmatch(n) and os.path.isfile(os.path.join(folder, n))
                  and not os.path.islink(os.path.join(folder, n)))


def _same(path: str, data: bytes) -> bool:
    """Whether ``path`` already holds exactly ``data``."""
    try:
        with open(path, "rb") as existing:
            return existing.read() == data
    except OSError:
        return False


class PublishError(Exception):
    """The report files could not be written (a full disk, no permission): the message says why and what the folder
    holds now - nothing changed when the failure came while the files were staged, part of this run's set after."""


def publish(folder: str, files: dict[str, str], stem: str, remediation: str = "remediation") -> bool:
    """Make ``folder`` hold exactly this run's report ``files`` (name -> text) among the report files of ``stem`` and
    ``remediation``.

    Returns True when anything in the folder changed (a file written or a stale one removed). Raises PublishError
    when the files cannot be written: while staging (the usual place of a full disk, the data is written there) the
    folder is left as it was.
    """
    for name in files:
        if not _plain_name(name):
            raise ValueError(f"report file name {name!r} must be a plain file name")
    try:
        os.makedirs(folder, mode=0o755, exist_ok=True)
        sweep_staging(folder)
        stage = tempfile.mkdtemp(prefix=_controller.process_prefix(STAGING_PREFIX), dir=folder)
    except OSError as exc:
        raise PublishError(_failure(folder, exc, "nothing in the folder was changed (it keeps the reports it had)")) from exc
    changed = False
    try:
        staged = _stage(folder, stage, files)
        try:
            with _locked(folder):
                for name, data in staged.items():
                    target = os.path.join(folder, name)
                    if not _same(target, data):
                        os.replace(os.path.join(stage, name), target)
                        changed = True
                for name in stale_files(folder, stem, files, remediation):
                    os.remove(os.path.join(folder, name))
                    changed = True
        except OSError as exc:
            what = ("part of this run's files replaced the earlier ones: run the reports again" if changed
                    else "nothing in the folder was changed (it keeps the reports it had)")
            raise PublishError(_failure(folder, exc, what)) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return changed


def sweep_staging(folder: str) -> list[str]:
    """Remove the staging folders in ``folder`` whose run is over (``_controller.ended_run_folders``) and that hold
    nothing but files (what ``_stage`` writes); the names removed. Anything else in such a folder (a subfolder, a
    link) keeps it where it is."""
    removed = []
    for name in _controller.ended_run_folders(folder, STAGING_PREFIX, STAGING_STALE_SECONDS):
        path = os.path.join(folder, name)
        try:
            entries = [os.path.join(path, entry) for entry in os.listdir(path)]
            if not all(stat.S_ISREG(os.lstat(entry).st_mode) for entry in entries):
                continue
            for entry in entries:
                os.remove(entry)
            os.rmdir(path)
        except OSError:
            continue
        removed.append(name)
    return removed


def _stage(folder: str, stage: str, files: dict[str, str]) -> dict[str, bytes]:
    """Write ``files`` into the staging folder ``stage``; their bytes by name. A PublishError says the folder is as it
    was (nothing is in place yet)."""
    staged: dict[str, bytes] = {}
    try:
        for name, text in files.items():
            data = text.encode("utf-8")
            with open(os.path.join(stage, name), "wb") as handle:
                handle.write(data)
            os.chmod(os.path.join(stage, name), 0o644)
            staged[name] = data
    except OSError as exc:
        raise PublishError(_failure(folder, exc, "nothing in the folder was changed (it keeps the reports it had)")) from exc
    return staged


def _failure(folder: str, exc: OSError, what: str) -> str:
    """The message of a PublishError: the folder, the system's reason (No space left on device) and ``what``."""
    return f"the reports could not be written to {folder}: {exc.strerror or exc}; {what}"
