#!/usr/bin/env python3
"""Generate an addon's README.rst and static/description/index.html.

    python3 scripts/gen_readme.py [--addon-dir billing_payments] [--output-dir DIR]

``make readme`` runs it. It stands in for OCA's ``oca-gen-addon-readme``
(maintainer-tools, which is not on PyPI) and follows it: the Markdown fragments
of ``readme/`` (DESCRIPTION, CONTEXT, INSTALL, CONFIGURE, USAGE, DEVELOP,
ROADMAP, HISTORY, CONTRIBUTORS, CREDITS) go, in OCA's order and under OCA's
section titles, into README.rst, with the bug tracker, authors and maintainers
taken from the manifest; docutils then renders README.rst to index.html with
OCA's settings (and fails on any docutils warning). Unlike OCA's, the header
has no badges and no source digest, so that only what the page shows decides
whether it must be regenerated (tests/test_readme.py checks that it is).

OCA converts Markdown with pandoc; this converts the subset the fragments use
and refuses the rest with an error naming the fragment and line:

- paragraphs; ATX headings from ``##`` on (``#`` is the fragment's own
  section), ``-``/``*`` bullet and ``1.`` numbered lists, nested by indenting
  the item's content; fenced code blocks (rendered as literal blocks);
  GitHub pipe tables (rendered as list-tables); an image alone on its line,
  ``![alt](static/description/x.png)`` (an ``.. image::``; index.html, which
  lives in static/description/, gets the path relative to itself, which is
  also what Odoo's Apps page expects);
- inline: code spans, ``**strong**``, ``*emphasis*``, ``[text](url)``,
  ``<https://...>`` and backslash escapes; RST cannot nest inline markup, so
  code or links inside emphasis or link text are refused.

``--output-dir`` writes ``README.rst`` and ``static/description/index.html``
under another directory instead of the addon's (what the test does).
"""

import argparse
import ast
import re
import sys
from pathlib import Path

import docutils
from docutils.core import publish_string

FRAGMENTS = (
    # name, section title, heading level of the fragment's own title
    ("DESCRIPTION", None, 1),
    ("CONTEXT", "Use Cases / Context", 1),
    ("INSTALL", "Installation", 1),
    ("CONFIGURE", "Configuration", 1),
    ("USAGE", "Usage", 1),
    ("DEVELOP", "Development", 1),
    ("ROADMAP", "Known issues / Roadmap", 1),
    ("HISTORY", "Changelog", 1),
    ("CONTRIBUTORS", "Contributors", 2),
    ("CREDITS", "Other credits", 2),
)

# Underline characters by section level: "=" for the sections of the page
# ("Usage"), "-" below them ("Authors", "##" headings in a fragment), ...
# The title (over- and underlined "=") is a style of its own.
UNDERLINES = "=-~^"

# OCA's RST2HTML_SETTINGS (from pypa/readme_renderer), plus no docutils.conf.
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "xml_declaration": False,
    "output_encoding": "utf-8",
    "_disable_config": True,
}

# OCA's words, wrapped.
ALPHA_WARNING = """\
.. IMPORTANT::
   This is an alpha version, the data model and design can change at any time
   without warning. Only for development or testing purpose, do not use in
   production. `More details on development status
   <https://odoo-community.org/page/development-status>`_
"""

BUG_TRACKER = """\
Bugs are tracked on `GitHub Issues <{project}/issues>`_.
In case of trouble, please check there if your issue has already been
reported. If you spotted it first, help us to smash it by providing a
detailed and welcomed `feedback <{project}/issues/new?body={body}>`_.

Do not contact contributors directly about support or help with technical
issues."""

BUG_BODY = (
    "module:%20{addon}%0Aversion:%20{branch}%0A%0A**Steps%20to%20reproduce**"
    "%0A-%20...%0A%0A**Current%20behavior**%0A%0A**Expected%20behavior**"
)


class FragmentError(Exception):
    """A fragment uses Markdown this converter does not support."""


# --- Markdown blocks ----------------------------------------------------------

BULLET_RE = re.compile(r"^( *)([-*]) +(.*)$")
ORDERED_RE = re.compile(r"^( *)(\d+)\. +(.*)$")
HEADING_RE = re.compile(r"^(#{1,6}) +(.*?)(?: +#+)? *$")
FENCE_RE = re.compile(r"^( *)(```+|~~~+)(.*)$")
IMAGE_RE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\) *$")
# Where images live, relative to the addon (README.rst) and to index.html.
IMAGE_DIR = "static/description/"
TABLE_DELIMITER_RE = re.compile(r"^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$")


def _indent_of(line):
    return len(line) - len(line.lstrip(" "))


def _list_marker(line):
    """(content column, kind, text) when ``line`` starts a list item, else None."""
    match = BULLET_RE.match(line)
    if match:
        indent, marker, text = match.groups()
        return len(indent) + len(marker) + 1, "bullet", text
    match = ORDERED_RE.match(line)
    if match:
        indent, number, text = match.groups()
        return len(indent) + len(number) + 2, "ordered", text
    return None


def _starts_block(line):
    return bool(
        HEADING_RE.match(line)
        or FENCE_RE.match(line)
        or _list_marker(line)
        or line.lstrip().startswith("|")
    )


def parse_blocks(lines, where):
    """Markdown lines (already dedented) → a list of block tuples.

    ``where(index)`` names a line in error messages.
    """
    blocks = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if "\t" in line:
            raise FragmentError(f"{where(i)}: tabs are not supported, use spaces")
        heading = HEADING_RE.match(line)
        if heading and _indent_of(line) == 0:
            blocks.append(
                ("heading", len(heading.group(1)), heading.group(2), where(i))
            )
            i += 1
            continue
        image = IMAGE_RE.match(line)
        if image and _indent_of(line) == 0:
            alt, path = image.groups()
            if not alt or not path.startswith(IMAGE_DIR):
                raise FragmentError(
                    f"{where(i)}: an image needs an alt text and a path under "
                    f"{IMAGE_DIR}"
                )
            blocks.append(("image", alt, path, where(i)))
            i += 1
            continue
        if FENCE_RE.match(line):
            parse = _parse_code
        elif _list_marker(line):
            parse = _parse_list
        elif line.lstrip().startswith("|"):
            parse = _parse_table
        else:
            parse = _parse_paragraph
        block, i = parse(lines, i, where)
        blocks.append(block)
    return blocks


def _parse_code(lines, i, where):
    fence = FENCE_RE.match(lines[i])
    indent, delimiter = len(fence.group(1)), fence.group(2)
    body, i = [], i + 1
    while i < len(lines) and not lines[i].strip().startswith(delimiter):
        line = lines[i]
        body.append(line[indent:] if _indent_of(line) >= indent else line.lstrip())
        i += 1
    if i == len(lines):
        raise FragmentError(f"{where(i - 1)}: code block not closed")
    return ("code", body), i + 1


def _parse_list(lines, i, where):
    """A list: consecutive items of one kind at the indentation of the first."""
    first = lines[i]
    kind = _list_marker(first)[1]
    items = []
    while i < len(lines):
        marker = _list_marker(lines[i])
        if not marker or marker[1] != kind or _indent_of(lines[i]) != _indent_of(first):
            break
        start = i
        item_lines, i = _item_lines(lines, i, marker)

        def item_where(index, start=start):
            return where(start + index)

        items.append(parse_blocks(item_lines, item_where))
        # blank lines between two items of the list
        while i + 1 < len(lines) and not lines[i].strip():
            if not _list_marker(lines[i + 1]):
                break
            i += 1
    return (kind, items), i


def _item_lines(lines, i, marker):
    """The lines of the list item that starts at ``i``, dedented; the next index."""
    column, _kind, text = marker
    item_lines = [text]
    i += 1
    while i < len(lines):
        current = lines[i]
        if not current.strip():
            # blank lines continue the item when indented content follows
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _indent_of(lines[j]) >= column:
                item_lines.extend([""] * (j - i))
                i = j
                continue
            break
        if _indent_of(current) >= column:
            item_lines.append(current[column:])
        elif not _starts_block(current) and item_lines[-1].strip():
            item_lines.append(current.strip())  # lazy continuation
        else:
            break
        i += 1
    return item_lines, i


def _parse_table(lines, i, where):
    rows, start = [], i
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        rows.append(lines[i].strip())
        i += 1
    if len(rows) < 2 or not TABLE_DELIMITER_RE.match(rows[1]):
        raise FragmentError(f"{where(start)}: a table needs a header and a |---| line")
    header = _table_cells(rows[0])
    body = [_table_cells(row) for row in rows[2:]]
    for offset, cells in enumerate(body, start=2):
        if len(cells) != len(header):
            raise FragmentError(
                f"{where(start + offset)}: {len(cells)} cells, "
                f"the header has {len(header)}"
            )
    return ("table", header, body, where(start)), i


def _parse_paragraph(lines, i, where):
    paragraph = [lines[i].strip()]
    i += 1
    while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
        paragraph.append(lines[i].strip())
        i += 1
    return ("paragraph", "\n".join(paragraph), where(i - len(paragraph))), i


def _table_cells(row):
    """Cells of a pipe-table row: split on | outside code spans, \\| kept."""
    cells, current, i, in_code = [], "", 0, 0
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    while i < len(row):
        char = row[i]
        if char == "\\" and i + 1 < len(row) and row[i + 1] == "|":
            current += "|" if in_code else "\\|"
            i += 2
            continue
        if char == "`":
            run = len(row[i:]) - len(row[i:].lstrip("`"))
            if not in_code:
                in_code = run
            elif run == in_code:
                in_code = 0
            current += "`" * run
            i += run
            continue
        if char == "|" and not in_code:
            cells.append(current.strip())
            current = ""
        else:
            current += char
        i += 1
    if current.strip():
        cells.append(current.strip())
    return cells


# --- inline Markdown → RST ----------------------------------------------------

# RST inline markup must be preceded by whitespace or one of these, and
# followed by whitespace or one of those; elsewhere an escaped space ("\ ",
# which renders as nothing) separates it from its neighbours.
RST_BEFORE_OK = set(" \n-:/'\"<([{")
RST_AFTER_OK = set(" \n-.,:;!?\\/'\")]}>")
MD_ESCAPABLE = set("\\`*_{}[]()#+-.!|<>~\"'")


def _rst_text(text):
    """Plain text → RST text: characters that would start markup escaped."""
    out = []
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        if char in "\\*`|":
            out.append("\\" + char)
        elif char == "_" and not (following.isalnum() or following == "_"):
            out.append("\\_")  # "word_" would be a hyperlink reference
        else:
            out.append(char)
    return "".join(out)


def _code_span(text, i, where):
    run = len(text[i:]) - len(text[i:].lstrip("`"))
    end = text.find("`" * run, i + run)
    while end != -1 and text[end + run : end + run + 1] == "`":
        end = text.find("`" * run, end + run + 1)
    if end == -1:
        raise FragmentError(f"{where}: unclosed code span in {text!r}")
    code = text[i + run : end].replace("\n", " ")
    if code.startswith(" ") and code.endswith(" ") and code.strip():
        code = code[1:-1]
    if "``" in code or code != code.strip() or not code:
        raise FragmentError(f"{where}: code span RST cannot render: {code!r}")
    return f"``{code}``", end + run


def _emphasis(text, i, where):
    size = 2 if text.startswith(("**", "__"), i) else 1
    delimiter = text[i : i + size]
    end = text.find(delimiter, i + len(delimiter))
    if end == -1:
        raise FragmentError(f"{where}: unclosed {delimiter} in {text!r}")
    inner = convert_inline(text[i + len(delimiter) : end], where, allow_markup=False)
    marks = "**" if len(delimiter) == 2 else "*"
    return f"{marks}{inner}{marks}", end + len(delimiter)


def _link(text, i, where):
    match = re.match(r"\[([^\]]+)\]\(([^)\s]+)\)", text[i:])
    if not match:
        raise FragmentError(
            f"{where}: only [text](url) links are supported: {text[i : i + 40]!r}"
        )
    label = convert_inline(match.group(1), where, allow_markup=False)
    return f"`{label} <{match.group(2)}>`__", i + match.end()


def _autolink(text, i, where):
    url = text[i + 1 : text.index(">", i)]
    return url, i + len(url) + 2


def _markup_at(text, i):
    """The function that converts the inline markup starting at ``i``, if any."""
    char = text[i]
    following = text[i + 1 : i + 2]
    if char == "`":
        return _code_span
    if char in "*_" and following == char:
        return _emphasis
    if char in "*_" and following and not following.isspace():
        if char == "_" and i > 0 and text[i - 1].isalnum():
            return None  # snake_case word
        return _emphasis
    if char == "[":
        return _link
    if char == "<" and re.match(r"<https?://[^>\s]+>", text[i:]):
        return _autolink
    return None


def convert_inline(text, where, allow_markup=True):
    """Markdown inline text → RST."""
    pieces = []  # (kind, rst): kind "text" or "markup"
    plain = ""
    i = 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1 : i + 2] in MD_ESCAPABLE:
            plain += text[i + 1]
            i += 2
            continue
        convert = _markup_at(text, i)
        if not convert:
            plain += text[i]
            i += 1
            continue
        if not allow_markup:
            raise FragmentError(
                f"{where}: RST cannot nest inline markup (code or links inside "
                f"emphasis or link text): {text!r}"
            )
        if plain:
            pieces.append(("text", _rst_text(plain)))
            plain = ""
        rst, i = convert(text, i, where)
        pieces.append(("markup", rst))
    if plain:
        pieces.append(("text", _rst_text(plain)))
    return _join_pieces(pieces)


def _join_pieces(pieces):
    """Concatenate; escaped spaces keep markup apart from adjacent word chars."""
    out = ""
    for index, (kind, rst) in enumerate(pieces):
        if kind == "markup":
            if out and out[-1] not in RST_BEFORE_OK:
                out += "\\ "
            out += rst
            following = pieces[index + 1][1] if index + 1 < len(pieces) else ""
            if following and following[0] not in RST_AFTER_OK:
                out += "\\ "
        else:
            out += rst
    return out


# --- RST rendering ------------------------------------------------------------


def _indent(text, prefix):
    return "\n".join(prefix + line if line else "" for line in text.split("\n"))


def render_blocks(blocks, level_shift):
    parts = []
    for block in blocks:
        kind = block[0]
        if kind == "heading":
            _kind, hashes, title, location = block
            level = hashes + level_shift
            if level < 2 or level > len(UNDERLINES):
                raise FragmentError(
                    f"{location}: heading level {hashes} is not allowed here "
                    f"(use {'#' * (2 - level_shift)} and below)"
                )
            rst_title = convert_inline(title, location)
            parts.append(f"{rst_title}\n{UNDERLINES[level - 1] * len(rst_title)}")
        elif kind == "paragraph":
            parts.append(convert_inline(block[1], block[2]))
        elif kind == "image":
            parts.append(f".. image:: {block[2]}\n   :alt: {block[1]}")
        elif kind == "code":
            body = "\n".join(block[1]).rstrip("\n")
            parts.append("::\n\n" + _indent(body, "    "))
        elif kind in ("bullet", "ordered"):
            rendered = []
            for number, item in enumerate(block[1], start=1):
                marker = "-" if kind == "bullet" else f"{number}."
                body = render_blocks(item, level_shift)
                pad = " " * (len(marker) + 1)
                rendered.append(marker + " " + _indent(body, pad)[len(pad) :])
            loose = any(len(item) > 1 for item in block[1])
            parts.append(("\n\n" if loose else "\n").join(rendered))
        elif kind == "table":
            _kind, header, body, location = block
            lines = [".. list-table::", "   :header-rows: 1", ""]
            for row in [header, *body]:
                for column, cell in enumerate(row):
                    text = convert_inline(cell, location)
                    lines.append(("   * - " if column == 0 else "     - ") + text)
            parts.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(parts)


def render_fragment(path, level_shift):
    lines = path.read_text(encoding="utf-8").splitlines()

    def where(index):
        return f"{path.parent.name}/{path.name}:{index + 1}"

    return render_blocks(parse_blocks(lines, where), level_shift)


# --- the page -----------------------------------------------------------------


def _section(title, body, underline="="):
    return f"{title}\n{underline * len(title)}\n\n{body}\n"


def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))


def generate_rst(addon_dir):
    addon_dir = Path(addon_dir)
    addon_name = addon_dir.resolve().name
    manifest = read_manifest(addon_dir)
    match = re.match(
        r"https://github\.com/([^/]+)/([^/]+?)/?$", manifest.get("website", "")
    )
    if not match:
        raise FragmentError(
            "the manifest's website must be https://github.com/<org>/<repo>"
        )
    org, repo = match.groups()
    branch = ".".join(manifest["version"].split(".")[:2])
    project = f"https://github.com/{org}/{repo}"

    fragments = {}
    for name, _title, own_level in FRAGMENTS:
        path = addon_dir / "readme" / f"{name}.md"
        if (addon_dir / "readme" / f"{name}.rst").exists():
            raise FragmentError(
                f"readme/{name}.rst: write the fragments in Markdown (.md)"
            )
        if path.exists() and path.read_text(encoding="utf-8").strip():
            fragments[name] = render_fragment(path, own_level - 1)
    if "DESCRIPTION" not in fragments:
        raise FragmentError("readme/DESCRIPTION.md is missing or empty")

    title = manifest["name"]
    out = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        "..",
        "   !! This file is generated by scripts/gen_readme.py from readme/*.md and",
        "   !! __manifest__.py (make readme): edit those, not this file.",
        "",
        fragments["DESCRIPTION"],
        "",
    ]
    if manifest.get("development_status", "Beta").lower() == "alpha":
        out += [ALPHA_WARNING]
    out += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    for name, section_title, own_level in FRAGMENTS:
        if name in fragments and own_level == 1 and section_title:
            out.append(_section(section_title, fragments[name]))

    out.append(
        _section(
            "Bug Tracker",
            BUG_TRACKER.format(
                project=project,
                body=BUG_BODY.format(addon=addon_name, branch=branch),
            ),
        )
    )
    credits = []
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        credits.append(_section("Authors", "\n".join(f"- {a}" for a in authors), "-"))
    for name, section_title, own_level in FRAGMENTS:
        if name in fragments and own_level == 2:
            credits.append(_section(section_title, fragments[name], "-"))
    maintainers = manifest.get("maintainers", [])
    maintainer_lines = []
    if maintainers:
        for login in maintainers:
            maintainer_lines += [
                f".. |maintainer-{login}| image:: https://github.com/{login}.png?size=40px",
                f"    :target: https://github.com/{login}",
                f"    :alt: {login}",
            ]
        plural = "s" if len(maintainers) > 1 else ""
        maintainer_lines += [
            "",
            f"Current maintainer{plural}:",
            "",
            " ".join(f"|maintainer-{login}|" for login in maintainers),
            "",
        ]
    maintainer_lines += [
        f"This module is part of the `{org}/{repo}"
        f" <{project}/tree/{branch}/{addon_name}>`_ project on GitHub.",
        "",
        "You are welcome to contribute.",
    ]
    credits.append(_section("Maintainers", "\n".join(maintainer_lines), "-"))
    out.append(_section("Credits", "\n".join(credits).rstrip("\n")))
    return "\n".join(out).rstrip("\n") + "\n"


def generate_html(rst):
    """README.rst → index.html, as oca-gen-addon-readme does (docutils html4css1).

    The docutils version stays in the generator meta tag: another version
    renders differently, and tests/test_readme.py compares the HTML only when
    it was generated by the installed one.
    """
    # index.html sits in static/description/ itself.
    rst = rst.replace(f".. image:: {IMAGE_DIR}", ".. image:: ")
    return publish_string(
        source=rst,
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    ).decode("utf-8")


def generate(addon_dir, output_dir=None):
    """Write README.rst and static/description/index.html; return their paths."""
    addon_dir = Path(addon_dir)
    output_dir = Path(output_dir) if output_dir else addon_dir
    rst = generate_rst(addon_dir)
    html = generate_html(rst)
    readme = output_dir / "README.rst"
    index = output_dir / "static" / "description" / "index.html"
    index.parent.mkdir(parents=True, exist_ok=True)
    readme.write_text(rst, encoding="utf-8")
    index.write_text(html, encoding="utf-8")
    return readme, index


def main(argv=None):
    repo_root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--addon-dir", type=Path, default=repo_root / "billing_payments"
    )
    parser.add_argument("--output-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        paths = generate(args.addon_dir, args.output_dir)
    except FragmentError as error:
        print(f"gen_readme: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path} (docutils {docutils.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
