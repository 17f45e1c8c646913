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
EOS_LRS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)
MAX_OPTIMIZERS = 3
#: The page refuses runs of more updates than this per optimizer (a shared classroom server
#: must not compute for a minute): it says so and how to fix it.
MAX_UPDATES = 20_000
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
    eos_lr: float


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
        0.5,
    )


def eos_lr_control() -> float:
    """The learning rate of the edge-of-stability run (on the page, beside its figure)."""
    default("dl_net.eos_lr", 0.5, options=EOS_LRS)
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


def network_for(settings: NetSettings, data: networks.Dataset, loss="cross_entropy"):
    outputs = 1 if data.classes == 2 else data.classes
    return networks.Network(
        (data.X.shape[1], *settings.widths, outputs), settings.activation, loss, settings.l2
    )


def check_budget(settings: NetSettings, data: networks.Dataset) -> None:
    """Refuse a run too long for a shared server, with what to change (ValueError)."""
    n = len(data.y)
    batch = n if settings.batch_size == 0 else min(settings.batch_size, n)
    updates = settings.epochs * -(-n // batch)
    if updates > MAX_UPDATES:
        raise ValueError(
            f"{settings.epochs} epochs with mini-batches of {batch} is {updates:,} updates per "
            f"optimizer, more than this page runs ({MAX_UPDATES:,}): take fewer epochs or "
            "larger batches."
        )


@st.cache_data(max_entries=64, show_spinner="Training…")
def training(settings: NetSettings, name: str, lr: float):
    data = dataset(settings.dataset, settings.noise, settings.seed, settings.standardize)
    check_budget(settings, data)
    network = network_for(settings, data)
    batch = None if settings.batch_size == 0 else min(settings.batch_size, len(data.y))
    run = train(
        network,
        data,
        optimizers.get(name, lr=lr),
        settings.epochs,
        batch,
        settings.init,
        settings.seed,
    )
    return run


@st.cache_data(max_entries=32, show_spinner=False)
def boundary(settings: NetSettings, name: str, lr: float):
    data = dataset(settings.dataset, settings.noise, settings.seed, settings.standardize)
    run = training(settings, name, lr)
    frames = figures.boundary_frames(network_for(settings, data), run.thetas, data.X)
    if frames is None:
        return None
    return figures.boundary_figure(frames, data, optimizers.get(name, lr=lr).title).to_dict()


@st.cache_data(max_entries=32, show_spinner=False)
def plane(settings: NetSettings, name: str, lr: float):
    data = dataset(settings.dataset, settings.noise, settings.seed, settings.standardize)
    run = training(settings, name, lr)
    view = figures.plane_view(network_for(settings, data), run.thetas, data.X, data.y, lr)
    return figures.pca_figure(view, optimizers.get(name, lr=lr).title).to_dict(), view.explained


def kappa(network, theta, X, y) -> float:
    """λmax/λmin of the Hessian at θ; infinite where λmin ≤ 0 (not a strict minimum)."""
    eigenvalues = np.linalg.eigvalsh(network.hessian(theta, X, y))
    return float(eigenvalues[-1] / eigenvalues[0]) if eigenvalues[0] > 0 else float("inf")


@st.cache_data(max_entries=16, show_spinner="Training with and without standardization…")
def standardization(settings: NetSettings, name: str, lr: float):
    """Iris and the badly scaled blobs, raw and standardized: runs and final κ."""
    results = {}
    for data_name in ("iris", "scaled"):
        entry = {}
        for kind, standardize in (("raw", False), ("standardized", True)):
            data = dataset(data_name, settings.noise, settings.seed, standardize)
            # A little L2 keeps the final Hessian's κ finite and comparable.
            network = networks.Network(
                (data.X.shape[1], 8, 1 if data.classes == 2 else data.classes),
                settings.activation,
                "cross_entropy",
                1e-3,
            )
            run = train(network, data, optimizers.get(name, lr=lr), 50, 16, "xavier", settings.seed)
            entry[kind] = run
            entry[f"kappa_{kind}"] = kappa(network, run.thetas[-1], data.X, data.y)
        results[networks.datasets.TITLES[data_name]] = entry
    return figures.standardization_figure(results).to_dict(), results


@st.cache_data(max_entries=16, show_spinner="Measuring the sharpness at every step…")
def eos(settings: NetSettings, lr: float, steps: int = 300):
    """The edge-of-stability run: the page's data and architecture, MSE, full-batch GD."""
    data = dataset(settings.dataset, settings.noise, settings.seed, settings.standardize)
    network = network_for(settings, data, loss="mse")
    losses, sharpness = edge_of_stability(network, data, lr, steps, settings.init, settings.seed)
    return figures.eos_figure(losses, sharpness, lr).to_dict(), losses, sharpness
