r"""Figures of the second-order picture of a surface.

At one point p the quadratic model is

.. math:: f(p + d) \approx f(p) + g^\top d + \tfrac12\, d^\top H d,
          \qquad H = V \operatorname{diag}(\lambda_1, \lambda_2) V^\top,

so the eigenvectors vᵢ of the Hessian H are the axes of the model's level curves and the
eigenvalues λᵢ say how sharply f bends along them. :func:`axes_figure` draws those axes on the
contour; :func:`map_figure` colours the whole plot by log₁₀ κ or by the signs of λ₁, λ₂,
computed for every grid cell at once by :func:`curvature_grid`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sequential

from optimizers.numbers import format_number, format_point
from surfaces.curvature import DEGENERATE_TOLERANCE, Curvature
from viz.clicks import click_grid
from viz.layers import SurfaceLayers, add_surface
from viz.minima import shown_minima
from viz.theme import MINIMUM_COLOR, OUTLINE_COLOR, apply_theme

#: Colour of an eigen-axis by the sign of its eigenvalue: bends up, bends down, flat.
POSITIVE_COLOR = "#4fc3f7"
NEGATIVE_COLOR = "#ff7043"
FLAT_COLOR = "#bdbdbd"
#: Region colours of the sign map, in the order of :data:`SIGN_LABELS` (codes 0, 1, 2).
SIGN_COLORS = ("#e6550d", "#c9b3e6", "#2b8cbe")
SIGN_LABELS = ("maximum-like", "saddle-like", "minimum-like")
#: Magma with its first stop '#000004' nudged: Streamlit's frontend treats '#000001', '#000002',
#: … as placeholders for its theme colours and repaints '#000004' lavender, even with
#: ``theme=None`` (seen in the browser), which turned κ = 1 from black to light purple.
KAPPA_COLORSCALE = ["#050308" if color == "#000004" else color for color in sequential.Magma]
#: log₁₀ κ is coloured up to this value (κ = 10⁴); larger values share the top colour.
LOG_KAPPA_CAP = 4.0
FIGURE_HEIGHT = 660


@dataclass(frozen=True)
class CurvatureGrid:
    """The eigenvalues of the Hessian on a grid over a surface's bounds.

    Attributes
    ----------
    xs, ys : ndarray (m,)
        Grid coordinates; cell ``[i, j]`` is the point ``(xs[j], ys[i])``.
    lam_min, lam_max : ndarray (m, m)
        λ₁ ≤ λ₂ of ∇²f in each cell; NaN where the Hessian is not finite.
    """

    xs: np.ndarray
    ys: np.ndarray
    lam_min: np.ndarray
    lam_max: np.ndarray

    def log_condition(self) -> np.ndarray:
        r"""log₁₀ κ = log₁₀(λ₂/λ₁) where H is positive definite (λ₁ > 0), NaN elsewhere."""
        positive = np.isfinite(self.lam_min) & (self.lam_min > 0.0)
        ratio = np.divide(
            self.lam_max, self.lam_min, out=np.ones_like(self.lam_min), where=positive
        )
        return np.where(positive, np.log10(ratio), np.nan)

    def sign_pattern(self) -> np.ndarray:
        """0 where both λ < 0, 1 where the signs differ, 2 where both λ > 0; NaN where some λ is
        zero (below the same tolerance as :func:`surfaces.curvature`) or not finite."""
        finite = np.isfinite(self.lam_min) & np.isfinite(self.lam_max)
        lam_min = np.where(finite, self.lam_min, 0.0)
        lam_max = np.where(finite, self.lam_max, 0.0)
        scale = np.maximum(1.0, np.maximum(np.abs(lam_min), np.abs(lam_max)))
        flat = np.minimum(np.abs(lam_min), np.abs(lam_max)) <= DEGENERATE_TOLERANCE * scale
        pattern = np.where(lam_min > 0.0, 2.0, np.where(lam_max < 0.0, 0.0, 1.0))
        return np.where(finite & ~flat, pattern, np.nan)


@dataclass(frozen=True)
class CurvatureView:
    """Everything the Curvature page draws: the surface's layers, the point's curvature and the
    map of the whole plot."""

    layers: SurfaceLayers
    curvature: Curvature
    grid: CurvatureGrid


def curvature_grid(surface, resolution: int = 120) -> CurvatureGrid:
    """Eigenvalues of ∇²f on a ``resolution``² grid over ``surface.bounds``, all at once.

    One call to ``surface.hessian`` on the stacked grid points (shape (m, m, 2, 2)) and one
    batched :func:`numpy.linalg.eigvalsh`; cells with a non-finite Hessian become NaN instead
    of stopping the whole map.

    Parameters
    ----------
    surface : Surface
    resolution : int
        Points per side, at least 2.

    Returns
    -------
    CurvatureGrid
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise TypeError(f"resolution must be a whole number, got {resolution!r}.")
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}.")
    (xmin, xmax), (ymin, ymax) = surface.bounds
    xs, ys = np.linspace(xmin, xmax, resolution), np.linspace(ymin, ymax, resolution)
    points = np.stack(np.meshgrid(xs, ys), axis=-1)
    hessians = surface.hessian(points)
    finite = np.all(np.isfinite(hessians), axis=(-2, -1))
    # eigvalsh refuses NaN; give those cells a harmless matrix and blank them afterwards.
    safe = np.where(finite[..., None, None], hessians, 0.0)
    eigenvalues = np.linalg.eigvalsh(0.5 * (safe + np.swapaxes(safe, -1, -2)))
    lam_min = np.where(finite, eigenvalues[..., 0], np.nan)
    lam_max = np.where(finite, eigenvalues[..., 1], np.nan)
    return CurvatureGrid(xs=xs, ys=ys, lam_min=lam_min, lam_max=lam_max)


def axis_half_lengths(
    curvature: Curvature, bounds, longest: float = 0.22, shortest: float = 0.06
) -> np.ndarray:
    r"""Half-lengths of the two eigen-axes drawn through the point.

    Proportional to 1/√|λᵢ|, the semi-axes of the model's level ellipse
    :math:`d^\top H d = c`, so the axis along the flat direction is the long one. The flattest
    axis gets ``longest`` × the plot's shorter side; the other is shorter by
    √(|λ|small/|λᵢ|) but never below ``shortest`` × that side, so it stays visible and
    labelled when κ is huge. A zero eigenvalue (no curvature) gets the longest axis.

    Parameters
    ----------
    curvature : Curvature
    bounds : ((xmin, xmax), (ymin, ymax))
    longest, shortest : float
        Fractions of the plot's shorter side.

    Returns
    -------
    ndarray (2,)
        In the order of ``curvature.eigenvalues``.
    """
    (xmin, xmax), (ymin, ymax) = bounds
    side = min(xmax - xmin, ymax - ymin)
    magnitudes = np.abs(np.asarray(curvature.eigenvalues, dtype=float))
    smallest = magnitudes.min()
    ratios = np.ones(2)
    curved = magnitudes > 0.0
    ratios[curved] = np.sqrt(smallest / magnitudes[curved])
    return np.clip(longest * side * ratios, shortest * side, longest * side)


def axis_color(eigenvalue: float, curvature: Curvature) -> str:
    """Blue where f bends up along the axis, orange where it bends down, grey where flat."""
    scale = max(1.0, float(np.abs(curvature.eigenvalues).max()))
    if abs(eigenvalue) <= DEGENERATE_TOLERANCE * scale:
        return FLAT_COLOR
    return POSITIVE_COLOR if eigenvalue > 0 else NEGATIVE_COLOR


def axes_figure(
    layers: SurfaceLayers, surface, curvature: Curvature, axis_labels: tuple[str, str] = ("x", "y")
) -> go.Figure:
    r"""The contour with the Hessian's eigen-axes through ``curvature.point``.

    Each axis runs from p − hᵢvᵢ to p + hᵢvᵢ with hᵢ from :func:`axis_half_lengths`
    (∝ 1/√|λᵢ|) and is labelled λᵢ. Where H is definite, the dotted curve is the level ellipse
    of the quadratic model, :math:`\{p + d : d^\top H d = c\}`, whose semi-axes are exactly
    ∝ 1/√|λᵢ| (unfloored); a saddle's level curves are hyperbolas, so none is drawn.

    Trace order: level lines, click grid, ellipse (when drawn), then per axis a dark outline
    and the coloured axis (named ``'λ₁ axis'``, ``'λ₂ axis'``), the minimizers, the point.

    Parameters
    ----------
    layers : SurfaceLayers
        From :func:`viz.layers.surface_layers` for ``surface``.
    surface : Surface
    curvature : Curvature
        From :func:`surfaces.curvature` at the chosen point.
    axis_labels : (str, str)

    Returns
    -------
    go.Figure
    """
    fig = go.Figure()
    add_surface(fig, layers)
    fig.add_trace(click_grid(layers.bounds))
    point = np.asarray(curvature.point, dtype=float)
    half_lengths = axis_half_lengths(curvature, layers.bounds)

    if curvature.kind in ("minimum", "maximum"):
        magnitudes = np.abs(curvature.eigenvalues)
        semi_axes = half_lengths.max() * np.sqrt(magnitudes.min() / magnitudes)
        angle = np.linspace(0.0, 2.0 * np.pi, 121)
        ellipse = point[:, None] + curvature.eigenvectors @ (
            semi_axes[:, None] * np.stack([np.cos(angle), np.sin(angle)])
        )
        fig.add_trace(
            go.Scatter(
                x=ellipse[0],
                y=ellipse[1],
                mode="lines",
                name="level ellipse of the model",
                line={"color": "rgba(255, 255, 255, 0.9)", "width": 2, "dash": "dot"},
                hoverinfo="skip",
                showlegend=False,
            )
        )

    for index in range(2):
        eigenvalue, half = float(curvature.eigenvalues[index]), float(half_lengths[index])
        direction = curvature.eigenvectors[:, index]
        ends = np.stack([point - half * direction, point + half * direction])
        color = axis_color(float(eigenvalue), curvature)
        name = f"λ{'₁₂'[index]} axis"
        fig.add_trace(
            go.Scatter(
                x=ends[:, 0],
                y=ends[:, 1],
                mode="lines",
                line={"color": OUTLINE_COLOR, "width": 9},
                hoverinfo="skip",
                showlegend=False,
                name=f"{name} outline",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=ends[:, 0],
                y=ends[:, 1],
                mode="lines",
                name=name,
                showlegend=False,
                line={"color": color, "width": 5},
                hovertemplate=f"{name}: λ = {_short(eigenvalue)}<extra></extra>",
            )
        )
        sign = _inside_sign(point, direction * half, layers.bounds)
        end = point + sign * half * direction
        # Anchored on the side facing away from the point, so the text never covers the axis.
        outward = sign * direction
        fig.add_annotation(
            x=end[0],
            y=end[1],
            text=f"λ{'₁₂'[index]} = {_short(eigenvalue)}",
            showarrow=False,
            font={"color": color, "size": 18},
            bgcolor="rgba(17, 17, 17, 0.75)",
            borderpad=3,
            xanchor="left" if outward[0] > 0.35 else "right" if outward[0] < -0.35 else "center",
            yanchor="bottom" if outward[1] > 0.35 else "top" if outward[1] < -0.35 else "middle",
            xshift=6 * outward[0],
            yshift=6 * outward[1],
        )

    if surface.minima:
        minima = shown_minima(surface)
        fig.add_trace(
            go.Scatter(
                x=minima[:, 0],
                y=minima[:, 1],
                mode="markers",
                name="minimizer",
                marker={
                    "symbol": "star",
                    "size": 16,
                    "color": MINIMUM_COLOR,
                    "line": {"color": OUTLINE_COLOR, "width": 1},
                },
                hovertemplate="minimizer (%{x:.3g}, %{y:.3g})<extra></extra>",
                showlegend=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[point[0]],
            y=[point[1]],
            mode="markers",
            name="point",
            marker={"size": 15, "color": "#ffffff", "line": {"color": OUTLINE_COLOR, "width": 2}},
            hovertemplate="p = (%{x:.4g}, %{y:.4g})<extra></extra>",
            showlegend=False,
        )
    )
    apply_theme(fig, height=FIGURE_HEIGHT)
    fig.update_layout(
        title=_two_line_title("Eigen-axes of the Hessian", f"at p = {format_point(point)}")
    )
    _square_plot(fig, axis_labels)
    return fig


def map_figure(
    grid: CurvatureGrid,
    layers: SurfaceLayers,
    point,
    mode: str = "condition",
    axis_labels: tuple[str, str] = ("x", "y"),
) -> go.Figure:
    r"""A map of the curvature over the whole plot, with the level lines and the point.

    ``mode="condition"`` colours log₁₀ κ, κ = λ₂/λ₁, where H is positive definite: 0 is a
    round bowl, 2 a valley a hundred times steeper across than along; cells where H is not
    positive definite stay in the plot's background colour. ``mode="sign"`` colours the sign
    pattern of (λ₁, λ₂): minimum-like, saddle-like or maximum-like.

    Parameters
    ----------
    grid : CurvatureGrid
    layers : SurfaceLayers
        For the level lines (the raster is not drawn: the map replaces it).
    point : (float, float)
        The point whose axes the other figure shows.
    mode : {'condition', 'sign'}
    axis_labels : (str, str)

    Returns
    -------
    go.Figure
        Trace order: the heatmap, level lines, click grid, the point.
    """
    if mode not in ("condition", "sign"):
        raise ValueError(f"mode must be 'condition' or 'sign', got {mode!r}.")
    # Horizontal, under the plot: a vertical colour bar would squeeze the square map.
    colorbar = {
        "orientation": "h",
        "thickness": 14,
        "tickfont": {"size": 16},
        "len": 1.0,
        "x": 0.5,
        "xanchor": "center",
        "y": -0.16,
        "yanchor": "top",
    }
    if mode == "condition":
        # 3 decimals of log₁₀ κ are finer than the colour scale resolves; float32 halves the
        # bytes, and rounding avoids float64 noise such as 0.9999999999999998, whose base64 is
        # mostly "/", which Plotly's JSON escapes into six characters each.
        values = np.round(grid.log_condition(), 3).astype(np.float32)
        heatmap = go.Heatmap(
            x=grid.xs,
            y=grid.ys,
            z=values,
            zmin=0.0,
            zmax=LOG_KAPPA_CAP,
            colorscale=KAPPA_COLORSCALE,
            colorbar={
                **colorbar,
                "tickvals": [0, 1, 2, 3, 4],
                "ticktext": ["κ = 1", "10", "100", "1000", "≥ 10⁴"],
            },
            hovertemplate="(%{x:.3g}, %{y:.3g})<br>log₁₀ κ = %{z:.2f}<extra></extra>",
            name="log10 condition number",
        )
        title = _two_line_title(
            "Condition number κ = λmax/λmin", "grey: H is not positive definite"
        )
    else:
        values = grid.sign_pattern().astype(np.float32)
        stops = []
        for code, color in enumerate(SIGN_COLORS):
            stops += [[code / 3, color], [(code + 1) / 3, color]]
        heatmap = go.Heatmap(
            x=grid.xs,
            y=grid.ys,
            z=values,
            zmin=-0.5,
            zmax=2.5,
            colorscale=stops,
            colorbar={**colorbar, "tickvals": [0, 1, 2], "ticktext": list(SIGN_LABELS)},
            hovertemplate="(%{x:.3g}, %{y:.3g})<extra></extra>",
            name="sign pattern",
        )
        title = _two_line_title(
            "Sign pattern of λ₁, λ₂", "how f curves at each point (grey: some λ ≈ 0)"
        )
    fig = go.Figure(heatmap)
    fig.add_trace(
        go.Scatter(
            x=layers.line_x,
            y=layers.line_y,
            mode="lines",
            hoverinfo="skip",
            showlegend=False,
            line={"color": "rgba(255, 255, 255, 0.45)", "width": 1},
            name="level lines",
        )
    )
    fig.add_trace(click_grid(layers.bounds))
    fig.add_trace(
        go.Scatter(
            x=[float(point[0])],
            y=[float(point[1])],
            mode="markers",
            name="point",
            marker={"size": 15, "color": "#ffffff", "line": {"color": OUTLINE_COLOR, "width": 2}},
            hovertemplate="p = (%{x:.4g}, %{y:.4g})<extra></extra>",
            showlegend=False,
        )
    )
    (xmin, xmax), (ymin, ymax) = layers.bounds
    apply_theme(fig, height=FIGURE_HEIGHT)
    fig.update_layout(title=title, plot_bgcolor="#6b6b6b")
    fig.update_xaxes(range=[xmin, xmax], showgrid=False, zeroline=False)
    fig.update_yaxes(
        range=[ymin, ymax], scaleanchor="x", scaleratio=1, showgrid=False, zeroline=False
    )
    _square_plot(fig, axis_labels)
    fig.update_layout(margin={"b": 110})
    return fig


def _two_line_title(title: str, subtitle: str) -> dict:
    # A short title plus a subtitle: one long line is clipped in a laptop-width column.
    return {"text": title, "subtitle": {"text": subtitle, "font": {"size": 17}}}


def _square_plot(fig: go.Figure, axis_labels: tuple[str, str]) -> None:
    """Equal scale that shrinks the plot area instead of widening an axis range: the picture
    stays exactly the surface's bounds, with no empty band above or beside it."""
    fig.update_layout(
        margin={"t": 95, "l": 60, "r": 20, "b": 55},
        hovermode="closest",
        clickmode="event+select",
        dragmode=False,
    )
    fig.update_xaxes(constrain="domain", title={"text": axis_labels[0]})
    fig.update_yaxes(constrain="domain", title={"text": axis_labels[1]})


def hessian_latex(curvature: Curvature) -> str:
    r"""``H = \begin{pmatrix} … \end{pmatrix}`` with four significant digits."""
    (a, b), (_, d) = curvature.hessian
    return (
        r"H = \begin{pmatrix} " + f"{tex_number(a)} & {tex_number(b)} \\\\ "
        f"{tex_number(b)} & {tex_number(d)}" + r" \end{pmatrix}"
    )


def eigen_latex(curvature: Curvature) -> str:
    r"""λ₁, v₁ and λ₂, v₂ as two aligned rows of LaTeX."""
    rows = []
    for index in range(2):
        vx, vy = curvature.eigenvectors[:, index]
        rows.append(
            f"\\lambda_{index + 1} &= {tex_number(curvature.eigenvalues[index])}, & "
            f"v_{index + 1} &= ({tex_number(vx, 3)},\\; {tex_number(vy, 3)})"
        )
    return r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}"


def _inside_sign(point: np.ndarray, offset: np.ndarray, bounds) -> float:
    """+1 or −1: which end of an axis lies deeper inside the plot, for its label."""
    (xmin, xmax), (ymin, ymax) = bounds

    def depth(candidate):
        return min(
            candidate[0] - xmin, xmax - candidate[0], candidate[1] - ymin, ymax - candidate[1]
        )

    return 1.0 if depth(point + offset) >= depth(point - offset) else -1.0


def _short(value: float) -> str:
    """Three significant figures, powers of ten outside 10⁻⁴ … 10⁶ (2,090, not 2.09e+03)."""
    return format_number(value)


def tex_number(value: float, digits: int = 3) -> str:
    """A number for LaTeX: ``digits`` significant figures, powers of ten as ×10^{k}, −0 as 0."""
    if math.isnan(value):
        return r"\text{undefined}"
    return format_number(value, digits, latex=True)
