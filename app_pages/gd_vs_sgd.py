"""GD vs SGD: batch gradient descent against a fan of mini-batch SGD paths on a data set."""

from functools import partial

import streamlit as st

from ui import compute, controls, explain, sgd_panel
from viz.sgd import cloud_figure, dataset_figure, loss_figure, paths_figure, point_at

st.title("GD vs SGD: the full gradient or a mini-batch")
explain.opening(
    "Shrink the mini-batch in the sidebar and drag the step slider: compare SGD's noisy paths"
    " with batch GD's smooth one."
)
st.markdown(
    r"Batch gradient descent averages the gradient over all n examples before each step, "
    r"$w \leftarrow w - \eta\,\nabla f(w)$ with $\nabla f = \frac1n \sum_{i=1}^n \nabla\ell_i$. "
    r"Stochastic (mini-batch) gradient descent steps after a random batch B of b examples, "
    r"$w \leftarrow w - \eta_t\, g_B(w)$ with $g_B = \frac1b \sum_{i \in B} \nabla\ell_i$: "
    r"n/b cheap, noisy steps per pass over the data (an **epoch**) instead of one exact step. "
    r"Since $\mathbb{E}[g_B] = \nabla f$ SGD heads the right way on average; the scatter "
    r"makes it zig-zag and, at a fixed η, bounce around the minimum for ever. A decaying "
    r"rate $\eta_t = \eta/(1 + d\,t)$ lets it settle. **Click the contour** to start elsewhere."
)

settings = sgd_panel.sgd_sidebar()
choice = settings.surface
surface = choice.surface
step = sgd_panel.step_slider(settings.steps)
view = explain.run_or_explain(
    lambda: compute.gd_vs_sgd(
        choice.name,
        choice.params,
        settings.hyperparameters,
        settings.x0,
        settings.steps,
        1e-6,
        settings.batch_size,
        settings.n_seeds,
        settings.decay,
        step,
    )
)
axis_labels = surface.extras.get("axis_labels", ("w₁", "w₂"))

data_column, paths_column = st.columns(2, gap="medium")
with data_column:
    st.plotly_chart(
        dataset_figure(
            surface, point_at(view.gd, view.step), point_at(view.sgd[0], view.step), view.step
        ),
        key="sgd_data_chart",
        theme=None,
        height="stretch",
    )
with paths_column:
    st.plotly_chart(
        paths_figure(view.layers, surface, view.gd, view.sgd, view.seeds, view.step, axis_labels),
        key="sgd_paths_chart",
        theme=None,
        height="stretch",
        selection_mode="points",
        on_select=partial(controls.set_start_from_click, choice, "sgd_paths_chart"),
    )

if view.gd.status == "diverged":
    st.error(f"Batch GD: {view.gd.message}")
diverged = [
    seed for seed, run in zip(view.seeds, view.sgd, strict=True) if run.status == "diverged"
]
if diverged:
    first = view.sgd[view.seeds.index(diverged[0])]
    st.warning(
        f"SGD diverged for seed(s) {', '.join(map(str, diverged))}: {first.message} "
        "Single examples curve more sharply than their average, so SGD needs a smaller "
        "learning rate than GD (or a larger batch)."
    )

st.plotly_chart(
    loss_figure(view.gd, view.sgd, view.f_star, view.step),
    key="sgd_loss_chart",
    theme=None,
    height="stretch",
)

cloud_column, spread_column = st.columns([3, 2], gap="large")
with cloud_column:
    st.plotly_chart(
        cloud_figure(view.cloud, view.step, axis_labels),
        key="sgd_cloud_chart",
        theme=None,
        height="stretch",
    )
with spread_column:
    sgd_panel.spread_summary(view.cloud, settings.n_samples)
    st.markdown(
        "Each orange dot is the gradient one mini-batch would report at GD's current point; "
        "the red arrow is the true gradient. SGD steps along a random dot, so its path "
        "wanders sideways by about η·√(tr Cov) per step, the arrow's length shrinks near the "
        "minimum but the cloud does not: that is why a constant η never settles."
    )
    if view.cloud.full_gradient @ view.cloud.full_gradient < 1e-4 * view.cloud.law_spread:
        st.info(
            "GD has (almost) reached the minimum here: ∇f ≈ 0, yet the mini-batch "
            "gradients still point every which way. Move the step slider back to see the "
            "cloud around a long gradient arrow."
        )
