"""The small real workspace the editor tests (Neovim, VS Code in code-server) open: functions copied
from the standard library (math, shlex, posixpath, textwrap), and `app.py`, which calls two of them
from another file."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

FILES = {
    "mathutils.py": '''\
        def gcd(a, b):
            """Greatest common divisor of two integers (Euclid)."""
            while b:
                a, b = b, a % b
            return abs(a)


        def factorial(n):
            """Product of the integers from 1 to n."""
            if n < 0:
                raise ValueError("factorial() not defined for negative values")
            result = 1
            for i in range(2, n + 1):
                result *= i
            return result


        def is_prime(n):
            if n < 2:
                return False
            i = 2
            while i * i <= n:
                if n % i == 0:
                    return False
                i += 1
            return True
        ''',
    "shellutils.py": '''\
        import re

        _find_unsafe = re.compile(r'[^\\w@%+=:,./-]', re.ASCII).search


        def quote(s):
            """Return a shell-escaped version of the string *s*."""
            if not s:
                return "''"
            if _find_unsafe(s) is None:
                return s
            # use single quotes, and put single quotes into double quotes
            # the string $'b is then quoted as '$'"'"'b'
            return "'" + s.replace("'", "'\\"'\\"'") + "'"


        def split_lines(text, keepends=False):
            lines = []
            for line in text.splitlines(keepends):
                lines.append(line)
            return lines
        ''',
    "pathutils.py": '''\
        def splitext(p, sep="/", extsep="."):
            """Split the extension from a pathname: (root, ext)."""
            sep_index = p.rfind(sep)
            dot_index = p.rfind(extsep)
            if dot_index > sep_index:
                filename_index = sep_index + 1
                while filename_index < dot_index:
                    if p[filename_index:filename_index + 1] != extsep:
                        return p[:dot_index], p[dot_index:]
                    filename_index += 1
            return p, p[:0]


        def dedent(text):
            """Remove any common leading whitespace from every line in `text`."""
            lines = text.splitlines()
            margin = None
            for line in lines:
                stripped = line.lstrip()
                if stripped:
                    indent = line[: len(line) - len(stripped)]
                    margin = indent if margin is None else min(margin, indent)
            if not margin:
                return text
            return "\\n".join(line[len(margin):] if line.strip() else "" for line in lines)
        ''',
    "app.py": '''\
        from mathutils import gcd
        from shellutils import quote


        def reduce_fraction(numerator, denominator):
            divisor = gcd(numerator, denominator)
            return numerator // divisor, denominator // divisor


        def command_line(args):
            return " ".join(quote(arg) for arg in args)
        ''',
}


def make_workspace(root: Path) -> Path:
    """Write FILES into `root` and make it a git repository (the Neovim client's root marker)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (root / name).write_text(textwrap.dedent(text))
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    else:  # an empty `.git` directory marks the root as well
        (root / ".git").mkdir()
    return root


def position(root: Path, name: str, line_start: str, word: str) -> tuple[int, int]:
    """(line, character), 0-based, of `word` in the first line of `name` that starts with `line_start`."""
    lines = (root / name).read_text().splitlines()
    line = next(i for i, text in enumerate(lines) if text.lstrip().startswith(line_start))
    return line, lines[line].index(word)


def hover_problems(text: str | None, signature: str) -> list[str]:
    """What is wrong with a LeanCode hover's text (markdown, or as a browser renders it): it must hold a
    summary line (with where it came from) above the function's signature."""
    if not text:
        return ["no hover"]
    head = text.split(signature)[0] if signature in text else ""
    summary = head.replace("```python", "").strip()
    problems = []
    if signature not in text:
        problems.append(f"no signature {signature!r}")
    if not summary:
        problems.append("no summary line above the signature")
    return [f"{problem} in the hover {text!r}" for problem in problems]
