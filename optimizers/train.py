"""Train a :class:`networks.Network` with any update rule: the n-D loop beside the 2-D runner.

The rules are the same ``step`` functions :func:`optimizers.run` calls on floats, here on the
flat parameter vector θ (they are elementwise), with the runner's options around them: the
gradient is clipped to norm ``clip``, weight decay λθ is added, and the learning rate decays
as η/(1 + decay·t) over the update count t. Mini-batches are shuffled epochs without
replacement, as in the runner's oracle.

>>> import networks, optimizers
>>> data = networks.datasets.make("moons", 200, 0.1, seed=0)
>>> net = networks.Network((2, 16, 1))
>>> run = optimizers.train(net, data, optimizers.get("adam", lr=0.05), epochs=20, batch_size=32)
>>> run.status in ("converged", "max_steps", "diverged")
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from networks import Dataset, Network, initialize
from optimizers.numbers import format_number
from optimizers.registry import Optimizer

#: A run whose training loss passes this multiple of max(1, its first loss) has diverged.
LOSS_FACTOR = 1e4
#: The most gradient evaluations one run may make (about a second for a 2-16-1 net).
MAX_UPDATES = 50_000


@dataclass(frozen=True, eq=False)
class NetworkRun:
    """What a training run did, epoch by epoch (entry 0 is the initial θ).

    Attributes
    ----------
    thetas : ndarray (k + 1, P)
        θ after each epoch.
    train_loss, test_loss, train_accuracy, test_accuracy : ndarray (k + 1,)
        Loss L(θ) (with the net's L2 penalty) and accuracy on the training and held-out parts.
    grad_norms : ndarray (k + 1,)
        ‖∇L(θ)‖ of the full training loss after each epoch.
    status : str
        ``'converged'`` (‖∇L‖ < tol), ``'diverged'`` or ``'max_steps'``.
    message : str
        One sentence for a student.
    updates_per_epoch : int
    """

    thetas: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    grad_norms: np.ndarray
    status: str
    message: str
    optimizer: Optimizer
    updates_per_epoch: int

    @property
    def epochs(self) -> int:
        return len(self.thetas) - 1


def train(
    network: Network,
    data: Dataset,
    optimizer: Optimizer,
    epochs: int = 100,
    batch_size: int | None = None,
    init: str = "xavier",
    seed: int = 0,
    tol: float = 1e-6,
    theta0=None,
) -> NetworkRun:
    """Train ``network`` on ``data`` for at most ``epochs`` passes over the training part.

    Parameters
    ----------
    network : Network
    data : Dataset
        From :func:`networks.datasets.make` (its inputs must match ``network.sizes[0]``).
    optimizer : Optimizer
        From :func:`optimizers.get`; Newton uses the full Hessian of the (mini-)batch.
    epochs : int
        1 to 5,000.
    batch_size : int, optional
        Examples per update: 1 is SGD, None (or the training size) is full-batch GD.
    init : str
        Initialization scheme of :func:`networks.initialize` (ignored if ``theta0`` is given).
    seed : int
        Seeds the initialization and the shuffling: the same seed gives the same run.
    tol : float
        Converged when the full gradient norm after an epoch is below ``tol``.
    theta0 : array_like (P,), optional
        A start other than the seeded initialization.
    """
    X, y = data.X, data.y
    n = len(y)
    if X.shape[1] != network.sizes[0]:
        raise ValueError(
            f"The network takes {network.sizes[0]} inputs; {data.title} has {X.shape[1]}."
        )
    if not (isinstance(epochs, (int, np.integer)) and 1 <= epochs <= 5000):
        raise ValueError(f"epochs must be a whole number from 1 to 5,000, got {epochs!r}.")
    batch = n if batch_size is None else int(batch_size)
    if not 1 <= batch <= n:
        raise ValueError(f"batch_size must be between 1 and {n}, got {batch_size!r}.")
    updates_per_epoch = -(-n // batch)
    if epochs * updates_per_epoch > MAX_UPDATES:
        raise ValueError(
            f"{epochs} epochs of {updates_per_epoch} updates is more than {MAX_UPDATES:,} "
            "updates: take fewer epochs or larger batches."
        )
    theta = (
        initialize(network, init, seed)
        if theta0 is None
        else np.array(theta0, dtype=float).reshape(network.n_params)
    )
    rng = np.random.default_rng(seed)
    rule = optimizer.rule
    needs_hessian = getattr(rule, "NEEDS_HESSIAN", False)
    hyper = {key: value for key, value in optimizer.hyperparameters.items() if key != "lr"}
    state = rule.init(theta)

    loss0, full = network.loss_and_gradient(theta, X, y)
    thetas, grad_norms = [theta.copy()], [float(np.linalg.norm(full))]
    ceiling = LOSS_FACTOR * max(1.0, abs(loss0))
    status, reason, t = "max_steps", "", 0
    with np.errstate(all="ignore"):
        for _epoch in range(epochs):
            order = rng.permutation(n) if batch < n else np.arange(n)
            for start in range(0, n, batch):
                rows = order[start : start + batch]
                # Full batch: the gradient measured at the end of the last epoch is this one.
                grad = full if batch == n else network.gradient(theta, X[rows], y[rows])
                norm = math.sqrt(float(grad @ grad))
                if optimizer.clip is not None and norm > optimizer.clip:
                    grad = grad * (optimizer.clip / norm)
                if optimizer.weight_decay:
                    grad = grad + optimizer.weight_decay * theta
                lr = optimizer.lr_at(t)
                if needs_hessian:
                    hessian = network.hessian(theta, X[rows], y[rows])
                    if optimizer.weight_decay:
                        hessian += optimizer.weight_decay * np.eye(network.n_params)
                    # Newton's step x − lr·H⁻¹g with the pseudo-inverse, as the 2-D rule does
                    # where H is singular.
                    theta = theta - lr * (np.linalg.pinv(hessian, hermitian=True) @ grad)
                else:
                    theta, state = rule.step(theta, grad, state, lr=lr, **hyper)
                t += 1
            loss, full = network.loss_and_gradient(theta, X, y)
            norm = float(np.linalg.norm(full))
            if not (np.all(np.isfinite(theta)) and math.isfinite(loss) and math.isfinite(norm)):
                status, reason = "diverged", "nonfinite"
                break
            thetas.append(theta.copy())
            grad_norms.append(norm)
            if loss > ceiling:
                status, reason = "diverged", "ceiling"
                break
            if norm < tol:
                status = "converged"
                break

    thetas = np.array(thetas)
    train_loss = np.asarray(network.loss_value(thetas, X, y), dtype=float)
    test_loss = np.asarray(network.loss_value(thetas, data.X_test, data.y_test), dtype=float)
    if len(data.y_test) == 0:  # nothing held out: NaN, which the figures leave out
        test_loss = np.full(len(thetas), np.nan)
        test_accuracy = np.full(len(thetas), np.nan)
    else:
        test_accuracy = network.accuracy(thetas, data.X_test, data.y_test)
    train_accuracy = network.accuracy(thetas, X, y)
    if status == "max_steps" and len(thetas) > 8:
        mark = (3 * (len(thetas) - 1)) // 4
        if train_loss[-1] > train_loss[0] and train_loss[-1] - train_loss[mark] > abs(
            train_loss[mark]
        ):
            status, reason = "diverged", "growing"
    message = _message(status, reason, train_loss, grad_norms, tol, len(thetas) - 1, batch < n)
    return NetworkRun(
        thetas,
        train_loss,
        test_loss,
        np.asarray(train_accuracy, dtype=float),
        np.asarray(test_accuracy, dtype=float),
        np.asarray(grad_norms),
        status,
        message,
        optimizer,
        updates_per_epoch,
    )


def _message(status, reason, losses, norms, tol, epochs, stochastic) -> str:
    noun = "epoch" if epochs == 1 else "epochs"
    if status == "converged":
        return (
            f"Converged in {epochs} {noun}: the gradient norm fell below {format_number(tol)}; "
            f"training loss {format_number(losses[-1])}."
        )
    if status == "max_steps":
        text = (
            f"Still moving after {epochs} {noun}: training loss {format_number(losses[-1])}, "
            f"gradient norm {format_number(norms[-1])}."
        )
        if stochastic and epochs >= 2:
            # Say only what the losses show: noise makes them rise now and then.
            tail = np.diff(np.asarray(losses[epochs // 2 :], dtype=float))
            rises = int(np.count_nonzero(tail > 0))
            if rises:
                text += (
                    f" The training loss rose on {rises} of the last {len(tail)} epochs: "
                    "mini-batch gradients are noisy, and a decaying learning rate damps that."
                )
            else:
                text += f" The training loss fell in each of the last {len(tail)} epochs."
        return text
    if reason == "nonfinite":
        return (
            f"Diverged in epoch {epochs + 1}: the weights overflowed to infinity; the learning "
            "rate is too large for the curvature along the path."
        )
    if reason == "ceiling":
        return (
            f"Diverged in epoch {epochs}: the training loss exploded to "
            f"{format_number(losses[-1])}; the learning rate is too large for the curvature along "
            "the path."
        )
    return (
        f"Diverging: the training loss grew from {format_number(losses[0])} to "
        f"{format_number(losses[-1])} over {epochs} {noun}."
    )


def edge_of_stability(
    network: Network,
    data: Dataset,
    lr: float,
    steps: int = 300,
    init: str = "xavier",
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent with the sharpness λmax(∇²L) after every step (Cohen et al.
    2021): it rises until it reaches 2/η and hovers there while the loss keeps falling.

    Returns
    -------
    losses, sharpness : ndarray (k + 1,)
        The training loss and λmax at θ₀ … θ_k (k < ``steps`` if the run diverged).
    """
    from networks import sharpness as top_eigenvalue

    X, y = data.X, data.y
    theta = initialize(network, init, seed)
    losses, sharp, vector = [], [], None
    with np.errstate(all="ignore"):
        for _ in range(steps + 1):
            loss = float(network.loss_value(theta, X, y))
            if not (math.isfinite(loss) and np.all(np.isfinite(theta))):
                break
            value, vector = top_eigenvalue(network, theta, X, y, start=vector)
            losses.append(loss)
            sharp.append(value)
            theta = theta - lr * network.gradient(theta, X, y)
    return np.array(losses), np.array(sharp)
