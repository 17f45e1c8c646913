"""Files to take away: a run as CSV, an animated figure as one HTML file that plays offline."""

from __future__ import annotations

import csv
import io

import plotly.graph_objects as go

from optimizers import Trajectory

#: The CSV's columns; ``learning_rate`` is the step size of the step taken *from* that point.
CSV_COLUMNS = ("step", "x", "y", "loss", "gradient_norm", "learning_rate")


def trajectory_csv(trajectory: Trajectory) -> str:
    """The run as CSV text, one row per point x₀ … x_k.

    Numbers are written with ``repr``, the shortest text that reads back as the same float,
    so ``float(cell)`` gives the run's arrays exactly. ``learning_rate`` is ηₜ of the step
    from xₜ to xₜ₊₁ (it changes only with decay); the last point took no step, so its cell is
    empty.

    Parameters
    ----------
    trajectory : Trajectory
        A run of :func:`optimizers.run`.

    Returns
    -------
    str
        A header row and ``len(trajectory.points)`` rows, lines ending in ``\\r\\n`` (RFC 4180).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    points, losses = trajectory.points, trajectory.losses
    norms, lrs = trajectory.grad_norms, trajectory.lrs
    for step in range(len(points)):
        lr = repr(float(lrs[step])) if step < len(lrs) else ""
        writer.writerow(
            (
                step,
                repr(float(points[step, 0])),
                repr(float(points[step, 1])),
                repr(float(losses[step])),
                repr(float(norms[step])),
                lr,
            )
        )
    return out.getvalue()


def figure_html(fig: go.Figure, title: str = "Descent Lab") -> str:
    """``fig`` as a standalone HTML page with plotly.js inside it (about 5 MB, no CDN, no
    network): it opens and plays its animation offline. Frames stay still until Play."""
    return fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        auto_play=False,
        config={"displaylogo": False, "responsive": True},
        default_width="100%",
        default_height="90vh",
    ).replace("<head>", f"<head><title>{_escape(title)}</title>", 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
