"""Pure Plotly figure builders (no Streamlit): surface layers, animated paths, race figures."""

from viz.animation import (
    frame_steps,
    loss_distance_figure,
    path_figure,
    resolve_frame,
    trajectory_3d_figure,
)
from viz.layers import SurfaceLayers, add_surface, surface_layers
from viz.theme import apply_theme, path_color

__all__ = [
    "SurfaceLayers",
    "add_surface",
    "apply_theme",
    "frame_steps",
    "loss_distance_figure",
    "path_color",
    "path_figure",
    "resolve_frame",
    "surface_layers",
    "trajectory_3d_figure",
]
