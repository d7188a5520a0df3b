"""Chinese ``--help``: the command tree's texts and click's own headings, when the reader reads zh.

``localize`` replaces every command's help and epilog and every parameter's help from
``help_zh_texts``, and gives each command a context whose help formatter writes click's fixed
texts ("Usage:", "Options:", "[default: …]", "[required]", "Show this message and exit.") in
Chinese.  The formatter rewrites click's *output*, not its internals, so it does not depend on
how a click or typer version produces those texts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

from evidence_capture.ui.cjk_wrap import cells, wrap_line, wrap_paragraphs
from evidence_capture.ui.help_zh_texts import COMMANDS, ENV_TITLE, ENV_VARS, OPTIONS

__all__ = ["COMMANDS", "OPTIONS", "env_help_zh", "localize"]

_SECTIONS = {"Arguments": "参数", "Options": "选项", "Commands": "命令"}
_USAGE_WORDS = (("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."))
_EXTRA = re.compile(r"\s*\[([^\[\]]*)\]\s*$")
_EXTRA_PARTS = ((re.compile(r"^default: (.*)$", re.S), "默认：{}"), (re.compile(r"^required$"), "必填"),
                (re.compile(r"^env var: (.*)$", re.S), "环境变量：{}"))


def env_help_zh() -> str:
    """The environment-variable epilog in Chinese (the variables of ``config.ENV_VARS``)."""
    from evidence_capture.config import DEFAULT_CHROMIUM, ENV_VARS as NAMES, FALLBACK_CHROMIUM

    width = max(len(name) for name in NAMES)
    lines = [f"{name.ljust(width)}  "
             + ENV_VARS[name].format(chromium=DEFAULT_CHROMIUM, fallback=FALLBACK_CHROMIUM) for name in NAMES]
    return f"{ENV_TITLE}\n\n\b\n" + "\n".join(lines)


def _extra_zh(text: str) -> str:
    """``[default: 10.0; x>=0.1; required]`` -> ``[默认：10.0; x>=0.1; 必填]``."""
    match = _EXTRA.search(text)
    if not match:
        return text
    parts = []
    for part in match.group(1).split("; "):
        for pattern, zh in _EXTRA_PARTS:
            found = pattern.match(part)
            if found:
                part = zh.format(*found.groups())
                break
        parts.append(part)
    return text[:match.start()] + "  [" + "；".join(parts) + "]"


def help_text_zh(text: str) -> str:
    """One help column of click's output: the help option's text and the trailing ``[…]``."""
    return _extra_zh(text.replace("Show this message and exit.", OPTIONS["Show this message and exit."]))


@lru_cache(maxsize=None)
def _zh_context(base: type) -> type:
    """A subclass of the click context ``base`` whose help formatter writes Chinese headings."""
    formatter_base = base.formatter_class

    class ZhFormatter(formatter_base):  # type: ignore[misc, valid-type]
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            for english, chinese in _USAGE_WORDS:
                args = args.replace(english, chinese)
            super().write_usage(prog, args, "用法：" if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            self.write(" " * self.current_indent + _SECTIONS.get(heading, heading) + "：\n")

        def write_text(self, text: str) -> None:
            self.write(wrap_paragraphs(text, self.width, " " * self.current_indent) + "\n")

        def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
            """Click's definition list, its second column translated and wrapped by cells."""
            rows = list(rows)
            first_col = min(max((cells(first) for first, _ in rows), default=0), col_max) + col_spacing
            margin = " " * (first_col + self.current_indent)
            for first, second in rows:
                self.write(" " * self.current_indent + first)
                if not second:
                    self.write("\n")
                    continue
                fits = cells(first) <= first_col - col_spacing
                self.write(" " * (first_col - cells(first)) if fits else "\n" + margin)
                lines = wrap_line(help_text_zh(second), max(self.width - first_col - 2, 10))
                self.write("\n".join([lines[0], *(margin + line for line in lines[1:])]) + "\n")

    return type("ZhContext", (base,), {"formatter_class": ZhFormatter})


def localize(command: Any, lang: str, path: str = "") -> None:
    """Replace the help of ``command`` (a click command or group), its parameters and subcommands."""
    if lang != "zh":
        return
    if path in COMMANDS:
        command.help = COMMANDS[path]
        command.short_help = None
    if getattr(command, "epilog", None):
        command.epilog = env_help_zh()
    command.context_class = _zh_context(type(command).context_class)
    for param in getattr(command, "params", []):
        help_text = getattr(param, "help", None)
        if help_text in OPTIONS:
            param.help = OPTIONS[help_text]
    for name, sub in (getattr(command, "commands", None) or {}).items():
        localize(sub, lang, f"{path} {name}".strip())
