# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strip comments, indentation and blank lines from the collection's PowerShell scripts before they travel.

Why our own and not ansible-core's: ansible-core strips its own wrappers with a private, line-based helper that moved
and changed between the versions we support (``_strip_comments`` in ``executor/powershell/module_manifest.py`` of
2.16-2.18, no PowerShell stripping in 2.19-2.20, ``_strip_comments_and_whitespace`` in 2.21). None of them knows
strings: a here-string line that starts with ``#`` would be cut out of the string, and 2.21's leaves ``<# #>`` block
comments in. docs/architecture.md ("The remote payload") has the argument.

What this does is a small lexer of the PowerShell language (about_Comments, about_Quoting_Rules, about_Special_Characters):
it knows single- and double-quoted strings (with their doubled quotes and backtick escapes), ``$( )`` sub-expressions
inside double-quoted strings, here-strings (``@' '@``, ``@" "@``, closed only at the start of a line), ``${...}``
variable names, backtick escapes and line continuations. Outside strings it removes ``#`` comments and ``<# #>``
block comments that start a token, the indentation and trailing blanks of each line and, unless ``keep_lines``, blank
lines. Kept: the first line (the marker the host side recognises) and ``#requires`` lines. Inside strings nothing
changes. A line after a backtick line continuation is never dropped (it belongs to the statement).

``tests/unit/plugins/plugin_utils/test_ps_comments.py`` proves it on every shipped script: the tree-sitter-powershell
parse of the stripped script equals the original's minus its comment nodes.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import dataclasses
import functools

#: Characters after which ``#`` or ``<#`` starts a comment (besides whitespace and the start of a line); elsewhere
#: (``a#b`` in a command argument) PowerShell reads ``#`` as part of the token, and so does this lexer.
_TOKEN_START = frozenset(";{(|")
_BLANKS = frozenset(" \t\f\v")


@dataclasses.dataclass
class _Line:
    """One line of the output as it is built: its text, and whether it starts and ends outside any string."""

    text: list[str]
    starts_in_code: bool
    ends_in_code: bool = True
    continued: bool = False     # ends with a backtick line continuation


class _Lexer:
    """One pass over a script; ``run`` returns the stripped lines."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.lines: list[_Line] = [_Line([], True)]
        # the mode stack: 'code' (int = open parentheses of a sub-expression), 'dq', 'sq', 'here_dq', 'here_sq'
        self.stack: list[tuple[str, int]] = [("code", 0)]
        self.boundary = True    # at a token start: a '#' here opens a comment

    # -- output -------------------------------------------------------------------------------------------------
    def _emit(self, text: str) -> None:
        """Append ``text`` (no newline in it) to the current output line."""
        self.lines[-1].text.append(text)

    def _newline(self) -> None:
        """End the current output line; the next starts in code when no string is open."""
        line = self.lines[-1]
        line.ends_in_code = self._mode() == "code"
        line.continued = line.ends_in_code and "".join(line.text).endswith("`")
        self.lines.append(_Line([], self._mode() == "code"))
        self.boundary = True

    def _mode(self) -> str:
        """The innermost mode."""
        return self.stack[-1][0]

    # -- scanning -----------------------------------------------------------------------------------------------
    def run(self) -> list[_Line]:
        """Scan the whole source."""
        while self.pos < len(self.src):
            mode = self._mode()
            if mode == "code":
                self._code()
            elif mode == "sq":
                self._single()
            elif mode == "dq":
                self._double()
            else:
                self._here()
        if self.stack != [("code", 0)]:
            raise ValueError(f"unterminated {self._mode()} at the end of the script")
        return self.lines

    def _take(self, count: int = 1) -> str:
        """Consume ``count`` characters and return them."""
        text = self.src[self.pos:self.pos + count]
        self.pos += count
        return text

    def _code(self) -> None:
        """One step in code."""
        src, pos = self.src, self.pos
        char = src[pos]
        if char == "\n":
            self._take()
            self._newline()
            return
        if char == "#" and self.boundary:
            self._line_comment()
            return
        if char == "<" and src.startswith("<#", pos) and self.boundary:
            self._block_comment()
            return
        if char == "`":     # escape: the next character is literal (a newline: line continuation)
            self._emit(self._take())
            if self.pos < len(src) and src[self.pos] != "\n":
                self._emit(self._take())
            self.boundary = False
            return
        if char == "@" and src.startswith(("@'", '@"'), pos) and self._here_opens(pos + 2):
            self._emit(self._take(2))
            self.stack.append(("here_sq" if src[pos + 1] == "'" else "here_dq", 0))
            return
        if char == "'":
            self._emit(self._take())
            self.stack.append(("sq", 0))
            return
        if char == '"':
            self._emit(self._take())
            self.stack.append(("dq", 0))
            return
        if char == "$" and src.startswith("${", pos):
            end = src.find("}", pos)
            if end < 0:
                raise ValueError("unterminated ${ variable name")
            self._emit(self._take(end + 1 - pos))
            self.boundary = False
            return
        if char in "()":
            kind, depth = self.stack[-1]
            if len(self.stack) > 1:     # a sub-expression inside a string: its closing parenthesis returns there
                if char == ")" and depth == 0:
                    self.stack.pop()
                    self._emit(self._take())
                    return
                self.stack[-1] = (kind, depth + (1 if char == "(" else -1))
        self._emit(self._take())
        self.boundary = char in _BLANKS or char in _TOKEN_START

    def _here_opens(self, after: int) -> bool:
        """``@'``/``@"`` open a here-string only when nothing but blanks follows them on the line."""
        end = self.src.find("\n", after)
        rest = self.src[after:] if end < 0 else self.src[after:end]
        return end >= 0 and not rest.strip(" \t\r")

    def _line_comment(self) -> None:
        """``#`` to the end of the line; ``#requires`` is kept, it is a statement to PowerShell."""
        end = self.src.find("\n", self.pos)
        end = len(self.src) if end < 0 else end
        text = self.src[self.pos:end]
        self.pos = end
        if text[1:].lower().startswith("requires"):
            self._emit(text)

    def _block_comment(self) -> None:
        """``<#`` to ``#>``: its newlines are kept (so line numbers stay), a blank stands for it between tokens."""
        end = self.src.find("#>", self.pos + 2)
        if end < 0:
            raise ValueError("unterminated <# block comment")
        inner = self.src[self.pos:end + 2]
        self.pos = end + 2
        for _newline in range(inner.count("\n")):
            self._newline()
        self._emit(" ")
        self.boundary = True

    def _single(self) -> None:
        """Inside '...': '' is a quote; newlines are the string's own."""
        char = self._take()
        if char == "'":
            if self.src.startswith("'", self.pos):
                self._emit(char + self._take())
                return
            self.stack.pop()
            self.boundary = False
            self._emit(char)
            return
        self._string_char(char)

    def _double(self) -> None:
        """Inside "...": "" and `x are literal, $( opens code that returns here at its matching )."""
        char = self._take()
        if char == "`" and self.pos < len(self.src):
            self._string_char(char)
            self._string_char(self._take())
            return
        if char == '"':
            if self.src.startswith('"', self.pos):
                self._emit(char + self._take())
                return
            self.stack.pop()
            self.boundary = False
            self._emit(char)
            return
        if char == "$" and self.src.startswith("(", self.pos):
            self._emit(char + self._take())
            self.stack.append(("code", 0))
            self.boundary = True
            return
        self._string_char(char)

    def _here(self) -> None:
        """Inside a here-string: everything is content up to a line that starts with its closing '@ or "@."""
        closing = "\n'@" if self._mode() == "here_sq" else '\n"@'
        end = self.src.find(closing, self.pos)
        if end < 0:
            raise ValueError("unterminated here-string")
        for char in self.src[self.pos:end]:
            self._string_char(char)
        self.pos = end + 1
        self._newline_in_string()
        self.stack.pop()
        self._emit(self._take(2))
        self.boundary = False

    def _string_char(self, char: str) -> None:
        """One character of a string's content, kept as it is."""
        if char == "\n":
            self._newline_in_string()
        else:
            self._emit(char)

    def _newline_in_string(self) -> None:
        """A newline that is part of a string: the line ends inside it, the next starts inside it."""
        line = self.lines[-1]
        line.ends_in_code = False
        self.lines.append(_Line([], False))


def _finish(lines: list[_Line], keep_lines: bool) -> list[str]:
    """Trim each line where it is code, and drop the blank ones unless ``keep_lines``."""
    out: list[str] = []
    continued = False
    for line in lines:
        text = "".join(line.text)
        if line.starts_in_code:
            text = text.lstrip(" \t\f\v")
        if line.ends_in_code:
            trimmed = text.rstrip(" \t\f\v\r")
            text = text if trimmed.endswith("`") and trimmed != text else trimmed  # "` " is an escaped blank: kept
        blank = not text and line.starts_in_code and line.ends_in_code
        if not (blank and not keep_lines and not continued):
            out.append(text)
        continued = line.continued
    while out and not out[-1]:
        out.pop()
    return out


def strip(source: str, keep_lines: bool = True) -> str:
    """Return ``source`` without comments, indentation, trailing blanks and (unless ``keep_lines``) blank lines.

    The first line is kept as it is (the collection's marker line). With ``keep_lines`` every line stays where it
    was, empty when it held only a comment, so the line numbers PowerShell reports in errors still point at the
    repository's file. Raises ValueError on a string, here-string or block comment that is never closed.
    """
    first, newline, body = source.partition("\n")
    if not newline:
        return source
    lines = _finish(_Lexer(body.replace("\r\n", "\n")).run(), keep_lines)
    return "\n".join([first] + lines)


@functools.lru_cache(maxsize=64)
def strip_cached(source: str, keep_lines: bool = True) -> str:
    """``strip`` for the shipped scripts, which are the same strings all run long."""
    return strip(source, keep_lines)
