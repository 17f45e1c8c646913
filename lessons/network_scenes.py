r"""The scenes on small neural networks: zero initialization, standardized inputs, the edge of
stability.

Each scene trains a real network with :func:`optimizers.train` (or measures the sharpness with
:func:`optimizers.train.edge_of_stability`) instead of running a 2-D path: its
:class:`~lessons.scene.NetworkLesson` computes the experiment once (cached here, the runs take
well under a second each) and its judges read the results where a surface scene's judges read
trajectories.

>>> import lessons
>>> scene = lessons.get("zero_init")
>>> lessons.outcome(scene).answer == scene.answer
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

import networks
import optimizers
from lessons.scene import Claim, NetworkLesson, Outcome, Scene
from optimizers.numbers import format_number
from optimizers.train import NetworkRun, edge_of_stability, train

#: A number for a student: three significant figures, powers of ten when tiny or huge: ``_g``
#: in prose, ``_tex`` inside $…$.
_g = format_number
_tex = functools.partial(format_number, latex=True)


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


# ----- zero initialization ---------------------------------------------------------------------
#: Two moons, a 2-16-1 tanh net with cross-entropy, full-batch gradient descent.
ZERO = {"dataset": "moons", "noise": 0.1, "seed": 0, "hidden": 16, "lr": 0.5, "epochs": 100}
ZERO_NET = networks.Network((2, ZERO["hidden"], 1), "tanh")


def zero_data() -> networks.Dataset:
    return networks.datasets.make(ZERO["dataset"], 200, ZERO["noise"], ZERO["seed"])


@functools.lru_cache(maxsize=1)
def zero_init_runs() -> tuple[NetworkRun, NetworkRun]:
    """The same net and gradient descent from all-zero weights and from Xavier's random ones."""
    data = zero_data()
    return tuple(
        train(
            ZERO_NET,
            data,
            optimizers.get("gd", lr=ZERO["lr"]),
            ZERO["epochs"],
            None,
            init,
            ZERO["seed"],
        )
        for init in ("zeros", "xavier")
    )


@functools.lru_cache(maxsize=1)
def equal_units_run() -> NetworkRun:
    """The zero-init net started with equal but nonzero units: W₁ = 0, b₁ = 0.5, W₂ = 0.1."""
    theta0 = np.zeros(ZERO_NET.n_params)
    (_, b1), (w2, _) = ZERO_NET.unpack(theta0)[:2]
    b1[:], w2[:] = 0.5, 0.1  # views into theta0 (Network.unpack)
    return train(
        ZERO_NET,
        zero_data(),
        optimizers.get("gd", lr=ZERO["lr"]),
        ZERO["epochs"],
        theta0=theta0,
        seed=ZERO["seed"],
    )


def hidden_units(network: networks.Network, theta) -> np.ndarray:
    """Each hidden unit of the first layer as a row: its incoming weights, its bias and its
    outgoing weights (the whole unit), shape (units, inputs + 1 + outputs)."""
    (w1, b1), (w2, _) = network.unpack(theta)[:2]
    return np.column_stack([w1.T, b1, w2])


def _zero_parts(theta) -> tuple[np.ndarray, float]:
    """Everything but the output bias, and the output bias."""
    return np.asarray(theta[:-1]), float(theta[-1])


def judge_zero_init(runs, trajectories) -> Outcome:
    zeros, xavier = trajectories
    rest = np.array([_zero_parts(theta)[0] for theta in zeros.thetas])
    units = hidden_units(ZERO_NET, zeros.thetas[-1])
    spread = float(np.abs(units - units[0]).max())
    evidence = (
        f"Zeros: the largest weight other than the output bias over the whole run is "
        f"{_g(np.abs(rest).max())}; the 16 hidden units differ from one another by at most "
        f"{_g(spread)}. Training accuracy {_pct(zeros.train_accuracy[0])} → "
        f"{_pct(zeros.train_accuracy[-1])}. {zeros.message}",
        f"Xavier: training accuracy {_pct(xavier.train_accuracy[0])} → "
        f"{_pct(xavier.train_accuracy[-1])}. {xavier.message}",
    )
    if np.abs(rest).max() == 0.0:
        return Outcome(2, evidence)
    if spread < 1e-9:
        return Outcome(1, evidence)
    return Outcome(0, evidence)


def claims_zero_init(runs, trajectories) -> tuple[Claim, ...]:
    zeros, xavier = trajectories
    data = zero_data()
    theta0 = zeros.thetas[0]
    (w1, b1) = ZERO_NET.unpack(theta0)[0]
    hidden_out = np.tanh(data.X @ w1 + b1)
    gradient = ZERO_NET.gradient(theta0, data.X, data.y)
    rest = np.array([_zero_parts(theta)[0] for theta in zeros.thetas])
    share = float(np.mean(data.y))
    bias = _zero_parts(zeros.thetas[-1])[1]
    entropy = -share * np.log(share) - (1 - share) * np.log(1 - share)
    units = hidden_units(ZERO_NET, xavier.thetas[-1])
    gaps = np.linalg.norm(units[:, None, :] - units[None, :, :], axis=-1)
    closest = float(gaps[np.triu_indices(len(units), 1)].min())
    equal = equal_units_run()
    start, end = (hidden_units(ZERO_NET, theta) for theta in equal.thetas[[0, -1]])
    moved, apart = float(np.abs(end - start).max()), float(np.abs(end - end[0]).max())
    return (
        Claim(
            "with every weight 0 each hidden unit outputs tanh(0) = 0 for every example",
            float(np.abs(hidden_out).max()) == 0.0,
            f"largest hidden output at the start {_g(np.abs(hidden_out).max())}",
        ),
        Claim(
            "so backpropagation gives every weight a gradient of exactly 0; only the output "
            "bias gets one",
            float(np.abs(gradient[:-1]).max()) == 0.0 and gradient[-1] != 0.0,
            f"largest other gradient {_g(np.abs(gradient[:-1]).max())}, output bias "
            f"{_g(gradient[-1])}",
        ),
        Claim(
            f"the hidden units stay identical, all zero, for the whole run ({zeros.epochs} "
            "epochs: it stops once the gradient has vanished)",
            float(np.abs(rest).max()) == 0.0,
            f"largest weight other than the output bias over the run {_g(np.abs(rest).max())}",
        ),
        Claim(
            f"the output bias learns the share of class 1: σ(b) → {_g(share)}",
            abs(1 / (1 + np.exp(-bias)) - share) < 1e-3,
            f"σ(b) = {_g(1 / (1 + np.exp(-bias)))} at the end; share of class 1 {_g(share)}",
        ),
        Claim(
            f"the loss stops at the entropy of the class shares, {_g(entropy)} (about ln 2)",
            abs(zeros.train_loss[-1] - entropy) < 1e-4,
            f"final training loss {_g(zeros.train_loss[-1])}",
        ),
        Claim(
            "the accuracy stays at the share of the larger class: one class predicted everywhere",
            bool(np.allclose(zeros.train_accuracy, max(share, 1 - share))),
            f"training accuracy {_pct(zeros.train_accuracy[-1])}, larger class "
            f"{_pct(max(share, 1 - share))}",
        ),
        Claim(
            "started equal but not at zero (every bias 0.5, every outgoing weight 0.1) the "
            "units move, but together: one feature copied 16 times",
            moved > 1e-2 and apart < 1e-12,
            f"the units moved {_g(moved)} from their start and differ by {_g(apart)}",
        ),
        Claim(
            "from Xavier's random start the units end different and the net learns the moons",
            closest > 1e-2 and xavier.train_accuracy[-1] > 0.85,
            f"closest two hidden units {_g(closest)} apart; training accuracy "
            f"{_pct(xavier.train_accuracy[-1])}",
        ),
    )


# ----- standardized inputs ---------------------------------------------------------------------
#: Iris (seed 003), a 4-8-3 tanh net with λ = 1e-3, mini-batch gradient descent.
IRIS = {"hidden": 8, "l2": 1e-3, "lr": 0.1, "batch": 16, "epochs": 50, "seed": 0}


def iris_data(standardize: bool) -> networks.Dataset:
    data = networks.datasets.make("iris", seed=IRIS["seed"])
    return data.standardized() if standardize else data


def input_kappa(X) -> float:
    """κ = λmax/λmin of the inputs' matrix M = [1 x]ᵀ[1 x]/n (the Hessian of a linear model
    with squared error on these inputs; a first-layer unit's curvature is a weighted M)."""
    design = np.column_stack([np.ones(len(X)), X])
    eigenvalues = np.linalg.eigvalsh(design.T @ design / len(X))
    return float(eigenvalues[-1] / eigenvalues[0])


@functools.lru_cache(maxsize=1)
def standardization_runs() -> tuple[NetworkRun, NetworkRun]:
    """The same net, start and mini-batch GD on iris in centimetres and standardized."""
    network = networks.Network((4, IRIS["hidden"], 3), "tanh", l2=IRIS["l2"])
    return tuple(
        train(
            network,
            iris_data(standardize),
            optimizers.get("gd", lr=IRIS["lr"]),
            IRIS["epochs"],
            IRIS["batch"],
            "xavier",
            IRIS["seed"],
        )
        for standardize in (False, True)
    )


#: The question compares the training loss averaged over the last epochs (one epoch of a
#: jittery run could be a lucky or an unlucky one).
LAST_EPOCHS = 10


def late_loss(run: NetworkRun) -> float:
    """The mean training loss over the last :data:`LAST_EPOCHS` epochs."""
    return float(np.mean(run.train_loss[-LAST_EPOCHS:]))


def judge_standardization(runs, trajectories) -> Outcome:
    raw, standardized = trajectories
    evidence = tuple(
        f"{name}: training loss {_g(run.train_loss[0])} at the start, {_g(late_loss(run))} on "
        f"average over the last {LAST_EPOCHS} epochs; accuracy {_pct(run.train_accuracy[-1])} "
        f"after {run.epochs} epochs."
        for name, run in (("Raw", raw), ("Standardized", standardized))
    )
    if late_loss(standardized) < 0.5 * late_loss(raw):
        return Outcome(1, evidence)
    if late_loss(raw) < 0.5 * late_loss(standardized):
        return Outcome(0, evidence)
    return Outcome(2, evidence)


def claims_standardization(runs, trajectories) -> tuple[Claim, ...]:
    raw, standardized = trajectories
    kappas = [input_kappa(iris_data(flag).X) for flag in (False, True)]
    petals = float(np.corrcoef(iris_data(False).X[:, 2:].T)[0, 1])
    rises = [int(np.count_nonzero(np.diff(run.train_loss) > 0)) for run in trajectories]
    return (
        Claim(
            f"in centimetres the inputs' matrix [1 x]ᵀ[1 x]/n has κ = {_g(kappas[0])}",
            kappas[0] > 1000,
            f"κ raw = {_g(kappas[0])}",
        ),
        Claim(
            f"standardizing brings it down to κ = {_g(kappas[1])}",
            kappas[1] < kappas[0] / 10,
            f"κ standardized = {_g(kappas[1])}",
        ),
        Claim(
            f"not to 1: petal length and width stay correlated (r = {_g(petals)})",
            petals > 0.9 and kappas[1] > 10,
            f"r = {_g(petals)}",
        ),
        Claim(
            "with the raw inputs the loss goes up and down from epoch to epoch",
            rises[0] >= 5 and rises[0] > rises[1],
            f"the loss rose on {rises[0]} of {raw.epochs} epochs raw, on {rises[1]} standardized",
        ),
        Claim(
            f"standardized, its loss over the last {LAST_EPOCHS} epochs is less than half the "
            "raw run's, and its accuracy is higher",
            late_loss(standardized) < 0.5 * late_loss(raw)
            and standardized.train_accuracy[-1] > raw.train_accuracy[-1] + 0.1,
            f"mean loss {_g(late_loss(raw))} raw, {_g(late_loss(standardized))} standardized; "
            f"final accuracy {_pct(raw.train_accuracy[-1])} raw, "
            f"{_pct(standardized.train_accuracy[-1])} standardized",
        ),
    )


def _standardization_explanation(runs, trajectories) -> str:
    raw, standardized = trajectories
    kappas = [input_kappa(iris_data(flag).X) for flag in (False, True)]
    return (
        "Every first-layer unit adds up $w_1x_1 + \\dots + w_4x_4 + b$, so the curvature it "
        "sees is built from the inputs' matrix $M = [1\\ x]^\\top[1\\ x]/n$ (for a linear "
        "model with squared error it *is* the Hessian). Iris in centimetres gives $M$ a "
        f"condition number $\\kappa = {_tex(kappas[0])}$: the feature sizes and their common "
        "offset stretch the loss surface into a long thin valley, and one η cannot suit its "
        "steep and its flat directions, so the loss goes up and down and gets nowhere fast. "
        "Standardizing every feature, $x' = (x-\\mu)/\\sigma$, gives them mean 0 and the same "
        f"spread: $\\kappa = {_tex(kappas[1])}$ (not 1, because petal length and width are "
        "strongly correlated). Same net, same η, same start: over the last "
        f"{LAST_EPOCHS} epochs the loss averages {_g(late_loss(raw))} raw and "
        f"{_g(late_loss(standardized))} standardized."
    )


# ----- the edge of stability -------------------------------------------------------------------
#: XOR, a 2-8-1 tanh net with the squared error (Cohen et al.'s setting), full-batch GD.
EDGE = {"dataset": "xor", "noise": 0.1, "seed": 0, "hidden": 8, "lr": 0.9, "steps": 200}
EDGE_NET = networks.Network((2, EDGE["hidden"], 1), "tanh", "mse")
#: The band around 2/η the sharpness must stay in to "hover" there.
HOVER_BAND = (0.75, 1.3)


@dataclass(frozen=True, eq=False)
class EdgeRun:
    """Full-batch GD's loss and sharpness λmax at every step, and its step size."""

    losses: np.ndarray
    sharpness: np.ndarray
    lr: float

    @property
    def edge(self) -> float:
        """GD's stability limit 2/η."""
        return 2.0 / self.lr

    @property
    def reached(self) -> int | None:
        """The first step whose sharpness is within 5 % of 2/η (None if never)."""
        steps = np.flatnonzero(self.sharpness >= 0.95 * self.edge)
        return int(steps[0]) if steps.size else None


@functools.lru_cache(maxsize=1)
def edge_run() -> tuple[EdgeRun]:
    data = networks.datasets.make(EDGE["dataset"], 200, EDGE["noise"], EDGE["seed"])
    losses, sharpness = edge_of_stability(
        EDGE_NET, data, EDGE["lr"], EDGE["steps"], "xavier", EDGE["seed"]
    )
    return (EdgeRun(losses, sharpness, EDGE["lr"]),)


def judge_edge(runs, trajectories) -> Outcome:
    (run,) = trajectories
    k, edge, sharp, losses = run.reached, run.edge, run.sharpness, run.losses
    diverged = len(losses) < EDGE["steps"] + 1 or not np.isfinite(losses[-1])
    evidence = [
        f"2/η = {_g(edge)}; sharpness {_g(sharp[0])} at the start, {_g(sharp[-1])} after "
        f"{len(sharp) - 1} steps; loss {_g(losses[0])} → {_g(losses[-1])}."
    ]
    if k is not None:
        after = sharp[k:] / edge
        evidence.append(
            f"It reached 2/η at step {k}; afterwards it stayed between {_g(after.min())} and "
            f"{_g(after.max())} times 2/η, and the loss rose on "
            f"{int(np.count_nonzero(np.diff(losses[k:]) > 0))} of {len(losses) - 1 - k} steps."
        )
    if diverged:
        return Outcome(1, tuple(evidence))
    if k is None:
        return Outcome(3 if sharp[-1] < 0.5 * sharp[0] else 0, tuple(evidence))
    after = sharp[k:] / edge
    hovering = HOVER_BAND[0] < after.min() and after.max() < HOVER_BAND[1]
    falling = losses[-1] < 0.7 * losses[k]
    if hovering and falling:
        return Outcome(2, tuple(evidence))
    return Outcome(1 if not falling else 0, tuple(evidence))


def loss_jump(run: EdgeRun) -> tuple[int, int]:
    """The loss's jump after the sharpness reached 2/η: the step of its lowest value before
    the jump, and the step of the top of the jump (the largest loss after reaching 2/η)."""
    k = run.reached or 0
    top = k + int(np.argmax(run.losses[k:]))
    return k + int(np.argmin(run.losses[k : top + 1])), top


def claims_edge(runs, trajectories) -> tuple[Claim, ...]:
    (run,) = trajectories
    k, edge, sharp, losses = run.reached, run.edge, run.sharpness, run.losses
    after = sharp[k:] / edge if k is not None else np.array([np.nan])
    above = int(np.count_nonzero(sharp > edge))
    factor = abs(1 - run.lr * sharp.max())
    jump, top = loss_jump(run)
    settled = sharp[top + 10 :] / edge if top + 10 < len(sharp) else np.array([np.nan])
    return (
        Claim(
            f"the sharpness starts below 2/η = {_g(edge)}",
            sharp[0] < edge,
            f"λmax = {_g(sharp[0])} at step 0",
        ),
        Claim(
            "it rises to 2/η as the net trains (progressive sharpening)",
            k is not None and k > 10,
            f"it came within 5 % of 2/η at step {k}",
        ),
        Claim(
            f"it climbs past 2/η, to {_g(sharp.max() / edge)} times it",
            sharp.max() > edge,
            f"largest λmax {_g(sharp.max())} at step {int(np.argmax(sharp))}",
        ),
        Claim(
            "on a quadratic that sharp, every step would multiply the error by |1 − ηλmax| > 1",
            above > 0 and factor > 1,
            f"λmax > 2/η on {above} steps; at its largest |1 − ηλmax| = {_g(factor)}",
        ),
        Claim(
            f"while λmax is above 2/η the loss jumps up, from {_g(losses[jump])} to "
            f"{_g(losses[top])}",
            sharp[jump] > edge and losses[top] > 2 * losses[jump],
            f"λmax = {_g(sharp[jump] / edge)} × 2/η at step {jump}; the loss tops out at step "
            f"{top}",
        ),
        Claim(
            "after the jump the sharpness sits just below 2/η for the rest of the run",
            0.8 < settled.min() and settled.max() < 1.0,
            f"between {_g(settled.min())} and {_g(settled.max())} times 2/η from step {top + 10}",
        ),
        Claim(
            "it never strays far from 2/η once it got there",
            k is not None and HOVER_BAND[0] < after.min() and after.max() < HOVER_BAND[1],
            f"between {_g(after.min())} and {_g(after.max())} times 2/η after step {k}",
        ),
        Claim(
            "and the loss falls again, below where it was before the jump",
            k is not None and losses[-1] < losses[jump] and losses[-1] < 0.7 * losses[k],
            f"loss {_g(losses[k] if k is not None else float('nan'))} at step {k}, "
            f"{_g(losses[jump])} before the jump, {_g(losses[-1])} at step {len(losses) - 1}",
        ),
    )


def _edge_explanation(runs, trajectories) -> str:
    (run,) = trajectories
    k, edge, sharp, losses = run.reached, run.edge, run.sharpness, run.losses
    jump, top = loss_jump(run)
    settled = sharp[top + 10 :] / edge
    return (
        "On a quadratic, each step of gradient descent multiplies the error along the "
        "steepest direction by $1 - \\eta\\lambda_{\\max}$: it shrinks only while "
        f"$\\lambda_{{\\max}} < 2/\\eta = {_tex(edge)}$; beyond that the run diverges. A "
        f"network's curvature is not fixed: it starts at {_g(sharp[0])} and rises while the "
        f"net trains, until it meets 2/η at step {k}, and climbs on, to "
        f"{_g(sharp.max() / edge)} times 2/η. There the steps overshoot along the sharpest "
        f"direction and the loss jumps up, from {_g(losses[jump])} to {_g(losses[top])}. "
        "The run does not blow up: the jump throws the weights to a flatter place, the "
        f"sharpness drops back just below 2/η ({_g(settled.min())} to {_g(settled.max())} "
        f"times it) and the loss falls again, to {_g(losses[-1])}. The curvature is held near "
        "the largest one the step size tolerates: what Cohen et al. named the edge of "
        "stability (Cohen, Kaur, Li, Kolter & Talwalkar, *Gradient Descent on Neural Networks "
        "Typically Occurs at the Edge of Stability*, ICLR 2021). In their large networks the "
        "sharpness hovers at 2/η; a net of 33 weights like this one settles a little below."
    )


SCENES: tuple[Scene, ...] = (
    Scene(
        id="zero_init",
        title="Networks I: start every weight at zero",
        idea="All-zero weights are a trap: every hidden unit computes the same thing and gets "
        "the same gradient; with tanh both are zero, so the hidden layer never starts.",
        sources=(
            (
                "002",
                "weight initialization: break the symmetry between units that could "
                "compute the same function",
            ),
            ("000", "the one-hidden-layer network trained by backpropagation"),
        ),
        setup=f"Two moons (200 points, noise {ZERO['noise']:g}), a network with one hidden "
        f"layer of **{ZERO['hidden']} tanh units** and a sigmoid output, cross-entropy loss, "
        f"full-batch gradient descent with **η = {ZERO['lr']:g}** for up to "
        f"**{ZERO['epochs']} epochs**. Twice: once with every weight and bias **0**, once "
        "from Xavier's random weights.",
        question="What happens to the network that starts with all weights at zero?",
        choices=(
            "It learns the moons like the other one, only more slowly",
            "Its hidden units learn, but all the same feature, copied 16 times",
            "Its hidden layer never moves: it predicts one class everywhere",
        ),
        answer=2,
        explanation="The forward pass gives every hidden unit $a = \\tanh(0) = 0$. "
        "Backpropagation then gives the output weights the gradient $a^\\top\\delta_2 = 0$ "
        "and the hidden units the error $\\delta_1 = (\\delta_2 W_2^\\top)\\odot(1-a^2) = 0$, "
        "because $W_2 = 0$: nothing but the output bias ever moves. The bias learns what it "
        "can alone, the share of each class, and the loss stops at the entropy of those "
        "shares, about $\\ln 2$. Start the units equal but not at zero (every bias 0.5, "
        "every outgoing weight 0.1) and they do move, but identically: same start, same "
        "gradient, one feature copied 16 times. A random "
        "start (Xavier: $W \\sim N(0, 2/(n_{in}+n_{out}))$) breaks the symmetry.",
        # One short line per equation: a long line is cut off beside the evidence at 1024 px.
        formula=r"\begin{gathered}\frac{\partial L}{\partial W_2} = a_1^\top \delta_2 = 0 "
        r"\quad (a_1 = \tanh 0 = 0) \\ \delta_1 = (\delta_2 W_2^\top) \odot (1 - a_1^2) = 0 "
        r"\quad (W_2 = 0)\end{gathered}",
        runs=(),
        judge=judge_zero_init,
        claims=claims_zero_init,
        network=NetworkLesson(
            "zero_init",
            zero_init_runs,
            (
                ("Data", f"two moons, 200 points (150 to train), noise {ZERO['noise']:g}"),
                ("Network", f"2-{ZERO['hidden']}-1, tanh, sigmoid output, cross-entropy"),
                ("Optimizer", f"gradient descent, η = {ZERO['lr']:g}, full batch"),
                ("Epochs", str(ZERO["epochs"])),
                ("Initializations", "zeros; Xavier/Glorot (seed 0)"),
            ),
        ),
    ),
    Scene(
        id="standardize_network",
        title="Networks II: iris in centimetres",
        idea="Standardizing the inputs (mean 0, standard deviation 1) makes the loss surface "
        "rounder, so the same learning rate trains much further.",
        sources=(
            (
                "003",
                "iris trained with and without standardized inputs, loss and accuracy per epoch",
            ),
        ),
        setup=f"Fisher's iris: 4 measurements in cm, 3 species. A network with "
        f"**{IRIS['hidden']} tanh units**, softmax output, cross-entropy (L2 λ = "
        f"{IRIS['l2']:g}), mini-batch gradient descent with **η = {IRIS['lr']:g}**, batches of "
        f"{IRIS['batch']}, **{IRIS['epochs']} epochs**, the same random start. Once on the "
        "measurements as they are, once with every feature **standardized**.",
        question=f"Over the last {LAST_EPOCHS} of the {IRIS['epochs']} epochs, which run has "
        "the lower training loss?",
        choices=(
            "The raw one: the measurements keep their real sizes",
            "The standardized one, by far (less than half the raw run's loss)",
            "About the same: the first layer's weights can absorb any scale",
        ),
        answer=1,
        explanation=_standardization_explanation,
        formula=r"\begin{gathered}x' = \frac{x - \mu}{\sigma} \\ "
        r"\kappa(M) = \frac{\lambda_{\max}(M)}{\lambda_{\min}(M)},\ "
        r"M = \tfrac{1}{n}[1\ x]^\top[1\ x]\end{gathered}",
        runs=(),
        judge=judge_standardization,
        claims=claims_standardization,
        network=NetworkLesson(
            "standardization",
            standardization_runs,
            (
                ("Data", "iris, 150 flowers (112 to train)"),
                ("Network", f"4-{IRIS['hidden']}-3, tanh, softmax, λ = {IRIS['l2']:g}"),
                ("Optimizer", f"gradient descent, η = {IRIS['lr']:g}, batch {IRIS['batch']}"),
                ("Epochs", str(IRIS["epochs"])),
                ("Inputs", "raw (cm); standardized on the training part"),
            ),
        ),
    ),
    Scene(
        id="edge_of_stability",
        title="Networks III: the edge of stability",
        idea="In a network the curvature is not fixed: full-batch gradient descent sharpens "
        "it until λmax reaches 2/η, then keeps it there while the loss still falls "
        "(Cohen et al. 2021).",
        sources=(
            ("001", "the quadratic model: the curvature λmax limits the step size"),
            ("000", "challenge 1: how do I pick the learning rate?"),
        ),
        setup=f"XOR (200 points, noise {EDGE['noise']:g}), a network with "
        f"**{EDGE['hidden']} tanh units** and a linear output, squared-error loss, "
        f"**full-batch** gradient descent with **η = {EDGE['lr']:g}** for "
        f"**{EDGE['steps']} steps**. At every step we measure the **sharpness** λmax, the "
        "largest eigenvalue of the Hessian. On a quadratic, GD is stable only while "
        f"λmax < 2/η = {_g(2 / EDGE['lr'])}.",
        question="What does the sharpness do during the 200 steps?",
        choices=(
            "It stays below 2/η, and the loss falls smoothly",
            "It climbs past 2/η and the run diverges",
            "It climbs to about 2/η and hovers there, while the loss keeps falling, unevenly",
            "It falls towards 0 as the network learns",
        ),
        answer=2,
        explanation=_edge_explanation,
        formula=r"\begin{gathered}e_{t+1} = (1 - \eta\lambda_{\max})\, e_t \\ "
        r"\lambda_{\max}\big(\nabla^2 L(\theta_t)\big) \approx \frac{2}{\eta}\end{gathered}",
        runs=(),
        judge=judge_edge,
        claims=claims_edge,
        network=NetworkLesson(
            "edge_of_stability",
            edge_run,
            (
                ("Data", f"XOR, 200 points (150 to train), noise {EDGE['noise']:g}"),
                ("Network", f"2-{EDGE['hidden']}-1, tanh, linear output, squared error"),
                ("Optimizer", f"gradient descent, η = {EDGE['lr']:g}, full batch"),
                ("Steps", str(EDGE["steps"])),
                ("Initialization", "Xavier/Glorot (seed 0)"),
            ),
        ),
    ),
)
