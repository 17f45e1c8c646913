r"""A small multilayer perceptron in plain NumPy: forward pass, backpropagation, Hessian-vector
products, all on one flat parameter vector θ.

The network (as in seed 000's hand-coded net, rows are examples)::

    a₀ = X                                   (n, d)
    zₗ = aₗ₋₁ Wₗ + bₗ,   aₗ = σ(zₗ)           hidden layers, σ = tanh or ReLU
    z_L = a_{L-1} W_L + b_L,  p = s(z_L)       output: sigmoid s (one unit, two classes)
                                                 or softmax s (k ≥ 3 units, k classes);
                                                 linear (s(z) = z) for the squared error

Loss, a mean over the n examples plus an optional L2 penalty on the weights (not the biases)::

    L(θ) = (1/n) Σᵢ ℓ(z_L,i, yᵢ) + (λ/2) Σₗ ‖Wₗ‖²

with ℓ the cross-entropy −log p_{yᵢ} (computed from the logits with ``logaddexp`` /
``logsumexp``, which never overflow) or, with ``loss="mse"``, the squared error ½‖z_L,i − tᵢ‖²
of a *linear* output against the target tᵢ (0/1, or one-hot): the setting of Cohen et al.
(2021), whose edge of stability needs curvature a sigmoid would squash (measured: with a
sigmoid inside the square the sharpness of a 2-16-1 net on moons never passed 0.2).

**Layout of θ.** Layer by layer, first the weights Wₗ of shape (fan_in, fan_out) in row-major
order, then the biases bₗ (fan_out,)::

    θ = [W₁[0,0], W₁[0,1], …, W₁[d-1,h-1], b₁[0], …, b₁[h-1], W₂[0,0], …, b_L[k-1]]

so a 2-16-1 net has 2·16 + 16 + 16·1 + 1 = 65 parameters. Column j of Wₗ holds the incoming
weights of unit j of layer l. :meth:`Network.unpack` returns views of θ in this layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from networks.special import expit, log_softmax, softmax

ACTIVATIONS = ("tanh", "relu")
LOSSES = ("cross_entropy", "mse")
#: Largest hidden layer and deepest net the app offers (the brief's "up to 32 units").
MAX_WIDTH = 32
MAX_HIDDEN_LAYERS = 2


@dataclass(frozen=True)
class Network:
    """An MLP ``sizes = (d, h₁, [h₂,] k)`` with its activation, loss and L2 penalty.

    Parameters
    ----------
    sizes : tuple of int
        Inputs, hidden widths (one or two, each 1 to 32), outputs (1 = sigmoid for two
        classes, k ≥ 3 = softmax for k classes; 2 is refused: use 1 sigmoid unit).
    activation : {'tanh', 'relu'}
    loss : {'cross_entropy', 'mse'}
    l2 : float
        λ ≥ 0 of the penalty (λ/2)Σ‖Wₗ‖².
    """

    sizes: tuple[int, ...]
    activation: str = "tanh"
    loss: str = "cross_entropy"
    l2: float = 0.0

    def __post_init__(self):
        sizes = tuple(int(size) for size in self.sizes)
        object.__setattr__(self, "sizes", sizes)
        if not 3 <= len(sizes) <= 2 + MAX_HIDDEN_LAYERS:
            raise ValueError(
                f"A network has 1 or {MAX_HIDDEN_LAYERS} hidden layers: sizes (inputs, hidden…, "
                f"outputs), got {sizes}."
            )
        if sizes[0] < 1 or any(not 1 <= width <= MAX_WIDTH for width in sizes[1:-1]):
            raise ValueError(f"Hidden layers have 1 to {MAX_WIDTH} units, got sizes {sizes}.")
        if sizes[-1] == 2 or sizes[-1] < 1:
            raise ValueError("Use 1 output (sigmoid) for two classes, k ≥ 3 (softmax) for k.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {self.activation!r}.")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}.")
        if not (np.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"l2 must be finite and ≥ 0, got {self.l2!r}.")

    # ----- the layout of θ ----------------------------------------------------------------
    @cached_property
    def slices(self) -> tuple[tuple[slice, slice], ...]:
        """Per layer, the slices of θ holding Wₗ and bₗ."""
        out, start = [], 0
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            weights = slice(start, start + fan_in * fan_out)
            biases = slice(weights.stop, weights.stop + fan_out)
            out.append((weights, biases))
            start = biases.stop
        return tuple(out)

    @property
    def n_params(self) -> int:
        return self.slices[-1][1].stop

    @cached_property
    def weight_mask(self) -> np.ndarray:
        """1 on the entries of θ that are weights, 0 on biases (the L2 penalty's mask)."""
        mask = np.zeros(self.n_params)
        for weights, _ in self.slices:
            mask[weights] = 1.0
        mask.setflags(write=False)
        return mask

    def unpack(self, theta) -> list[tuple[np.ndarray, np.ndarray]]:
        """Views ``[(W₁, b₁), …]`` of θ (..., P): Wₗ (..., fan_in, fan_out), bₗ (..., fan_out)."""
        theta = np.asarray(theta)
        if theta.shape[-1:] != (self.n_params,):
            raise ValueError(f"θ must have {self.n_params} entries, got shape {theta.shape}.")
        lead = theta.shape[:-1]
        layers = []
        for (weights, biases), fan_in, fan_out in zip(
            self.slices, self.sizes[:-1], self.sizes[1:], strict=True
        ):
            layers.append((theta[..., weights].reshape(*lead, fan_in, fan_out), theta[..., biases]))
        return layers

    # ----- forward pass ---------------------------------------------------------------------
    def _act(self, z):
        return np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0.0)

    def _act_derivatives(self, z, a):
        """σ'(z) and σ''(z) from z and a = σ(z): tanh' = 1 − a², tanh'' = −2a(1 − a²);
        ReLU' = [z > 0], ReLU'' = 0 (away from the kink at 0)."""
        if self.activation == "tanh":
            first = 1.0 - a * a
            return first, -2.0 * a * first
        first = (z > 0).astype(z.dtype)
        return first, np.zeros_like(z)

    def forward(self, theta, X):
        """Pre-activations and activations of every layer.

        Works on one θ (P,) or a stack (..., P): every array then gets θ's leading dimensions.

        Returns
        -------
        zs : list of ndarray
            z₁ … z_L, each (..., n, width); z_L are the output logits.
        activations : list of ndarray
            a₀ = X, a₁ … a_{L-1} (the hidden activations; the output's s(z_L) is :meth:`proba`).
        """
        activations, zs = [np.asarray(X)], []
        layers = self.unpack(theta)
        for index, (W, b) in enumerate(layers):
            z = activations[-1] @ W + b[..., None, :]
            zs.append(z)
            if index < len(layers) - 1:
                activations.append(self._act(z))
        return zs, activations

    def _output(self, logits):
        if self.loss == "mse":  # a linear output: the network's outputs are its predictions
            return logits
        return expit(logits) if self.sizes[-1] == 1 else softmax(logits, axis=-1)

    def proba(self, theta, X) -> np.ndarray:
        """Class probabilities (..., n, k) (k = 1: probability of class 1); with the squared
        error, the linear outputs (scores, not clipped to [0, 1])."""
        zs, _ = self.forward(theta, X)
        return self._output(zs[-1])

    def predict(self, theta, X) -> np.ndarray:
        """Predicted class labels (..., n): output above 1/2 (one unit) or the largest output."""
        p = self.proba(theta, X)
        return (p[..., 0] > 0.5).astype(int) if self.sizes[-1] == 1 else p.argmax(axis=-1)

    def accuracy(self, theta, X, y) -> np.ndarray:
        """Fraction of correctly classified examples (a float for one θ)."""
        return (self.predict(theta, X) == np.asarray(y)).mean(axis=-1)

    def targets(self, y) -> np.ndarray:
        """Labels (n,) as the output's targets t (n, k): 0/1 for a sigmoid, one-hot for softmax."""
        y = np.asarray(y)
        if self.sizes[-1] == 1:
            return y[:, None].astype(float)
        return np.eye(self.sizes[-1])[y]

    # ----- loss -----------------------------------------------------------------------------
    def _example_losses(self, logits, t):
        if self.loss == "mse":
            return 0.5 * ((self._output(logits) - t) ** 2).sum(axis=-1)
        if self.sizes[-1] == 1:  # −[t log s(z) + (1 − t) log(1 − s(z))] = log(1 + eᶻ) − t z
            return (np.logaddexp(0.0, logits) - t * logits)[..., 0]
        return -(t * log_softmax(logits, axis=-1)).sum(axis=-1)

    def penalty(self, theta) -> np.ndarray:
        """(λ/2) Σₗ ‖Wₗ‖² for θ (..., P)."""
        theta = np.asarray(theta)
        return 0.5 * self.l2 * (theta * theta * self.weight_mask).sum(axis=-1)

    def loss_value(self, theta, X, y) -> np.ndarray:
        """L(θ) on the examples (X, y): a float for one θ, an array (...) for a stack (..., P)."""
        zs, _ = self.forward(theta, X)
        return self._example_losses(zs[-1], self.targets(y)).mean(axis=-1) + self.penalty(theta)

    # ----- backpropagation ------------------------------------------------------------------
    def _output_error(self, logits, t):
        """∂ℓ/∂z_L per example (n, k).

        Cross-entropy: p − t (for the sigmoid and the softmax alike). Squared error on the
        linear output: z_L − t.
        """
        return self._output(logits) - t

    def _deltas(self, theta, X, y):
        """Forward pass, then the error signals δₗ = ∂ℓᵢ/∂zₗ per example, last layer first."""
        zs, activations = self.forward(theta, X)
        layers = self.unpack(theta)
        delta = self._output_error(zs[-1], self.targets(y))
        deltas = [delta]
        for index in range(len(layers) - 1, 0, -1):
            W, _ = layers[index]
            first, _ = self._act_derivatives(zs[index - 1], activations[index])
            # δₗ₋₁ = (δₗ Wₗᵀ) ⊙ σ'(zₗ₋₁): the chain rule through layer l.
            delta = (delta @ W.T) * first
            deltas.append(delta)
        return zs, activations, deltas[::-1]

    def gradient(self, theta, X, y) -> np.ndarray:
        """∇L(θ) (P,) by backpropagation (see :meth:`loss_and_gradient`)."""
        return self.loss_and_gradient(theta, X, y)[1]

    def loss_and_gradient(self, theta, X, y) -> tuple[float, np.ndarray]:
        """L(θ) and ∇L(θ) (P,) from one forward pass and one backward pass.

        With the error signals δₗ (n, width) from :meth:`_deltas`:
        ∂L/∂Wₗ = (1/n) aₗ₋₁ᵀ δₗ + λWₗ and ∂L/∂bₗ = (1/n) Σᵢ δₗ,ᵢ.
        """
        theta = np.asarray(theta, dtype=float)
        zs, activations, deltas = self._deltas(theta, X, y)
        n = len(activations[0])
        grad = np.empty(self.n_params)
        for (weights, biases), a, delta in zip(self.slices, activations, deltas, strict=True):
            grad[weights] = (a.T @ delta).ravel() / n
            grad[biases] = delta.sum(axis=0) / n
        loss = self._example_losses(zs[-1], self.targets(y)).mean() + self.penalty(theta)
        return float(loss), grad + self.l2 * self.weight_mask * theta

    def example_gradients(self, theta, X, y) -> np.ndarray:
        """Per-example gradients ∇ℓᵢ(θ) (n, P), without the L2 penalty: their mean plus λ·W
        is :meth:`gradient`, the mean over a mini-batch is that batch's gradient."""
        _, activations, deltas = self._deltas(np.asarray(theta, dtype=float), X, y)
        n = len(activations[0])
        grads = np.empty((n, self.n_params))
        for (weights, biases), a, delta in zip(self.slices, activations, deltas, strict=True):
            grads[:, weights] = (a[:, :, None] * delta[:, None, :]).reshape(n, -1)
            grads[:, biases] = delta
        return grads

    # ----- Hessian-vector products (Pearlmutter's R-operator) -------------------------------
    def _output_error_r(self, logits, t, r_logits):
        """R{∂ℓ/∂z_L}: the directional derivative of the output error along R{z_L}."""
        del t  # the output error's derivative does not depend on the target
        if self.loss == "mse":
            return r_logits
        p = self._output(logits)
        if self.sizes[-1] == 1:  # s'(z) = s(1 − s)
            return p * (1.0 - p) * r_logits
        # The softmax's Jacobian diag(p) − ppᵀ applied to R{z}.
        return p * (r_logits - (p * r_logits).sum(axis=-1, keepdims=True))

    def hvp(self, theta, v, X, y) -> np.ndarray:
        r"""Hessian-vector product ∇²L(θ) v, exact, by Pearlmutter's R-operator (1994).

        R{·} = d/dε (·)(θ + εv) at ε = 0, pushed forward through the net and back through
        backpropagation: R{zₗ} = R{aₗ₋₁}Wₗ + aₗ₋₁Vₗ + R{bₗ}, R{aₗ} = σ'(zₗ)R{zₗ}, then
        R{δₗ₋₁} = (R{δₗ}Wₗᵀ + δₗVₗᵀ) ⊙ σ'(zₗ₋₁) + (δₗWₗᵀ) ⊙ σ''(zₗ₋₁) R{zₗ₋₁} and
        R{∂L/∂Wₗ} = (1/n)(R{aₗ₋₁}ᵀδₗ + aₗ₋₁ᵀR{δₗ}) + λVₗ.

        ``v`` may be one vector (P,) or a stack (m, P): ``hvp(θ, np.eye(P), X, y)`` is the
        whole Hessian. ReLU's second derivative is taken as 0 (it is, except on the kink).
        """
        theta = np.asarray(theta, dtype=float)
        v = np.asarray(v, dtype=float)
        single = v.ndim == 1
        v = v[None] if single else v
        zs, activations, deltas = self._deltas(theta, X, y)
        layers, r_layers = self.unpack(theta), self.unpack(v)
        n = len(activations[0])
        # Forward: R{z} and R{a} per layer, with a leading axis over the vectors v.
        r_activations, r_zs = [np.zeros((1, *activations[0].shape))], []
        for index, ((W, _), (V, r_b)) in enumerate(zip(layers, r_layers, strict=True)):
            r_z = r_activations[-1] @ W + activations[index] @ V + r_b[:, None, :]
            r_zs.append(r_z)
            if index < len(layers) - 1:
                first, _ = self._act_derivatives(zs[index], activations[index + 1])
                r_activations.append(first * r_z)
        # Backward: R{δ} per layer, last layer first.
        r_delta = self._output_error_r(zs[-1], self.targets(y), r_zs[-1])
        r_deltas = [r_delta]
        for index in range(len(layers) - 1, 0, -1):
            (W, _), (V, _) = layers[index], r_layers[index]
            first, second = self._act_derivatives(zs[index - 1], activations[index])
            back = deltas[index] @ W.T
            r_delta = (r_delta @ W.T + deltas[index] @ V.swapaxes(-1, -2)) * first + (
                back * second * r_zs[index - 1]
            )
            r_deltas.append(r_delta)
        r_deltas = r_deltas[::-1]
        out = np.empty(v.shape)
        for (weights, biases), a, r_a, delta, r_delta in zip(
            self.slices, activations, r_activations, deltas, r_deltas, strict=True
        ):
            r_grad_w = r_a.swapaxes(-1, -2) @ delta + a.T @ r_delta
            out[:, weights] = r_grad_w.reshape(len(v), -1) / n
            out[:, biases] = r_delta.sum(axis=-2) / n
        out += self.l2 * self.weight_mask * v
        return out[0] if single else out

    def hessian(self, theta, X, y) -> np.ndarray:
        """The full Hessian ∇²L(θ) (P, P): P Hessian-vector products at once, symmetrised
        (the two halves agree to rounding)."""
        hessian = self.hvp(theta, np.eye(self.n_params), X, y)
        return 0.5 * (hessian + hessian.T)
