"""Assemble a self-contained HTML page from Plotly figures, tables and text.

plotly.js is embedded once (inline), so the page opens offline from a file:// URL.
Every report (single run, compare, sweep analysis) is built with `Page`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

_STYLE = """
body{font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;font-size:.9em} .lead{font-size:1.05em;background:#f6f8fa;border-left:4px solid #4c78a8;padding:10px 14px}
table{border-collapse:collapse;margin:8px 0;font-size:.92em} td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
.note{color:#555;font-size:.9em}
"""


@dataclass
class Page:
    """An HTML report under construction."""

    title: str
    parts: list[str] = field(default_factory=list)
    _plotly_included: bool = False

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def paragraph(self, text: str, css: str = "") -> None:
        cls = f' class="{css}"' if css else ""
        self.parts.append(f"<p{cls}>{html.escape(text)}</p>")

    def lead(self, sentences: list[str]) -> None:
        """The headline sentences: one highlighted block, a paragraph per sentence."""
        self.parts.append(
            '<div class="lead">' + "".join(f"<p>{html.escape(s)}</p>" for s in sentences) + "</div>"
        )

    def table(self, header: list[str], rows: list[list[object]]) -> None:
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in row) + "</tr>" for row in rows
        )
        self.parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def figure(self, fig: go.Figure) -> None:
        include = not self._plotly_included
        self._plotly_included = True
        self.parts.append(
            pio.to_html(fig, include_plotlyjs=include, full_html=False, config={"displaylogo": False})
        )

    def render(self) -> str:
        body = "\n".join(self.parts)
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(self.title)}</title>'
            f"<style>{_STYLE}</style></head><body><h1>{html.escape(self.title)}</h1>\n{body}\n</body></html>\n"
        )

    def write(self, path: Path) -> None:
        path.write_text(self.render(), encoding="utf-8")


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)
