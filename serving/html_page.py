"""The page both HTML reports are laid out on (the analysis, serving.render; the comparison,
serving.compare_render): a header over two panes that scroll each on its own, the contract's text on the
left and what was found in it on the right, so that a clause and its note are read side by side.

Printed (or saved as PDF) that screen layout gave one page: the panes are as high as the window and scroll, so
the rest of the text and of the findings was cut off, and browsers drop background colours. On paper the page is
one column that flows over as many pages as it needs, the findings first (the side pane comes first in the page
for that; the grid places it on the right on screen), no row split across two pages, the colours kept."""

from __future__ import annotations

SEVERITY_COLOUR = {"high": "#f8b4b4", "medium": "#fde68a", "low": "#bfdbfe", "info": "#e5e7eb"}

_LAYOUT = """body { font-family: system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 1fr 1fr;
       grid-template-rows: auto minmax(0, 1fr); height: 100vh; }
header { grid-column: 1 / 3; padding: .5rem 1rem; border-bottom: 1px solid #ddd; }
#text { grid-column: 1; grid-row: 2; white-space: pre-wrap; font-family: Georgia, serif; overflow-y: auto;
        padding: 1rem; line-height: 1.5; }
.side { grid-column: 2; grid-row: 2; overflow-y: auto; padding: 1rem; border-left: 1px solid #ddd; }
table { border-collapse: collapse; font-size: .85rem; }
td, th { border-bottom: 1px solid #eee; padding: .3rem; vertical-align: top; text-align: left; }
@media print {
  @page { margin: 15mm; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  body { display: block; height: auto; }
  header { border-bottom: 0; padding: 0 0 .5rem; }
  #text, .side { overflow: visible; height: auto; border: 0; padding: 0; }
  #text { break-before: page; line-height: 1.4; }
  table { width: 100%; }
  thead { display: table-header-group; }
  tr, details, caption, h2 { break-inside: avoid; }
  h2, caption { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  details::details-content { content-visibility: visible; }  /* a closed suggestion prints too */
}"""


def severity_css(selector: str) -> str:
    """One rule per severity, its colour on `selector` ("{s}" stands for the severity's class)."""
    return "\n".join(f"{selector.format(s=s)} {{ background: {c}; }}" for s, c in SEVERITY_COLOUR.items())


def two_pane_page(*, title: str, header: str, text: str, side_id: str, side: str, css: str = "") -> str:
    """The whole page; `title`, `header`, `text` and `side` (the right pane, `<div id=side_id>`) are HTML the
    caller has escaped, `css` the report's own rules."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lexrisk — {title}</title>
<style>
{_LAYOUT}
{css}
</style></head><body>
<header>{header}</header>
<div id="{side_id}" class="side">{side}</div>
<div id="text">{text}</div>
</body></html>
"""
