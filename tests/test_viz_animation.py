"""The animated path figure and the race figures, checked against the trajectories they draw."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

import optimizers
import surfaces
from viz import (
    frame_steps,
    loss_distance_figure,
    path_figure,
    resolve_frame,
    surface_layers,
    trajectory_3d_figure,
)
from viz.animation import MAX_FRAMES

RACE = ("gd", "momentum", "adam", "nesterov")
F32 = {"rtol": 1e-6, "atol": 1e-6}  # path coordinates are drawn in float32


def roles(fig: go.Figure) -> dict:
    return fig.layout.meta["traces"]


def as_array(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in np.asarray(values, dtype=object)], float)


def drawn_path(fig: go.Figure, name: str, run: int = 0) -> np.ndarray:
    """The path frame ``name`` shows for trajectory ``run``: its history, then its tail."""
    state = resolve_frame(fig, name)
    history = state[roles(fig)["path_history"][run]]
    tail = state[roles(fig)["path_tail"][run]]
    xs = np.concatenate([as_array(history["x"]), as_array(tail["x"])[1:]])
    ys = np.concatenate([as_array(history["y"]), as_array(tail["y"])[1:]])
    return np.column_stack([xs, ys])


# ----- fixtures -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quadratic():
    surface = surfaces.get("quadratic")
    return surface, surface_layers(surface)


@pytest.fixture(scope="module")
def playground(quadratic):
    surface, layers = quadratic
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), steps=200)
    return trajectory, path_figure(layers, surface, [trajectory])


@pytest.fixture(scope="module", params=["quadratic", "rosenbrock"])
def race(request):
    surface = surfaces.get(request.param)
    trajectories = [optimizers.run(surface, optimizers.get(name), steps=1000) for name in RACE]
    return surface, trajectories, path_figure(surface_layers(surface), surface, trajectories)


@pytest.fixture(scope="module")
def diverged(quadratic):
    surface = surfaces.get("quadratic", condition_number=10.0)
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=1.0), steps=200)
    assert trajectory.status == "diverged"
    return trajectory, path_figure(surface_layers(surface), surface, [trajectory])


# ----- frames ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("max_steps", "max_frames", "expected"),
    [(0, 100, [0]), (5, 100, [0, 1, 2, 3, 4, 5]), (1000, 1, [1000]), (10, 3, [0, 5, 10])],
)
def test_frame_steps_are_even_and_end_on_the_last_step(max_steps, max_frames, expected):
    assert frame_steps(max_steps, max_frames).tolist() == expected


def test_frame_steps_never_exceed_the_cap_and_include_both_ends():
    for max_steps in (1, 7, 99, 100, 101, 1000, 99_999):
        steps = frame_steps(max_steps, 100)
        assert len(steps) == min(100, max_steps + 1)
        assert steps[0] == 0 and steps[-1] == max_steps
        assert np.all(np.diff(steps) > 0)


def test_frames_are_capped_and_the_last_frame_is_the_last_step(playground, race):
    trajectory, fig = playground
    assert 2 <= len(fig.frames) <= MAX_FRAMES
    assert fig.frames[0].name == "0"
    assert fig.frames[-1].name == str(trajectory.steps)
    _, trajectories, race_fig = race
    assert len(race_fig.frames) == MAX_FRAMES
    assert race_fig.frames[-1].name == str(max(t.steps for t in trajectories))


def test_max_frames_caps_a_long_run(quadratic):
    surface, layers = quadratic
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.001), steps=1000)
    fig = path_figure(layers, surface, trajectory, max_frames=7)
    assert [frame.name for frame in fig.frames] == [
        str(step) for step in frame_steps(trajectory.steps, 7)
    ]
    assert np.allclose(drawn_path(fig, fig.frames[-1].name)[-1], trajectory.points[-1], **F32)


def test_the_minimum_stars_are_drawn_over_the_paths_and_current_points(playground, race):
    """A run that converges ends on a starred minimum: the star is drawn after (over) the
    path and the current point, so the room still sees which minimum it reached."""
    for fig in (playground[1], race[2]):
        traces = roles(fig)
        minima = fig.data[traces["minima"]]
        assert minima.name == "minimum" and minima.marker.symbol == "star"
        moving = [*traces["path_history"], *traces["path_tail"], *traces["current"]]
        assert traces["minima"] > max(moving)
        assert traces["minima"] in fig.layout.meta["static_traces"]
        for frame in fig.frames:  # frames never touch the stars
            assert traces["minima"] not in frame.traces


def test_the_last_frame_draws_the_whole_path(playground):
    trajectory, fig = playground
    assert np.allclose(drawn_path(fig, fig.frames[-1].name), trajectory.points, **F32)


def test_each_frame_draws_the_path_up_to_its_step(playground):
    trajectory, fig = playground
    for frame in fig.frames:
        step = int(frame.name)
        assert np.allclose(drawn_path(fig, frame.name), trajectory.points[: step + 1], **F32)


def test_long_paths_are_thinned_but_keep_their_ends_and_only_real_points(race):
    _, trajectories, fig = race
    for run, trajectory in enumerate(trajectories):
        path = drawn_path(fig, fig.frames[-1].name, run)
        assert np.allclose(path[0], trajectory.points[0], **F32)
        assert np.allclose(path[-1], trajectory.points[-1], **F32)
        # Every drawn point is a point of the run, in order.
        distances = np.abs(path[:, None, :] - trajectory.points[None, :, :]).sum(axis=-1)
        matches = distances.argmin(axis=1)
        assert np.allclose(trajectory.points[matches], path, **F32)
        assert np.all(np.diff(matches) > 0)


def test_data_shows_the_final_state(playground):
    _, fig = playground
    final = resolve_frame(fig, fig.frames[-1].name)
    for index, props in final.items():
        for key, value in props.items():
            shown = fig.data[index][key]
            if key in ("x", "y"):
                assert np.allclose(as_array(shown), as_array(value), equal_nan=True, **F32)
    assert fig.layout.sliders[0].active == len(fig.frames) - 1


def test_frames_touch_only_the_moving_traces(playground, race):
    for fig in (playground[1], race[2]):
        meta = fig.layout.meta
        static = set(meta["static_traces"])
        assert fig.data[meta["traces"]["level_lines"]].name == "level lines"
        assert meta["traces"]["level_lines"] in static
        moving = set(range(len(fig.data))) - static
        for frame in fig.frames:
            assert frame.traces is not None and len(frame.traces) == len(frame.data)
            assert set(frame.traces) <= moving
            assert 0 not in frame.traces
        path_and_points = set(meta["traces"]["path_tail"]) | set(meta["traces"]["current"])
        assert path_and_points <= set(fig.frames[-1].traces)


def test_the_current_point_and_the_loss_marker_follow_the_frames(playground, race):
    for fig, trajectories in ((playground[1], [playground[0]]), (race[2], race[1])):
        for frame in fig.frames:
            state = resolve_frame(fig, frame.name)
            for run, trajectory in enumerate(trajectories):
                step = min(int(frame.name), trajectory.steps)
                current = state[roles(fig)["current"][run]]
                point = (current["x"][0], current["y"][0])
                assert np.allclose(point, trajectory.points[step], **F32)
                marker = state[roles(fig)["loss_marker"][run]]
                assert marker["x"] == [step]
                assert marker["y"][0] == pytest.approx(trajectory.losses[step], rel=1e-6)


def test_the_gradient_and_step_arrows_start_at_the_current_point(playground):
    trajectory, fig = playground
    (xmin, xmax), (ymin, ymax) = surfaces.get("quadratic").bounds
    diagonal = math.hypot(xmax - xmin, ymax - ymin)
    seen_gradient = 0
    for frame in fig.frames:
        step = int(frame.name)
        state = resolve_frame(fig, frame.name)
        gradient = state[roles(fig)["gradient_arrow"]]
        x, y = as_array(gradient["x"]), as_array(gradient["y"])
        if len(x) > 1:
            seen_gradient += 1
            assert np.allclose((x[0], y[0]), trajectory.points[step], **F32)
            shaft = np.array([x[1] - x[0], y[1] - y[0]])
            descent = -trajectory.gradients[step]
            assert shaft @ descent > 0
            cosine = shaft @ descent / (np.linalg.norm(shaft) * np.linalg.norm(descent))
            assert cosine == pytest.approx(1.0, abs=1e-4)
            assert np.linalg.norm(shaft) <= 0.15 * diagonal + 1e-6
        step_arrow = state[roles(fig)["step_arrow"]]
        x, y = as_array(step_arrow["x"]), as_array(step_arrow["y"])
        if (
            step < trajectory.steps
            and np.hypot(*(trajectory.points[step + 1] - trajectory.points[step])) > 0
        ):
            assert np.allclose((x[0], y[0]), trajectory.points[step], **F32)
            assert np.allclose((x[1], y[1]), trajectory.points[step + 1], **F32)
    # Drawn while ‖∇f‖ is within three decades of its typical size, then it shrinks away.
    assert seen_gradient >= 10


def test_no_arrows_when_asked(quadratic):
    surface, layers = quadratic
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), steps=50)
    fig = path_figure(layers, surface, trajectory, show_arrows=False)
    assert roles(fig)["gradient_arrow"] is None and roles(fig)["step_arrow"] is None
    assert all(trace.name != "next step" for trace in fig.data)


# ----- static layers, axes, animation settings ------------------------------------------------
def test_the_surface_is_one_raster_image_at_the_bounds(playground):
    _, fig = playground
    (xmin, xmax), (ymin, ymax) = surfaces.get("quadratic").bounds
    assert len(fig.layout.images) == 1
    image = fig.layout.images[0]
    assert image.source.startswith("data:image/png;base64,")
    assert (image.x, image.y, image.sizex, image.sizey) == (xmin, ymax, xmax - xmin, ymax - ymin)
    assert (image.xref, image.yref, image.layer) == ("x", "y", "below")
    assert not any(isinstance(trace, (go.Contour, go.Heatmap)) for trace in fig.data)


def test_axis_ranges_are_fixed(playground):
    trajectory, fig = playground
    (xmin, xmax), (ymin, ymax) = surfaces.get("quadratic").bounds
    assert tuple(fig.layout.xaxis.range) == (xmin, xmax)
    assert tuple(fig.layout.yaxis.range) == (ymin, ymax)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    low, high = fig.layout.xaxis2.range
    assert low <= 0 and high >= trajectory.steps
    assert fig.layout.yaxis2.type == "log"
    low, high = fig.layout.yaxis2.range
    assert low <= math.log10(trajectory.losses.min()) and high >= math.log10(
        trajectory.losses.max()
    )


def test_slider_and_buttons_animate_without_redraw(playground):
    _, fig = playground
    slider = fig.layout.sliders[0]
    names = [frame.name for frame in fig.frames]
    assert len(slider.steps) == len(fig.frames)
    assert [step.label for step in slider.steps] == names
    assert [list(step.args[0]) for step in slider.steps] == [[name] for name in names]
    argument_sets = [step.args[1] for step in slider.steps]
    buttons = fig.layout.updatemenus[0].buttons
    assert [button.label for button in buttons] == ["▶ Play", "❚❚ Pause"]
    argument_sets += [button.args[1] for button in buttons]
    for arguments in argument_sets:
        assert arguments["frame"]["redraw"] is False
        assert arguments["transition"]["duration"] == 0
    assert buttons[0].args[0] is None and buttons[0].args[1]["frame"]["duration"] > 0


def test_keyframes_chain_to_real_frames(race):
    _, _, fig = race
    names = {frame.name for frame in fig.frames}
    keys = {frame.name for frame in fig.frames if frame.baseframe is None}
    assert fig.frames[0].name in keys and fig.frames[-1].name in keys
    for frame in fig.frames:
        assert frame.baseframe is None or frame.baseframe in keys
        assert frame.baseframe is None or frame.baseframe in names
    assert len(keys) <= 2 + math.isqrt(len(fig.frames))


def test_legend_and_hover(playground, race):
    trajectory, fig = playground
    history = fig.data[roles(fig)["path_history"][0]]
    assert history.name == trajectory.optimizer.label()
    for word in ("step", "x =", "y =", "loss"):
        assert word in history.hovertemplate
    legend = fig.layout.legend  # on the top edge of the plots, under the title
    assert legend.orientation == "h" and legend.yref == "paper"
    assert legend.y == 1.0 and legend.yanchor == "bottom"
    _, trajectories, race_fig = race
    legend = [trace.name for trace in race_fig.data if trace.showlegend is not False]
    for t in trajectories:
        assert any(name.startswith(t.optimizer.label()) for name in legend)
    labelled = path_figure(
        surface_layers(surfaces.get("quadratic")),
        surfaces.get("quadratic"),
        [trajectory],
        labels=["plain GD"],
        title="My title",
    )
    assert labelled.data[roles(labelled)["path_history"][0]].name == "plain GD"
    assert labelled.layout.title.text == "My title"
    with pytest.raises(ValueError, match="labels"):
        path_figure(
            surface_layers(surfaces.get("quadratic")),
            surfaces.get("quadratic"),
            [trajectory],
            labels=["a", "b"],
        )


def test_paths_are_binary_numpy_arrays(playground):
    _, fig = playground
    history = fig.data[roles(fig)["path_history"][0]]
    assert isinstance(history.x, np.ndarray) and history.x.dtype == np.float32
    assert '"bdata"' in fig.to_json()


# ----- size -----------------------------------------------------------------------------------
def test_json_size_of_the_default_playground(playground):
    _, fig = playground
    assert len(fig.to_json()) <= 400_000


def test_json_size_of_a_four_optimizer_race(race):
    _, trajectories, fig = race
    assert all(t.steps == 1000 for t in trajectories)
    assert len(fig.to_json()) <= 800_000


# ----- divergence and negative losses ---------------------------------------------------------
def test_a_diverged_run_ends_in_a_cross_at_its_last_point(diverged):
    trajectory, fig = diverged
    index = roles(fig)["diverged"][0]
    cross = fig.data[index]
    assert cross.marker.symbol == "x"
    assert np.allclose((cross.x[0], cross.y[0]), trajectory.points[-1], **F32)
    assert cross.text[0].replace("<br>", " ") == trajectory.message
    assert "diverged" in fig.data[roles(fig)["path_history"][0]].name
    # Off the plot, and not clipped onto it; the axes stay on the bounds.
    assert np.abs(trajectory.points[-1]).max() > 3.0
    assert tuple(fig.layout.xaxis.range) == (-3.0, 3.0)
    last = resolve_frame(fig, fig.frames[-1].name)[index]
    assert np.allclose((last["x"][0], last["y"][0]), trajectory.points[-1], **F32)
    first = resolve_frame(fig, fig.frames[0].name)[index]
    assert first["x"] == [None]  # not yet diverged at step 0
    ends = fig.data[roles(fig)["loss_ends"]]
    assert ends.x[0] == trajectory.steps


def test_a_saddle_with_negative_losses_gets_a_linear_loss_axis():
    surface = surfaces.get("saddle")
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), steps=200)
    assert trajectory.losses.min() < 0
    fig = path_figure(surface_layers(surface), surface, [trajectory])
    assert fig.layout.yaxis2.type == "linear"
    low, high = fig.layout.yaxis2.range
    assert low <= trajectory.losses.min() and high >= trajectory.losses.max()
    assert all(trace.name != "minimum" or not trace.showlegend for trace in fig.data)
    fig.to_json()


def test_exact_zero_losses_are_drawn_on_a_log_axis_at_a_floor(quadratic):
    surface, layers = quadratic
    moving = optimizers.run(surface, optimizers.get("gd", lr=0.1), steps=50)
    resting = optimizers.run(surface, optimizers.get("gd", lr=0.1), x0=(0.0, 0.0), steps=50)
    assert resting.losses.tolist() == [0.0]
    fig = path_figure(layers, surface, [moving, resting])
    assert fig.layout.yaxis2.type == "log"
    assert "0 drawn at" in fig.layout.yaxis2.title.text
    floor = fig.data[roles(fig)["loss_marker"][1]].y[0]
    assert 0 < floor < moving.losses.min()


# ----- static figures -------------------------------------------------------------------------
def test_3d_figure_lifts_the_paths_onto_the_surface(race):
    surface, trajectories, _ = race
    fig = trajectory_3d_figure(surface, trajectories, resolution=40)
    assert not fig.frames
    assert sum(isinstance(trace, go.Surface) for trace in fig.data) == 1
    surface_trace = fig.data[0]
    assert np.asarray(surface_trace.z).shape == (40, 40)
    lines = [t for t in fig.data if isinstance(t, go.Scatter3d) and t.mode == "lines"]
    assert len(lines) == len(trajectories)
    z_top = fig.layout.scene.zaxis.range[1]
    for line in lines:
        z = np.asarray(line.z, dtype=float)
        assert np.all(np.isfinite(z)) and z.max() <= z_top


def test_loss_distance_figure_has_two_log_panels(race):
    surface, trajectories, _ = race
    fig = loss_distance_figure(surface, trajectories)
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    assert len(fig.data) == 2 * len(trajectories)
    distance = np.asarray(fig.data[1].y, dtype=float)
    expected = np.hypot(*(trajectories[0].points - np.asarray(surface.minima[0])).T)
    assert np.allclose(distance[[0, -1]], expected[[0, -1]], rtol=1e-6)


def test_loss_distance_figure_without_minima_has_one_panel():
    surface = surfaces.get("saddle")
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), steps=100)
    fig = loss_distance_figure(surface, [trajectory], labels=["GD"])
    assert len(fig.data) == 1 and "xaxis2" not in fig.layout.to_plotly_json()
    assert fig.layout.yaxis.type == "linear"


# ----- legibility -----------------------------------------------------------------------------
def test_zigzag_is_a_thin_line_with_a_dot_every_kth_step():
    """GD at κ = 100 near its limit (review/02): thin lines, and dots only on every k-th step
    (k = ⌈steps / 20⌉), in every frame of the animation, not on every step."""
    surface = surfaces.get("quadratic", condition_number=100.0, angle=30.0)
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.0194), steps=200)
    assert trajectory.steps == 200  # still moving: the whole zig-zag is drawn
    fig = path_figure(surface_layers(surface), surface, [trajectory])
    history_index, tail_index = roles(fig)["path_history"][0], roles(fig)["path_tail"][0]
    history = fig.data[history_index]
    assert history.line.width <= 2 and fig.data[tail_index].line.width <= 2
    every = math.ceil(200 / 20)
    full_sizes = np.asarray(history.marker.size, dtype=float)
    assert len(full_sizes) == 201  # point i is step i (every point drawn)
    assert np.array_equal(full_sizes > 0, np.arange(201) % every == 0)
    assert (full_sizes > 0).sum() == 21
    keys = fig.layout.meta["keyframe_steps"]
    for name in fig.layout.meta["frame_steps"]:
        state = resolve_frame(fig, name)
        key = max(k for k in keys if k <= name)
        # The history shows steps 0 … key with the data's sizes; the tail key … step with
        # the sizes its frame carries.
        assert len(state[history_index]["x"]) == key + 1
        tail_sizes = np.asarray(state[tail_index]["marker"]["size"], dtype=float)
        tail_steps = np.arange(key, name + 1)
        assert np.array_equal(tail_sizes > 0, tail_steps % every == 0), name


def test_arrows_differ_by_shape_not_only_colour(playground):
    """−∇f is dotted, the step arrow solid, and neither is red next to the orange path
    (red, orange and yellow merge for a deuteranope: review/13)."""
    _, fig = playground
    gradient = fig.data[roles(fig)["gradient_arrow"]]
    step = fig.data[roles(fig)["step_arrow"]]
    path = fig.data[roles(fig)["path_history"][0]]
    assert gradient.line.dash == "dot" and step.line.dash in (None, "solid")
    assert len({gradient.line.color, step.line.color, path.line.color}) == 3
    blue = int(gradient.line.color[5:7], 16)
    assert blue > 150  # pink, not red: blue tells it from orange whatever the red-green vision
