"""Chart images (PNG, matplotlib) of the statistics, for the Word report.

The same `Chart` specs as the Thống kê sheet's native charts: vertical bars, horizontal bars
(stacked when there are several series) and a line, drawn from the table's own rows. The text is set in the
report's serif: Times New Roman where installed, else a metric-compatible Times (Liberation Serif, then
others). A series that is zero everywhere is left out (an empty legend entry says nothing).
"""

from __future__ import annotations

import functools
import io

from macros_py.stats.summaries import Chart, StatsTable, drawn_series, format_share

__all__ = ["chart_png"]

_COLOURS = ("#1F4E78", "#C0504D", "#9BBB59", "#8064A2", "#F79646", "#4BACC6")
DPI = 200
# Times New Roman first (the report's font), then fonts with the same metrics, then any serif with Vietnamese
SERIFS = ("Times New Roman", "Liberation Serif", "Tinos", "Nimbus Roman", "TeX Gyre Termes", "DejaVu Serif")


VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐ"


@functools.cache
def chart_font_file() -> str | None:
    """The regular face of the first of SERIFS installed with every Vietnamese letter, or None.

    Searched on disk, not in matplotlib's font cache alone: that cache can predate a font installed later,
    and an old Liberation Serif (1.x) has no Vietnamese letters with two marks."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    files = {e.fname for e in font_manager.fontManager.ttflist} | set(font_manager.findSystemFonts())
    found: dict[str, str] = {}
    for fname in sorted(files):
        try:
            face = FT2Font(fname)
        except (OSError, RuntimeError, ValueError):
            continue
        if face.family_name in SERIFS and face.style_name == "Regular" and face.family_name not in found:
            charmap = face.get_charmap()
            if all(ord(c) in charmap for c in VIETNAMESE + VIETNAMESE.upper()):
                found[face.family_name] = fname
    return next((found[name] for name in SERIFS if name in found), None)


def chart_font() -> str:
    """The family name of `chart_font_file()` («serif» if none is installed)."""
    from matplotlib.ft2font import FT2Font

    fname = chart_font_file()
    return FT2Font(fname).family_name if fname else "serif"


def _set_font(fig) -> None:  # noqa: ANN001 - a matplotlib Figure
    """Every text of the figure in the chosen serif, at its own size."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

    fname = chart_font_file()
    for text in fig.findobj(Text):
        text.set_fontproperties(FontProperties(fname=fname, size=text.get_fontsize()) if fname
                                else FontProperties(family="serif", size=text.get_fontsize()))


def _wrap(text: str, width: int = 10) -> str:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _number(v: float) -> str:
    return f"{v:,.0f}".replace(",", ".")


def chart_png(table: StatsTable, chart: Chart, width_cm: float = 16.0, with_title: bool = True) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    labels = [label for label, _ in table.rows]
    series = [(table.columns[j], [float(values[j] or 0) for _, values in table.rows])
              for j in drawn_series(table, chart)]
    share = any(j in table.shares for j in chart.series)
    height_cm = max(7.0, 2.5 + 0.75 * len(labels)) if chart.kind == "hbar" else 8.0
    with matplotlib.rc_context({"font.size": 9}):
        fig, ax = plt.subplots(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
        try:
            if chart.kind == "line":
                name, ys = series[0]
                ax.plot(labels, ys, marker="o", color=_COLOURS[0], linewidth=2)
                for x, y in zip(labels, ys):
                    ax.annotate(_number(y), (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
                ax.set_ylim(bottom=0, top=max(ys + [1]) * 1.2)
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_ylabel(chart.axis_title, fontsize=9)
            elif chart.kind == "hbar":
                positions = list(range(len(labels)))
                left = [0.0] * len(labels)
                for i, (name, xs) in enumerate(series):
                    ax.barh(positions, xs, left=left, color=_COLOURS[i % len(_COLOURS)], label=name, height=0.6)
                    left = [a + b for a, b in zip(left, xs)]
                ax.set_yticks(positions, labels, fontsize=8)
                ax.invert_yaxis()  # first name at the top, as in the table
                for y, total in zip(positions, left):
                    ax.text(total, y, f" {_number(total)}", va="center", fontsize=8)
                ax.set_xlim(right=max(left + [1]) * 1.12)
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_xlabel(chart.axis_title, fontsize=9)
                if len(series) > 1:
                    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.6 / height_cm),
                              ncol=3, frameon=False)
            else:
                name, ys = series[0]
                bars = ax.bar([_wrap(x) for x in labels], ys, color=_COLOURS[0], width=0.6)
                texts = [format_share(table.rows[i][1][chart.series[0]]) if share else _number(v)
                         for i, v in enumerate(ys)]
                ax.bar_label(bars, texts, fontsize=8, padding=2)
                if share:
                    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
                    ax.set_ylim(0, 1.12)
                else:
                    ax.set_ylim(0, max(ys + [1]) * 1.15)
                    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                ax.tick_params(axis="x", labelsize=7)
                ax.set_ylabel(chart.axis_title, fontsize=9)
            ax.tick_params(axis="y", labelsize=8)
            if with_title:
                ax.set_title(chart.title, fontsize=11, fontweight="bold")
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(axis="x" if chart.kind == "hbar" else "y", alpha=0.3)
            ax.set_axisbelow(True)
            fig.canvas.draw()  # makes every tick label, so that all of them get the font
            _set_font(fig)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
            return buf.getvalue()
        finally:
            plt.close(fig)

