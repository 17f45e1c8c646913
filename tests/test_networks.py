"""The networks package and the network training loop: derivatives against finite differences,
data sets, initializations, planes through weight space, training by every rule."""

from __future__ import annotations

import numpy as np
import pytest

import networks
import optimizers
from networks import Network, datasets
from optimizers.train import edge_of_stability, train

#: Every architecture shape (one and two hidden layers, sigmoid and softmax outputs), each
#: with both activations and both losses.
ARCHITECTURES = [(2, 5, 1), (4, 6, 3), (2, 4, 3, 1), (4, 5, 4, 3)]
CASES = [
    (sizes, activation, loss)
    for sizes in ARCHITECTURES
    for activation in networks.ACTIVATIONS
    for loss in networks.LOSSES
]


def case_data(sizes, n=30, seed=1):
    data = datasets.make("iris" if sizes[-1] == 3 else "moons", n, 0.2, seed)
    data = data.standardized()
    X = data.X[:, : sizes[0]]
    return X, data.y


def check_derivatives(network, theta, X, y, tolerance=1e-6):
    """Gradient vs central differences of the loss, HVP vs central differences of the
    gradient, relative to the largest entry: raises AssertionError naming what is off."""
    h = 1e-5
    eye = np.eye(network.n_params)
    fd_gradient = np.array(
        [
            (network.loss_value(theta + h * e, X, y) - network.loss_value(theta - h * e, X, y))
            / (2 * h)
            for e in eye
        ]
    )
    gradient = network.gradient(theta, X, y)
    error = np.abs(gradient - fd_gradient).max() / max(1e-3, np.abs(fd_gradient).max())
    assert error <= tolerance, f"gradient off by {error:.3g}"
    v = np.random.default_rng(5).standard_normal(network.n_params)
    fd_hvp = (network.gradient(theta + h * v, X, y) - network.gradient(theta - h * v, X, y)) / (
        2 * h
    )
    hvp = network.hvp(theta, v, X, y)
    error = np.abs(hvp - fd_hvp).max() / max(1e-3, np.abs(fd_hvp).max())
    assert error <= tolerance, f"Hessian-vector product off by {error:.3g}"


@pytest.mark.parametrize("sizes, activation, loss", CASES, ids=str)
def test_gradient_and_hvp_match_finite_differences(sizes, activation, loss):
    network = Network(sizes, activation, loss, l2=0.03)
    X, y = case_data(sizes)
    for seed in (0, 1):
        theta = 0.7 * np.random.default_rng(seed).standard_normal(network.n_params)
        check_derivatives(network, theta, X, y)


def test_the_check_fails_on_a_wrong_gradient_or_hvp():
    class WrongGradient(Network):
        def gradient(self, theta, X, y):
            return super().gradient(theta, X, y) + 1e-3 * (np.arange(self.n_params) == 3)

    class WrongHvp(Network):
        def hvp(self, theta, v, X, y):  # forgets the L2 term
            return super().hvp(theta, v, X, y) - self.l2 * self.weight_mask * v

    X, y = case_data((2, 5, 1))
    theta = np.random.default_rng(0).standard_normal(21)
    check_derivatives(Network((2, 5, 1), l2=0.1), theta, X, y)
    with pytest.raises(AssertionError, match="gradient off"):
        check_derivatives(WrongGradient((2, 5, 1), l2=0.1), theta, X, y)
    with pytest.raises(AssertionError, match="Hessian-vector product off"):
        check_derivatives(WrongHvp((2, 5, 1), l2=0.1), theta, X, y)


def test_hessian_is_the_stack_of_hvps_and_symmetric():
    network = Network((4, 5, 4, 3), "tanh", "cross_entropy", l2=0.01)
    X, y = case_data(network.sizes)
    theta = np.random.default_rng(2).standard_normal(network.n_params)
    hessian = network.hessian(theta, X, y)
    raw = network.hvp(theta, np.eye(network.n_params), X, y)
    np.testing.assert_allclose(raw, raw.T, atol=1e-12)
    v = np.random.default_rng(3).standard_normal(network.n_params)
    np.testing.assert_allclose(hessian @ v, network.hvp(theta, v, X, y), atol=1e-12)
    top, vector = networks.sharpness(network, theta, X, y)
    assert top == pytest.approx(np.linalg.eigvalsh(hessian)[-1], rel=1e-6)
    np.testing.assert_allclose(hessian @ vector, top * vector, atol=1e-6 * abs(top))
    # Lanczos started near the answer (the edge-of-stability loop) finds the same eigenvalue.
    nearby = vector + 0.1 * np.random.default_rng(4).standard_normal(network.n_params)
    warm, _ = networks.sharpness(network, theta, X, y, start=nearby)
    assert warm == pytest.approx(top, rel=1e-5)


def test_layout_of_theta():
    network = Network((2, 16, 1))
    assert network.n_params == 2 * 16 + 16 + 16 + 1 == 65
    theta = np.arange(65.0)
    (W1, b1), (W2, b2) = network.unpack(theta)
    assert W1.shape == (2, 16) and W1[0, 1] == 1.0 and W1[1, 0] == 16.0
    assert b1[0] == 32.0 and W2[0, 0] == 48.0 and b2[0] == 64.0
    # A stack of θ unpacks into stacks, and the forward pass agrees with one-at-a-time.
    X, y = case_data((2, 16, 1))
    stack = np.random.default_rng(0).standard_normal((3, 65))
    np.testing.assert_allclose(
        network.loss_value(stack, X, y), [network.loss_value(t, X, y) for t in stack], rtol=1e-13
    )


def test_per_example_and_mini_batch_gradients_average_to_the_full_gradient():
    network = Network((4, 6, 3), "relu", "cross_entropy", l2=0.05)
    X, y = case_data(network.sizes, n=150)
    theta = np.random.default_rng(4).standard_normal(network.n_params)
    full = network.gradient(theta, X, y)
    per_example = network.example_gradients(theta, X, y)
    decay = network.l2 * network.weight_mask * theta
    np.testing.assert_allclose(per_example.mean(axis=0) + decay, full, atol=1e-13)
    order = np.random.default_rng(0).permutation(len(y))
    batches = order.reshape(-1, len(y) // 8 if len(y) % 8 == 0 else 1)
    average = np.mean([network.gradient(theta, X[b], y[b]) for b in batches], axis=0)
    np.testing.assert_allclose(average, full, atol=1e-13)


def test_loss_closed_forms():
    # All-zero weights: the sigmoid says 1/2 everywhere, so the cross-entropy is log 2 and the
    # squared error of a zero output is (1/2)·mean(y²); a softmax over 3 classes gives log 3.
    X, y = case_data((2, 5, 1), n=40)
    assert Network((2, 5, 1)).loss_value(np.zeros(21), X, y) == pytest.approx(np.log(2))
    mse = Network((2, 5, 1), loss="mse").loss_value(np.zeros(21), X, y)
    assert mse == pytest.approx(0.5 * np.mean(y**2))
    X3, y3 = case_data((4, 6, 3))
    assert Network((4, 6, 3)).loss_value(np.zeros(51), X3, y3) == pytest.approx(np.log(3))


@pytest.mark.parametrize("name", datasets.NAMES)
def test_data_sets_are_seeded_and_shaped(name):
    a, b, c = (datasets.make(name, 120, 0.1, seed) for seed in (3, 3, 4))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    total = 150 if name == "iris" else 120
    assert len(a.y) + len(a.y_test) == total
    assert len(a.y_test) == round(0.25 * total)
    assert set(np.unique(np.concatenate([a.y, a.y_test]))) == set(range(a.classes))
    standard = a.standardized()
    np.testing.assert_allclose(standard.X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(standard.X.std(axis=0), 1.0, atol=1e-12)


def test_iris_is_fishers():
    features, species = datasets.iris()
    assert features.shape == (150, 4) and np.bincount(species).tolist() == [50, 50, 50]
    # Well-known facts: the first flower, and setosa's petals are the shortest (< 2 cm).
    np.testing.assert_array_equal(features[0], [5.1, 3.5, 1.4, 0.2])
    assert features[species == 0, 2].max() < 2.0 < features[species != 0, 2].min()


def test_badly_scaled_set_is_the_blobs_stretched():
    blobs, scaled = datasets.make("blobs", 80, 0.1, 2), datasets.make("scaled", 80, 0.1, 2)
    np.testing.assert_allclose(scaled.X[:, 0], blobs.X[:, 0])
    np.testing.assert_allclose(scaled.X[:, 1], datasets.BAD_SCALE * blobs.X[:, 1])


@pytest.mark.parametrize("scheme", networks.SCHEMES)
def test_initializations(scheme):
    network = Network((2, 32, 16, 1))
    theta = networks.initialize(network, scheme, seed=7)
    np.testing.assert_array_equal(theta, networks.initialize(network, scheme, seed=7))
    for (W, b), fan_in, fan_out in zip(
        network.unpack(theta), network.sizes[:-1], network.sizes[1:], strict=True
    ):
        assert np.all(b == 0)
        expected = {
            "zeros": 0.0,
            "small": 0.01,
            "xavier": np.sqrt(2 / (fan_in + fan_out)),
            "he": np.sqrt(2 / fan_in),
        }[scheme]
        # The sample standard deviation of ≥ 16 draws is within 60 % of the scheme's.
        assert W.std() == pytest.approx(expected, rel=0.6, abs=1e-12)


def test_zero_init_keeps_hidden_units_identical():
    network = Network((2, 8, 1), "tanh")
    data = datasets.make("moons", 100, 0.1, 0)
    run = train(network, data, optimizers.get("adam", lr=0.05), epochs=30, init="zeros")
    assert run.train_loss[-1] < run.train_loss[0]  # it learns something (the output bias) …
    for theta in run.thetas:
        (W1, b1), (W2, _) = network.unpack(theta)
        # … but every hidden unit stays a copy of the first one.
        np.testing.assert_array_equal(W1, W1[:, :1].repeat(8, axis=1))
        np.testing.assert_array_equal(b1, b1[0])
        np.testing.assert_array_equal(W2, W2[:1].repeat(8, axis=0))
    broken = networks.initialize(network, "xavier", 0)
    run = train(network, data, optimizers.get("adam", lr=0.05), epochs=3, theta0=broken)
    (W1, _), _ = network.unpack(run.thetas[-1])
    assert np.ptp(W1, axis=1).min() > 0.01


def test_filter_normalized_directions():
    network = Network((2, 6, 5, 1))
    theta = np.random.default_rng(0).standard_normal(network.n_params)
    direction = networks.filter_normalized(network, theta, seed=3)
    for (W_d, b_d), (W, _) in zip(network.unpack(direction), network.unpack(theta), strict=True):
        np.testing.assert_allclose(np.linalg.norm(W_d, axis=0), np.linalg.norm(W, axis=0))
        assert np.all(b_d == 0)
    assert not np.allclose(direction, networks.filter_normalized(network, theta, seed=4))


def test_pca_plane_is_orthonormal_and_explains_what_it_claims():
    rng = np.random.default_rng(0)
    path = np.cumsum(rng.standard_normal((40, 12)) * np.linspace(3, 0.1, 12), axis=0)
    plane = networks.pca_plane(path)
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    M = path - path[-1]
    total = (M**2).sum()
    np.testing.assert_allclose(plane.coordinates, M @ plane.directions.T)
    np.testing.assert_allclose(plane.explained, (plane.coordinates**2).sum(axis=0) / total)
    # No other unit direction explains more than d₁ (check against random ones).
    for _ in range(50):
        d = rng.standard_normal(12)
        d /= np.linalg.norm(d)
        assert ((M @ d) ** 2).sum() / total <= plane.explained[0] + 1e-12
    # A path inside a plane is explained fully, and the plane reproduces it.
    basis = np.linalg.qr(rng.standard_normal((12, 2)))[0].T
    flat = rng.standard_normal((30, 2)) @ basis + 5.0
    flat_plane = networks.pca_plane(flat)
    assert flat_plane.explained.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(flat_plane.coordinates @ flat_plane.directions + flat[-1], flat)


# ----- the sigmoid and the softmax (networks.special) against SciPy ---------------------------
def _ulps(ours: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """|ours − reference| in units in the last place of the reference."""
    return np.abs(ours - reference) / np.spacing(reference.astype(ours.dtype))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_expit_is_scipys_to_a_few_ulps_over_minus_800_to_800(dtype):
    from scipy.special import expit as scipy_expit

    z = np.concatenate([np.linspace(-800.0, 800.0, 400_001), np.linspace(-40.0, 40.0, 100_001)])
    z = z.astype(dtype)
    # No overflow (1/∞ after a warning) anywhere; e⁻⁸⁰⁰ underflowing to 0 is σ's true value.
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        ours = networks.special.expit(z)
    reference = scipy_expit(z)
    assert ours.dtype == dtype
    tiny = np.finfo(dtype).tiny
    normal = reference >= tiny
    # Both are within about 2 ulps of the exact value (checked in long double); NumPy's and
    # the C library's exp differ by an ulp or two.
    assert _ulps(ours[normal], reference[normal]).max() <= 4
    # Below z ≈ −709.8 (float64) SciPy's 1/(1 + e⁻ᶻ) flushes to 0; ours is e^z/(1 + e^z), the
    # true subnormal value: both are under the smallest normal number.
    assert np.all((ours[~normal] >= 0) & (ours[~normal] < tiny))
    assert np.all(np.diff(ours) * np.diff(z) >= 0)  # monotone, as σ is
    assert networks.special.expit(0.0) == 0.5
    np.testing.assert_array_equal(
        networks.special.expit([np.inf, -np.inf, np.nan]), [1.0, 0.0, np.nan]
    )


def test_softmax_and_log_softmax_are_scipys():
    from scipy import special

    rng = np.random.default_rng(3)
    logits = rng.normal(scale=40.0, size=(30, 20, 4))
    for name in ("softmax", "log_softmax"):
        ours, theirs = getattr(networks.special, name), getattr(special, name)
        for axis in (-1, 0):
            np.testing.assert_allclose(
                ours(logits, axis=axis), theirs(logits, axis=axis), rtol=1e-13, atol=1e-300
            )
        assert ours(logits.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(networks.special.softmax(logits).sum(axis=-1), 1.0, rtol=1e-14)
    # Huge logits: no overflow, and the same answers; an infinite one makes its row's
    # log-probabilities NaN and −∞ as SciPy's do.
    rows = np.array([[1e308, 1e308, 0.0], [-1000.0, 0.0, 1000.0]])
    for name in ("softmax", "log_softmax"):
        np.testing.assert_array_equal(
            getattr(networks.special, name)(rows), getattr(special, name)(rows, axis=-1)
        )
    with np.errstate(invalid="ignore"):
        infinite = np.array([[np.inf, 1.0, 2.0]])
        np.testing.assert_array_equal(
            networks.special.log_softmax(infinite), special.log_softmax(infinite, axis=-1)
        )


# ----- training -----------------------------------------------------------------------------
MOONS = datasets.make("moons", 120, 0.15, 0)
NET = Network((2, 8, 1))


def test_training_reproduces_by_seed():
    opt = optimizers.get("momentum", lr=0.1, momentum=0.9)
    a, b = (train(NET, MOONS, opt, epochs=10, batch_size=16, seed=5) for _ in range(2))
    np.testing.assert_array_equal(a.thetas, b.thetas)
    c = train(NET, MOONS, opt, epochs=10, batch_size=16, seed=6)
    assert not np.array_equal(a.thetas, c.thetas)


@pytest.mark.parametrize("name", optimizers.names())
def test_every_rule_trains_the_network(name):
    lr = {"gd": 0.5, "momentum": 0.1, "nesterov": 0.1, "newton": 0.5}.get(name, 0.02)
    run = train(NET, MOONS, optimizers.get(name, lr=lr), epochs=15, batch_size=30, seed=1)
    assert run.status != "diverged", run.message
    assert run.train_loss[-1] < 0.8 * run.train_loss[0]
    # Recorded numbers re-checked independently.
    theta = run.thetas[-1]
    assert run.train_loss[-1] == pytest.approx(NET.loss_value(theta, MOONS.X, MOONS.y))
    assert run.test_accuracy[-1] == pytest.approx(
        np.mean(NET.predict(theta, MOONS.X_test) == MOONS.y_test)
    )


def test_one_full_batch_step_is_the_rule_on_the_gradient():
    opt = optimizers.get("adam", lr=0.01, clip=0.05, weight_decay=0.1, decay=0.5)
    run = train(NET, MOONS, opt, epochs=2, seed=2)
    theta = networks.initialize(NET, "xavier", 2)
    state = optimizers.registry.RULES["adam"].init(theta)
    for t in range(2):
        g = NET.gradient(theta, MOONS.X, MOONS.y)
        g = g * min(1.0, 0.05 / np.linalg.norm(g)) + 0.1 * theta
        theta, state = optimizers.registry.RULES["adam"].step(
            theta, g, state, lr=0.01 / (1 + 0.5 * t), b1=0.9, b2=0.999, eps=1e-8
        )
        np.testing.assert_allclose(run.thetas[t + 1], theta, rtol=1e-12, atol=1e-15)


def test_verdicts_hold_for_a_network_run():
    diverged = train(NET, MOONS, optimizers.get("gd", lr=1e4), epochs=30, seed=0)
    assert diverged.status == "diverged" and "Diverged" in diverged.message
    assert diverged.train_loss[-1] > 1e4 * max(1, diverged.train_loss[0]) or not np.isfinite(
        NET.loss_value(diverged.thetas[-1], MOONS.X, MOONS.y) * 0
    )
    net = Network((2, 3, 1), l2=0.1)
    converged = train(net, MOONS, optimizers.get("newton", lr=1.0), epochs=30, tol=1e-9)
    assert converged.status == "converged", converged.message
    assert np.linalg.norm(net.gradient(converged.thetas[-1], MOONS.X, MOONS.y)) < 1e-9
    moving = train(NET, MOONS, optimizers.get("gd", lr=0.01), epochs=5)
    assert moving.status == "max_steps" and "Still moving" in moving.message
    assert np.linalg.norm(NET.gradient(moving.thetas[-1], MOONS.X, MOONS.y)) > 1e-6


def test_bad_arguments_get_clear_messages():
    opt = optimizers.get("gd", lr=0.1)
    with pytest.raises(ValueError, match="batch_size"):
        train(NET, MOONS, opt, epochs=2, batch_size=0)
    with pytest.raises(ValueError, match="inputs"):
        train(Network((4, 3, 1)), MOONS, opt, epochs=2)
    with pytest.raises(ValueError, match="1 to 32 units"):
        Network((2, 33, 1))
    with pytest.raises(ValueError, match="epochs"):
        train(NET, MOONS, opt, epochs=0)


def test_edge_of_stability():
    """Full-batch GD on MSE: the sharpness rises to about 2/η and stays near it, while the
    loss keeps falling (with bumps): Cohen et al. 2021."""
    network = Network((2, 16, 1), "tanh", "mse")
    data = datasets.make("moons", 200, 0.1, 0)
    lr = 0.6
    losses, sharpness = edge_of_stability(network, data, lr, steps=400)
    assert len(losses) == 401
    limit = 2 / lr
    assert sharpness[0] < 0.85 * limit
    late = sharpness[250:]
    assert late.max() > 0.95 * limit and late.mean() < 1.1 * limit
    assert losses[-1] < 0.5 * losses[0]
    assert np.any(np.diff(losses[200:]) > 0)  # not monotone: the loss falls unevenly


def test_a_mini_batch_run_s_message_says_what_its_losses_did():
    """'Still moving' with mini-batches: the message counts the epochs whose training loss rose
    (in the second half) instead of claiming jitter; its numbers have 3 significant figures."""
    from tests.helpers import assert_readable_numbers, assert_shows

    seen = set()
    for lr in (0.05, 2.0):
        run = train(NET, MOONS, optimizers.get("gd", lr=lr), epochs=12, batch_size=16, seed=3)
        assert run.status == "max_steps", run.message
        assert_readable_numbers(run.message)
        assert_shows(run.message, run.train_loss[-1], "training loss ")
        assert_shows(run.message, run.grad_norms[-1], "gradient norm ")
        tail = np.diff(run.train_loss[6:])
        rises = int(np.count_nonzero(tail > 0))
        if rises:
            assert f"rose on {rises} of the last {len(tail)} epochs" in run.message
        else:
            assert f"fell in each of the last {len(tail)} epochs" in run.message
        seen.add(bool(rises))
    assert seen == {True, False}, "both sentences are exercised"
