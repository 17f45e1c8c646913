"""The Neural network page's controls (sidebar, URL state) and its cached computations.

Every control has a ``dl_net.`` key (``dl_net_lr.<rule>`` for the learning rates), so it lives
in the URL like the other pages' (:mod:`ui.state`). The cached functions take only plain
values: names, numbers, tuples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

import networks
import optimizers
from optimizers.numbers import format_number
from optimizers.train import edge_of_stability, train
from ui.state import default
from viz import network as figures

LRS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
#: Each rule's default learning rate: one that trains the default net on moons in 50 epochs.
DEFAULT_LRS = {
    "gd": 0.5,
    "momentum": 0.1,
    "nesterov": 0.1,
    "adagrad": 0.1,
    "rmsprop": 0.01,
    "adam": 0.02,
    "newton": 0.5,
}
BATCHES = (0, 1, 4, 8, 16, 32, 64, 128)  # 0 = the whole training set
EPOCHS = (5, 10, 20, 50, 100, 200, 300)
NOISES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
L2S = (0.0, 1e-4, 1e-3, 1e-2, 1e-1)
EOS_LRS = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0)
MAX_OPTIMIZERS = 3
#: The page refuses runs of more updates than this per optimizer (a shared classroom server
#: must not compute for a minute): it says so and how to fix it.
MAX_UPDATES = 20_000
#: Work per run in epochs × examples × parameters (40× the default run's: ≈ 4 s here).
MAX_WORK = 10_000_000
#: Newton's budget in updates × parameters² (≈ 1,000 updates of a 2-8-1 net's 33 × 33 Hessian).
MAX_NEWTON_WORK = 2_000_000
N_SAMPLES = 200


@dataclass(frozen=True)
class NetSettings:
    """The page's choices as plain values."""

    dataset: str
    noise: float
    widths: tuple[int, ...]
    activation: str
    init: str
    optimizers: tuple[str, ...]
    lrs: tuple[float, ...]
    batch_size: int
    epochs: int
    seed: int
    standardize: bool
    l2: float

    @property
    def data(self) -> tuple:
        """What the data set depends on: (name, noise, seed, standardize)."""
        return (self.dataset, self.noise, self.seed, self.standardize)

    @property
    def training(self) -> tuple:
        """What one optimizer's run depends on besides the rule and η (a cache key)."""
        return (
            self.data,
            self.widths,
            self.activation,
            self.init,
            self.l2,
            self.batch_size,
            self.epochs,
        )


def _batch_label(value: int) -> str:
    return "full batch" if value == 0 else str(value)


def sidebar() -> NetSettings:
    """Every control of the page, in the sidebar."""
    with st.sidebar:
        st.subheader("Data")
        default("dl_net.dataset", "moons", options=networks.datasets.NAMES)
        dataset = st.selectbox(
            "Data set",
            networks.datasets.NAMES,
            key="dl_net.dataset",
            format_func=lambda name: networks.datasets.TITLES[name],
        )
        default("dl_net.noise", 0.15, options=NOISES)
        noise = st.select_slider("Noise", NOISES, key="dl_net.noise", disabled=dataset == "iris")
        default("dl_net.standardize", True, kind="bool")
        standardize = st.toggle(
            "Standardize the inputs",
            key="dl_net.standardize",
            help="Shift and scale each feature to mean 0, standard deviation 1 (seed 003).",
        )
        st.subheader("Network")
        default("dl_net.layers", 1, options=(1, 2))
        layers = st.radio("Hidden layers", (1, 2), key="dl_net.layers", horizontal=True)
        default("dl_net.width", 8, kind="int", low=1, high=networks.model.MAX_WIDTH)
        width = st.slider("Units per hidden layer", 1, networks.model.MAX_WIDTH, key="dl_net.width")
        default("dl_net.activation", "tanh", options=networks.ACTIVATIONS)
        activation = st.radio(
            "Activation", networks.ACTIVATIONS, key="dl_net.activation", horizontal=True
        )
        default("dl_net.init", "xavier", options=networks.SCHEMES)
        init = st.selectbox(
            "Initialization",
            networks.SCHEMES,
            key="dl_net.init",
            format_func=lambda name: networks.init.TITLES[name],
        )
        default("dl_net.l2", 0.0, options=L2S)
        l2 = st.select_slider("L2 penalty λ", L2S, key="dl_net.l2", format_func=lambda v: f"{v:g}")
        st.subheader("Training")
        names = optimizers.names()
        default("dl_net.optimizers", ["gd", "adam"], kind="list", options=names)
        chosen = st.multiselect(
            "Optimizers",
            names,
            key="dl_net.optimizers",
            max_selections=MAX_OPTIMIZERS,
            format_func=lambda name: optimizers.get(name).title,
        )
        lrs = []
        for name in chosen:
            key = f"dl_net_lr.{name}"
            default(key, DEFAULT_LRS[name], options=LRS)
            lrs.append(
                st.select_slider(
                    f"Learning rate η: {optimizers.get(name).title}",
                    LRS,
                    key=key,
                    format_func=lambda v: f"{v:g}",
                )
            )
        default("dl_net.batch", 32, options=BATCHES)
        batch = st.select_slider(
            "Mini-batch size", BATCHES, key="dl_net.batch", format_func=_batch_label
        )
        default("dl_net.epochs", 50, options=EPOCHS)
        epochs = st.select_slider("Epochs", EPOCHS, key="dl_net.epochs")
        default("dl_net.seed", 0, kind="int", low=0, high=10_000)
        seed = st.number_input("Seed", 0, 10_000, step=1, key="dl_net.seed")
    return NetSettings(
        dataset,
        float(noise),
        (int(width),) * int(layers),
        activation,
        init,
        tuple(chosen),
        tuple(float(lr) for lr in lrs),
        int(batch),
        int(epochs),
        int(seed),
        bool(standardize),
        float(l2),
    )


def eos_controls() -> float | None:
    """Whether to run the edge-of-stability experiment, and its learning rate (on the page)."""
    default("dl_net.eos", True, kind="bool")
    if not st.toggle("Run the edge-of-stability experiment (a few seconds)", key="dl_net.eos"):
        return None
    # 0.7: on the default two moons the sharpness climbs from 2.44 to 2/η ≈ 2.86 by step 139
    # and hovers just below it while the loss keeps falling (Cohen et al.'s picture); at 1.0 it
    # starts above 2/η and the loss ends higher than it began.
    default("dl_net.eos_lr", 0.7, options=EOS_LRS)
    return float(
        st.select_slider(
            "Step size η of full-batch GD", EOS_LRS, key="dl_net.eos_lr", format_func=str
        )
    )


# ----- cached work ----------------------------------------------------------------------------
@st.cache_resource(max_entries=32, show_spinner=False)
def dataset(name: str, noise: float, seed: int, standardize: bool) -> networks.Dataset:
    data = networks.datasets.make(name, N_SAMPLES, noise, seed)
    return data.standardized() if standardize else data


def network_for(data: networks.Dataset, widths, activation, l2=0.0, loss="cross_entropy"):
    """The MLP of these hidden widths for this data set's inputs and classes."""
    outputs = 1 if data.classes == 2 else data.classes
    return networks.Network((data.X.shape[1], *widths, outputs), activation, loss, l2)


def check_budget(n: int, batch_size: int, epochs: int, name: str, n_params: int) -> int | None:
    """The batch size for :func:`optimizers.train` (None = full batch); a ValueError that says
    what to change for a run too long for a shared server."""
    batch = n if batch_size == 0 else min(batch_size, n)
    updates = epochs * -(-n // batch)
    if updates > MAX_UPDATES:
        raise ValueError(
            f"{epochs} epochs with mini-batches of {batch} is {updates:,} updates per "
            f"optimizer, more than this page runs ({MAX_UPDATES:,}): take fewer epochs or "
            "larger batches."
        )
    if epochs * n * n_params > MAX_WORK:
        raise ValueError(
            f"{epochs} epochs of a {n_params}-weight network on {n} examples is more work than "
            "this page does for one run: take fewer epochs or a smaller network."
        )
    if name == "newton" and updates * n_params**2 > MAX_NEWTON_WORK:
        raise ValueError(
            f"Newton's method forms and inverts the whole {n_params} × {n_params} Hessian at "
            f"every update; {updates:,} of them is more than this page does: take a smaller "
            "network, fewer epochs or larger batches."
        )
    return None if batch == n else batch


@st.cache_data(max_entries=64, show_spinner="Training…")
def training(key: tuple, name: str, lr: float):
    """One optimizer's run; ``key`` is :attr:`NetSettings.training`."""
    data_key, widths, activation, init, l2, batch_size, epochs = key
    data = dataset(*data_key)
    network = network_for(data, widths, activation, l2)
    batch = check_budget(len(data.y), batch_size, epochs, name, network.n_params)
    return train(network, data, optimizers.get(name, lr=lr), epochs, batch, init, data_key[2])


@st.cache_data(max_entries=32, show_spinner=False)
def curves(key: tuple, names: tuple, lrs: tuple) -> dict:
    """Loss and accuracy per epoch of every chosen optimizer (a figure dict)."""
    runs = [training(key, name, lr) for name, lr in zip(names, lrs, strict=True)]
    labels = [
        f"{optimizers.get(name).title} (η = {lr:g})" for name, lr in zip(names, lrs, strict=True)
    ]
    return figures.curves_figure(runs, labels).to_dict()


@st.cache_data(max_entries=32, show_spinner=False)
def boundary(key: tuple, name: str, lr: float):
    """The decision-regions animation of one run (a figure dict), or None for 4-D inputs."""
    data_key, widths, activation, _, l2, _, _ = key
    data = dataset(*data_key)
    run = training(key, name, lr)
    frames = figures.boundary_frames(network_for(data, widths, activation, l2), run.thetas, data.X)
    if frames is None:
        return None
    return figures.boundary_figure(frames, data, optimizers.get(name, lr=lr).title).to_dict()


@st.cache_data(max_entries=32, show_spinner=False)
def plane(key: tuple, name: str, lr: float):
    """The PCA-plane figure of one run (a dict) and the variance its two directions explain."""
    data_key, widths, activation, _, l2, _, _ = key
    data = dataset(*data_key)
    run = training(key, name, lr)
    network = network_for(data, widths, activation, l2)
    view = figures.plane_view(network, run.thetas, data.X, data.y, lr)
    return figures.pca_figure(view, optimizers.get(name, lr=lr).title).to_dict(), view.explained


def kappa(network, theta, X, y) -> float:
    """λmax/λmin of the Hessian at θ; infinite where λmin ≤ 0 (not a strict minimum)."""
    eigenvalues = np.linalg.eigvalsh(network.hessian(theta, X, y))
    return float(eigenvalues[-1] / eigenvalues[0]) if eigenvalues[0] > 0 else float("inf")


#: The standardization experiment's fixed setting: 8 tanh/ReLU units, λ = 1e-3 (which keeps
#: the final Hessian's κ finite and comparable), 50 epochs of mini-batches of 16 (full batches
#: for Newton); plain gradient descent unless told otherwise, with its own η, so moving the
#: sidebar's rates does not rerun it.
STANDARDIZATION = {"width": 8, "l2": 1e-3, "epochs": 50, "batch": 16}


def standardization_lr_control() -> float:
    """The learning rate of the standardization experiment's gradient descent (on the page)."""
    default("dl_net.std_lr", 0.1, options=LRS)
    return float(
        st.select_slider(
            "Step size η of the experiment's gradient descent",
            LRS,
            key="dl_net.std_lr",
            format_func=lambda v: f"{v:g}",
        )
    )


@st.cache_data(max_entries=16, show_spinner="Training with and without standardization…")
def standardization(activation: str, noise: float, seed: int, lr: float, name: str = "gd"):
    """Iris and the badly scaled blobs, raw and standardized: the figure (a dict), the runs and
    the final κ of each."""
    results = {}
    for data_name in ("iris", "scaled"):
        entry = {}
        for kind, standardize in (("raw", False), ("standardized", True)):
            data = dataset(data_name, noise, seed, standardize)
            network = network_for(
                data, (STANDARDIZATION["width"],), activation, STANDARDIZATION["l2"]
            )
            # Newton full-batch: it needs few steps, and each costs a whole Hessian.
            batch = None if name == "newton" else STANDARDIZATION["batch"]
            run = train(
                network,
                data,
                optimizers.get(name, lr=lr),
                STANDARDIZATION["epochs"],
                batch,
                "xavier",
                seed,
            )
            entry[kind] = run
            entry[f"kappa_{kind}"] = kappa(network, run.thetas[-1], data.X, data.y)
        results[networks.datasets.TITLES[data_name]] = entry
    return figures.standardization_figure(results).to_dict(), results


@st.cache_data(max_entries=16, show_spinner="Measuring the sharpness at every step…")
def eos(data_key: tuple, widths: tuple, activation: str, init: str, lr: float, steps: int = 200):
    """The edge-of-stability run: the page's data and architecture, MSE, full-batch GD."""
    data = dataset(*data_key)
    network = network_for(data, widths, activation, loss="mse")
    losses, sharpness = edge_of_stability(network, data, lr, steps, init, data_key[2])
    return figures.eos_figure(losses, sharpness, lr).to_dict(), losses, sharpness


def eos_summary(losses, sharpness, lr: float) -> str:
    """One sentence of what the edge-of-stability run did, from its numbers ("reached 2/η"
    means within 5 % of it)."""
    g = format_number
    edge = 2.0 / lr
    reached = np.flatnonzero(sharpness >= 0.95 * edge)
    if reached.size == 0:
        return (
            f"The sharpness went from {g(sharpness[0])} to {g(sharpness[-1])} (at most "
            f"{g(sharpness.max())}), below 2/η = {g(edge)}, in {len(losses) - 1} steps: try a "
            "larger η."
        )
    k = int(reached[0])
    after = losses[k:]
    rises = int(np.count_nonzero(np.diff(after) > 0))
    if k == 0:
        where = "above" if sharpness[0] > edge else "within 5 % of"
        start = (
            f"The sharpness was already {g(sharpness[0])} at the start, {where} 2/η = {g(edge)},"
        )
    else:
        low = float(sharpness[: k + 1].min())
        dip = f", fell to {g(low)} and then rose" if low < 0.98 * sharpness[0] else " and rose"
        start = (
            f"The sharpness started at {g(sharpness[0])}{dip} to 2/η = {g(edge)} (within 5 %) "
            f"at step {k},"
        )
    return (
        f"{start} and stayed within [{g(sharpness[k:].min())}, {g(sharpness[k:].max())}] "
        f"afterwards; meanwhile the loss went from {g(after[0])} to {g(after[-1])}, rising on "
        f"{rises} of {len(after) - 1} steps."
    )
