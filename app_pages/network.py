"""Neural network: train a real (small) network with the same update rules, and look at it."""

import streamlit as st

from ui import explain, network_panel

st.title("A real neural network")
st.markdown(
    "The same update rules as on the 2-D surfaces, now on every weight of a small network "
    "(forward pass, error signals backwards, one gradient per weight, as in the lecture "
    "notes). Press **▶ Play** under the decision regions to watch them form epoch by epoch."
)

settings = network_panel.sidebar()
if not settings.optimizers:
    st.info("Pick at least one optimizer in the sidebar to train the network.")
    st.stop()

runs = [
    explain.run_or_explain(
        lambda name=name, lr=lr: network_panel.training(settings.training, name, lr)
    )
    for name, lr in zip(settings.optimizers, settings.lrs, strict=True)
]
labels = [f"{run.optimizer.title} (η = {lr:g})" for run, lr in zip(runs, settings.lrs, strict=True)]
for run, label in zip(runs, labels, strict=True):
    show = {"converged": st.success, "diverged": st.error}.get(run.status, st.info)
    show(
        f"**{label}**: {run.message} Held-out accuracy "
        f"**{run.test_accuracy[-1]:.0%}** (training {run.train_accuracy[-1]:.0%})."
    )

first, first_lr = settings.optimizers[0], settings.lrs[0]
st.plotly_chart(
    network_panel.curves(settings.training, settings.optimizers, settings.lrs),
    key="net_curves_chart",
    theme=None,
    height="stretch",
)
boundary_column, plane_column = st.columns(2, gap="medium")
with boundary_column:
    st.markdown(f"**Decision regions of {labels[0]}**, epoch by epoch")
    figure = network_panel.boundary(settings.training, first, first_lr)
    if figure is None:
        st.info(
            "Iris has four input features: its decision regions are not a picture in the "
            "plane. The loss and accuracy curves tell the story."
        )
    else:
        st.plotly_chart(figure, key="net_boundary_chart", theme=None, height="stretch")
with plane_column:
    st.markdown(f"**The path of {labels[0]} through weight space**, on its PCA plane")
    pca_chart, explained = network_panel.plane(settings.training, first, first_lr)
    st.plotly_chart(pca_chart, key="net_pca_chart", theme=None, height="stretch")
st.caption(
    f"The white line is a **shadow**: the {runs[0].optimizer.title} run moves all "
    f"{runs[0].thetas.shape[1]} weights, and we see its projection onto the two directions it "
    f"moved along most ({100 * explained.sum():.0f} % of its movement). The contour is the "
    "loss *on* this plane, which the real run never stays on; the dashed orange path is a real "
    "2-D gradient-descent run restricted to the plane (Li et al. 2018, section 7)."
)

if settings.init == "zeros":
    st.warning(
        "Zero initialization: every hidden unit starts equal, gets the same gradient and stays "
        "equal, so the network is as good as one unit wide (no matter how many it has)."
    )

st.subheader("Standardize the inputs?")
std_lr = network_panel.standardization_lr_control()
standard_chart, results = network_panel.standardization(
    settings.activation, settings.noise, settings.seed, std_lr
)
st.plotly_chart(standard_chart, key="net_standard_chart", theme=None, height="stretch")
st.caption(
    "Seed 003's experiment with mini-batch gradient descent: iris in centimetres and two "
    "blobs whose second feature is 100× larger, trained as they are (dashed) and standardized "
    "(solid). κ = λmax/λmin of the Hessian at the end: features on different scales stretch "
    "the loss surface, and a step size that suits the steep direction crawls along the flat one."
)

st.subheader("The edge of stability")
left, right = st.columns([1, 3])
with left:
    eos_lr = network_panel.eos_controls()
    st.markdown(
        "Full-batch gradient descent on the squared error (MSE) with this network. On a "
        "quadratic, GD diverges once the curvature λmax passes 2/η. In a network the "
        "curvature rises during training until it reaches 2/η, then **hovers near it** while "
        "the loss keeps falling, though not always step by step (Cohen et al. 2021). A net "
        "this small may also break away at a larger η: watch the loss."
    )
if eos_lr is not None:
    eos_chart, eos_losses, eos_sharpness = explain.run_or_explain(
        lambda: network_panel.eos(
            settings.data, settings.widths, settings.activation, settings.init, eos_lr
        )
    )
    with right:
        st.plotly_chart(eos_chart, key="net_eos_chart", theme=None, height="stretch")
    st.caption(network_panel.eos_summary(eos_losses, eos_sharpness, eos_lr))
