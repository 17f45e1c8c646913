"""Fuzz every page with random (and edge) control values: no exception, no NumPy warning,
and always a chart or a message a student can read.

One :class:`AppTest` per page is reused: each round writes a random state into
``at.session_state`` (the same keys the widgets use, see :mod:`ui.controls`), reruns the page
and checks it. A round draws a surface (including ``custom`` with valid and broken formulas),
its parameters inside and at the ends of their ranges, an optimizer, a learning rate anywhere
on the slider (a quarter of the time one of the ten largest stops), its other hyperparameters
up to 0.99 (and past the slider's ends, which the page must clamp), steps, a start point inside,
on and beyond the plot and at and past the number inputs' limits, seeds, batch sizes and
toggles.

Reproducible: the random generator is seeded (``FUZZ_SEED``), every failure prints the page,
the round, the values written that round and the page's whole ``dl_`` state. ``FUZZ_RUNS``
sets the rounds per page (default 160; CI runs the default); the Neural network page, whose
rounds train networks, runs a quarter of them.
"""

from __future__ import annotations

import ast
import math
import os
import random
import time
import warnings
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import networks
import optimizers
import surfaces
from tests.helpers import decode, figures
from ui.controls import LR_OPTIONS, STEP_CHOICES, TOLERANCES
from ui.sgd_panel import DATA_SURFACES, DECAY_OPTIONS, MAX_SEEDS
from viz import phase

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
RUNS = int(os.environ.get("FUZZ_RUNS", "160"))
#: Pages whose rounds cost many times a 2-D page's (a network trains in each): fewer rounds.
ROUND_SHARE = {"network": 0.25}
SEED = int(os.environ.get("FUZZ_SEED", "20261122"))
#: Stop collecting after this many failing rounds of one page (the report stays readable).
MAX_REPORTED = 8
#: A rerun slower than this fails the round: a page that computes for a minute on one state
#: would stall a classroom's shared server (the slowest normal rerun measured ≈ 5 s).
RUN_TIMEOUT_S = 60.0


def app_pages() -> dict[str, str]:
    """Page name → script, for every ``st.Page("app_pages/x.py", ...)`` in app.py."""
    pages = {}
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "Page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            pages[Path(node.args[0].value).stem] = node.args[0].value
    return pages


PAGES = app_pages()

pytestmark = pytest.mark.fuzz

# ----- formulas for the custom surface --------------------------------------------------------
VALID_FORMULAS = (
    "x^2 + y^2",
    "(x^2 - 1)^2 + 2*y^2 + 0.3*x",
    "sin(x)*cos(y) + 0.1*(x^2 + y^2)",
    "100*(y - x^2)^2 + (1 - x)^2",
    "x^2 - y^2",
    "x^3 - 3*x*y^2",
    "abs(x) + abs(y)",
    "sqrt(x^2 + y^2)",
    "log(x) + y^2",  # undefined for x ≤ 0: NaN over half the window
    "sqrt(x) + sqrt(y)",
    "1/x + y^2",  # a pole on the y axis
    "1/(x^2 + y^2)",  # a pole at the origin, a grid point
    "exp(x^2 + y^2)",
    "exp(exp(x)) + y^2",  # overflows to ∞ on part of the window
    "tanh(x*y) + 0.01*x^2",
    "x",  # a plane: no minimum, every run leaves the plot
    "0",  # flat: zero gradient everywhere
    "0*x + 5",
    "x^64 + y^64",  # the largest allowed power
    "(x^8)^8 + y^2",
    "1e100*x^2 + y^2",
    "1e-100*x^2 + 1e-100*y^2",
    "tan(x) + y^2",
    "cos(10*x) + cos(10*y)",
    "-x^2 - y^2",  # a maximum
    "x^2 + y^2 + 1e300",
    "e^x + pi*y^2",
    "2^3^2*x^2 + y**2",
    "log(abs(x*y))",
    "sin(1/x) + y^2",
)
INVALID_FORMULAS = (
    "",
    "   ",
    "x +",
    "x^",
    "(x + y",
    "x + y)",
    "import os",
    "__import__('os').system('true')",
    "eval('1')",
    "open('/etc/passwd')",
    "x.real",
    "[x, y]",
    "lambda: 1",
    "a + b",
    "z^2",
    "sin(x, y)",
    "sin()",
    "foo(x)",
    "x^1000",
    "x^y^x^y",
    "1e400*x",
    "1e300*1e300*x",
    "x²+y²",
    "x ^^ 2",
    "x // 2",
    "x % 2",
    "x if y else 1",
    "x == y",
    "'text'",
    "(" * 40 + "x" + ")" * 40,
    "+".join(["x"] * 100),
    "x" * 199,
    "∑x",
    "x;y",
    "\x00",
)
FORMULA_PARTS = ("x", "y", "1", "2.5", "pi", "e", "0", "1e-3", "10")
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh")
OPERATORS = ("+", "-", "*", "/", "^", "**")


def random_expression(rng: random.Random, depth: int = 0) -> str:
    """A random formula in the custom surface's language (often extreme, sometimes invalid
    only by its numbers: a huge power, a division by zero)."""
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice(FORMULA_PARTS)
    if roll < 0.5:
        return f"{rng.choice(FUNCTIONS)}({random_expression(rng, depth + 1)})"
    if roll < 0.6:
        return f"-{random_expression(rng, depth + 1)}"
    left, right = random_expression(rng, depth + 1), random_expression(rng, depth + 1)
    return f"({left} {rng.choice(OPERATORS)} {right})"


def random_formula(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(VALID_FORMULAS)
    if roll < 0.6:
        return rng.choice(INVALID_FORMULAS)
    if roll < 0.8:
        return random_expression(rng)[:200]
    # A valid formula with one character deleted, doubled or replaced: mostly broken.
    text = list(rng.choice(VALID_FORMULAS))
    at = rng.randrange(len(text))
    edit = rng.choice(("delete", "double", "replace"))
    if edit == "delete":
        del text[at]
    elif edit == "double":
        text.insert(at, text[at])
    else:
        text[at] = rng.choice("()^*+-/.,xyz0 ")
    return "".join(text)[:200]


# ----- random values for the controls ----------------------------------------------------------
def edge_or_inside(rng: random.Random, low: float, high: float, log: bool = False) -> float:
    """An end of [low, high] 40 % of the time, else a uniform (or log-uniform) value inside."""
    roll = rng.random()
    if roll < 0.2:
        return low
    if roll < 0.4:
        return high
    if log:
        return math.exp(rng.uniform(math.log(low), math.log(high)))
    return rng.uniform(low, high)


def random_lr(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(LR_OPTIONS[-10:])
    if roll < 0.35:
        return rng.choice(LR_OPTIONS[:10])
    return rng.choice(LR_OPTIONS)


#: How often a round keeps the previous round's surface (a student moves one slider at a time,
#: and the cached surface layers make such a round several times cheaper).
KEEP_SURFACE = 0.6


class Rounds:
    """The random generator of one page's rounds, and the surface the last round chose."""

    def __init__(self, seed: str):
        self.rng = random.Random(seed)
        self.previous: tuple[str, dict] | None = None

    def surface(self, allowed=None) -> tuple[str, dict]:
        """A new random surface, or (60 % of the time) the previous round's one again."""
        names = list(allowed or surfaces.names())
        if self.previous and self.previous[0] in names and self.rng.random() < KEEP_SURFACE:
            return self.previous[0], dict(self.previous[1])
        self.previous = random_surface(self.rng, names)
        return self.previous[0], dict(self.previous[1])


def random_surface(rng: random.Random, allowed=None) -> tuple[str, dict]:
    """A surface name and the session-state values of its parameters."""
    name = rng.choice(list(allowed or surfaces.names()))
    values = {}
    for spec in surfaces.parameters(name):
        key = f"dl_surface.{name}.{spec.name}"
        if spec.kind == "bool":
            values[key] = rng.random() < 0.5
        elif spec.kind == "choice":
            values[key] = rng.choice(spec.choices)
        elif spec.kind == "text":
            values[key] = random_formula(rng)
        elif spec.kind == "int":
            values[key] = round(edge_or_inside(rng, spec.low, spec.high))
        else:
            values[key] = edge_or_inside(rng, spec.low, spec.high, spec.log)
    return name, values


def built_surface(name: str, values: dict) -> surfaces.Surface | None:
    """The surface these values build (for its bounds), or None where they cannot.

    Warnings are the page's business: the same values are checked when the page builds it.
    """
    params = {key.rsplit(".", 1)[1]: value for key, value in values.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return surfaces.get(name, **params)
    except (ValueError, TypeError, ArithmeticError, RuntimeWarning):
        return None


def random_point(rng: random.Random, surface: surfaces.Surface | None) -> tuple[float, float]:
    """Inside the plot, on its border, at a minimizer, at the number inputs' limits
    (10 half-diagonals from the centre) or beyond them (the page must clamp those)."""
    if surface is None:
        (xmin, xmax), (ymin, ymax) = (-3.0, 3.0), (-3.0, 3.0)
        cx, cy, reach, minima = 0.0, 0.0, 42.4, []
    else:
        (xmin, xmax), (ymin, ymax) = surface.bounds
        (cx, cy), reach, minima = surface.center, 10 * surface.half_diagonal, surface.minima
    roll = rng.random()
    if roll < 0.3:
        return rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
    if roll < 0.5:
        return rng.choice((xmin, xmax)), rng.uniform(ymin, ymax)
    if roll < 0.6 and minima:
        return tuple(float(v) for v in rng.choice(minima))
    if roll < 0.8:
        return cx + rng.choice((-reach, reach)), cy + rng.choice((-reach, reach, 0.0))
    far = rng.choice((2.0, 10.0, 1e6))
    return cx + rng.choice((-1, 1)) * far * reach, cy + rng.choice((-1, 1)) * far * reach


def random_hyperparameters(rng: random.Random, optimizer: str, prefix: str = "dl") -> dict:
    """The rule's sliders other than the learning rate: ends, inside, and now and then past the
    slider's range (the page clamps those before drawing the slider)."""
    values = {}
    for spec in optimizers.hyperparameters(optimizer):
        if spec.name in ("lr", "eps"):
            continue
        high = 0.999 if spec.name == "b2" else 0.99
        low = 0.01 if spec.low_open else spec.low
        roll = rng.random()
        if roll < 0.08:
            value = rng.choice((-0.2, 1.0, 1.5))
        else:
            value = round(edge_or_inside(rng, low, high), 3 if spec.name == "b2" else 2)
        values[f"{prefix}_hp.{optimizer}.{spec.name}"] = value
    return values


def random_run_options(rng: random.Random, surface: surfaces.Surface | None) -> dict:
    n = surface.n_samples if surface is not None and surface.n_samples else 60
    return {
        "dl_steps": rng.choice((STEP_CHOICES[0], STEP_CHOICES[1], 10 * rng.randint(1, 200))),
        "dl_seed": rng.choice((0, 10_000, rng.randint(0, 10_000))),
        "dl_noise": rng.choice((0.0, 5.0, round(rng.uniform(0, 5) / 0.05) * 0.05)),
        "dl_full_batch": rng.random() < 0.5,
        "dl_batch_size": rng.choice((1, n, rng.randint(1, n), n + 50)),
        "dl_decay": rng.choice((0.0, 0.0, 10.0, rng.uniform(0, 10))),
        "dl_clip": rng.choice((0.0, 0.0, 1e6, 1e-3, rng.uniform(0, 100))),
        "dl_weight_decay": rng.choice((0.0, 0.0, 10.0, rng.uniform(0, 10))),
        "dl_tol": rng.choice(TOLERANCES),
    }


def start_values(rng: random.Random, name: str, surface) -> dict:
    x, y = random_point(rng, surface)
    return {f"dl_start.{name}.x": x, f"dl_start.{name}.y": y}


# ----- one random state per page ----------------------------------------------------------------
def playground_state(rounds: Rounds) -> dict:
    rng = rounds.rng
    name, state = rounds.surface()
    surface = built_surface(name, state)
    optimizer = rng.choice(optimizers.names())
    state.update(
        {
            "dl_surface": name,
            "dl_optimizer": optimizer,
            f"dl_lr.{name}.{optimizer}": random_lr(rng),
            "dl_show_3d": rng.random() < 0.15,
        }
    )
    state.update(random_hyperparameters(rng, optimizer))
    state.update(random_run_options(rng, surface))
    state.update(start_values(rng, name, surface))
    return state


def curvature_state(rounds: Rounds) -> dict:
    rng = rounds.rng
    name, state = rounds.surface()
    surface = built_surface(name, state)
    x, y = random_point(rng, surface)
    if rng.random() < 0.1:  # the point inputs have no limits: far, far away
        x, y = rng.choice((1e12, -1e300, 1e150)), rng.choice((0.0, 1e300))
    state.update(
        {
            "dl_surface": name,
            f"dl_lr.{name}.gd": random_lr(rng),
            f"dl_curv.{name}.x": x,
            f"dl_curv.{name}.y": y,
            "dl_curv.map": rng.choice(("condition", "sign")),
        }
    )
    state.update(start_values(rng, name, surface))
    return state


def gd_vs_sgd_state(rounds: Rounds) -> dict:
    rng = rounds.rng
    name, state = rounds.surface(DATA_SURFACES)
    surface = built_surface(name, state)
    n = surface.n_samples
    steps = rng.choice((STEP_CHOICES[0], STEP_CHOICES[1], 10 * rng.randint(1, 200)))
    state.update(
        {
            "dl_surface": name,
            f"dl_sgd_lr.{name}.gd": random_lr(rng),
            "dl_steps": steps,
            f"dl_sgd.{name}.batch_size": rng.choice((1, n, rng.randint(1, n), n + 7)),
            "dl_sgd.seeds": rng.choice((1, MAX_SEEDS, rng.randint(1, MAX_SEEDS))),
            "dl_sgd.decay_on": rng.random() < 0.5,
            "dl_sgd.decay": rng.choice(DECAY_OPTIONS),
            "dl_sgd.step": rng.choice((0, steps, rng.randint(0, steps), steps + 100)),
        }
    )
    state.update(start_values(rng, name, surface))
    return state


def race_state(rounds: Rounds) -> dict:
    rng = rounds.rng
    name, state = rounds.surface()
    surface = built_surface(name, state)
    racers = rng.sample(optimizers.names(), rng.choice((0, 1, 2, 4, 6, rng.randint(0, 6))))
    state.update({"dl_surface": name, "dl_race.optimizers": racers})
    for optimizer in racers:
        state[f"dl_race_lr.{name}.{optimizer}"] = random_lr(rng)
        state.update(random_hyperparameters(rng, optimizer, prefix="dl_race"))
    options = random_run_options(rng, surface)
    state.update(
        {
            key: options[key]
            for key in ("dl_steps", "dl_decay", "dl_clip", "dl_weight_decay", "dl_tol")
        }
    )
    state.update(start_values(rng, name, surface))
    return state


def phase_state(rounds: Rounds) -> dict:
    rng = rounds.rng
    name, state = rounds.surface()
    surface = built_surface(name, state)
    optimizer = rng.choice(phase.OPTIMIZERS)
    state.update(
        {
            "dl_surface": name,
            "dl_phase.optimizer": optimizer,
            f"dl_lr.{name}.{optimizer}": random_lr(rng),
            "dl_tol": rng.choice(TOLERANCES),
            "dl_steps": rng.choice((STEP_CHOICES[0], STEP_CHOICES[1], 10 * rng.randint(1, 200))),
        }
    )
    state.update(random_hyperparameters(rng, optimizer))
    state.update(start_values(rng, name, surface))
    return state


def lessons_state(rounds: Rounds) -> dict:
    """A scene, teacher mode, an answer or none, revealed or not; plus the shared controls a
    lesson's "Open in the Playground" writes (a lesson must not depend on them)."""
    import lessons as scenes
    from ui import lessons

    rng = rounds.rng
    scene = scenes.get(rng.choice(scenes.ids()))
    state = playground_state(rounds)
    state.update(
        {
            lessons.SCENE_KEY: scene.id,
            lessons.TEACHER_KEY: rng.random() < 0.3,
            lessons.answer_key(scene): rng.choice([None, *range(len(scene.choices))]),
            lessons.revealed_key(scene): rng.random() < 0.5,
        }
    )
    return state


def network_state(rounds: Rounds) -> dict:
    """The Neural network page: every control, epochs mostly short (each new state trains up
    to three networks), now and then a run too long for the page, the edge of stability
    one round in ten."""
    from ui import network_panel as panel

    rng = rounds.rng
    chosen = rng.sample(optimizers.names(), rng.choice((0, 1, 2, 3)))
    state = {
        "dl_net.dataset": rng.choice(networks.datasets.NAMES),
        "dl_net.noise": rng.choice(panel.NOISES),
        "dl_net.standardize": rng.random() < 0.7,
        "dl_net.layers": rng.choice((1, 2)),
        "dl_net.width": round(edge_or_inside(rng, 1, networks.model.MAX_WIDTH)),
        "dl_net.activation": rng.choice(networks.ACTIVATIONS),
        "dl_net.init": rng.choice(networks.SCHEMES),
        "dl_net.l2": rng.choice(panel.L2S),
        "dl_net.optimizers": chosen,
        "dl_net.batch": rng.choice(panel.BATCHES),
        "dl_net.epochs": rng.choice((5, 5, 10, 20, panel.EPOCHS[-1] if rng.random() < 0.1 else 5)),
        "dl_net.seed": rng.choice((0, 1, rng.randint(0, 10_000))),
        "dl_net.eos": rng.random() < 0.1,
        "dl_net.eos_lr": rng.choice(panel.EOS_LRS),
    }
    for name in chosen:
        state[f"dl_net_lr.{name}"] = rng.choice(panel.LRS)
    state["dl_net.std_lr"] = rng.choice(panel.LRS)
    # As with the surfaces: most rounds move one control of the last state (a student moves
    # one slider at a time, and each new combination trains up to seven networks).
    previous = getattr(rounds, "network", None)
    if previous is not None and rng.random() < KEEP_SURFACE:
        key = rng.choice(sorted(state))
        state = {**previous, key: state[key]}
        for name in state["dl_net.optimizers"]:
            state.setdefault(f"dl_net_lr.{name}", rng.choice(panel.LRS))
    rounds.network = state
    return state


STATES = {
    "playground": playground_state,
    "curvature": curvature_state,
    "gd_vs_sgd": gd_vs_sgd_state,
    "race": race_state,
    "phase": phase_state,
    "lessons": lessons_state,
    # The Convergence rates page draws the Playground's sidebar.
    "rates": playground_state,
    "network": network_state,
}


def test_every_page_has_a_generator():
    assert {"playground", "curvature", "gd_vs_sgd", "race", "phase"} <= set(PAGES)
    missing = sorted(set(PAGES) - set(STATES))
    assert not missing, f"pages without a random-state generator: {missing}"


# ----- checks ---------------------------------------------------------------------------------
def chart_has_data(app: AppTest) -> bool:
    """Some chart on the page has a trace with at least one finite point (or a layout image)."""
    for figure in figures(app):
        if figure.get("layout", {}).get("images"):
            return True
        for trace in figure.get("data", []):
            for axis in ("x", "y", "z"):
                if axis in trace:
                    values = decode(trace[axis])
                    if values.size and (values == values).any():
                        return True
    return False


def problems(app: AppTest, caught: list[warnings.WarningMessage]) -> list[str]:
    found = []
    for exception in app.exception:
        found.append(f"exception: {exception.message}\n" + "\n".join(exception.stack_trace))
    for warning in caught:
        source = Path(warning.filename).resolve()
        ours = ROOT in source.parents and "site-packages" not in source.parts
        if issubclass(warning.category, RuntimeWarning) or "numpy" in source.parts or ours:
            found.append(
                f"warning: {warning.category.__name__}: {warning.message} "
                f"({warning.filename}:{warning.lineno})"
            )
    messages = [*app.error, *app.warning, *app.info]
    for message in messages:
        if not str(message.value).strip() or "Traceback" in str(message.value):
            found.append(f"unclear message: {message.value!r}")
    if not app.exception and not messages and not chart_has_data(app):
        found.append("neither a chart with data nor a message")
    return found


def dl_state(app: AppTest) -> dict:
    state = app.session_state
    return {
        key: state[key]
        for key in sorted(k for k in state if isinstance(k, str))
        if key.startswith("dl_")
    }


# ----- the test -------------------------------------------------------------------------------
@pytest.mark.parametrize("page_name", list(PAGES))
def test_random_states_never_break_a_page(page_name, capsys):
    rounds = Rounds(f"{SEED}-{page_name}")
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    app.run()
    app.switch_page(PAGES[page_name])
    app.run()
    assert not app.exception, app.exception

    failures, started, slowest = [], time.perf_counter(), (0.0, -1)
    for round_number in range(max(1, int(RUNS * ROUND_SHARE.get(page_name, 1.0)))):
        changes = STATES[page_name](rounds)
        for key, value in changes.items():
            app.session_state[key] = value
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # A NumPy floating-point warning becomes an exception with a traceback on the page.
            warnings.simplefilter("error", RuntimeWarning)
            tick = time.perf_counter()
            try:
                app.run(timeout=RUN_TIMEOUT_S)
                timed_out = False
            except RuntimeError as error:  # AppTest: "script run timed out"
                timed_out = str(error)
            slowest = max(slowest, (time.perf_counter() - tick, round_number))
        if timed_out:
            # The script thread cannot be stopped and keeps this AppTest busy: report, stop.
            failures.append(
                f"--- {page_name}, round {round_number} (FUZZ_SEED={SEED}) ---\n{timed_out}: one "
                f"state kept the page busy for over {RUN_TIMEOUT_S:.0f} s\n"
                f"written this round: {changes!r}\nwhole dl_ state: {dl_state(app)!r}"
            )
            break
        found = problems(app, caught)
        if found:
            failures.append(
                f"--- {page_name}, round {round_number} (FUZZ_SEED={SEED}) ---\n"
                + "\n".join(found)
                + f"\nwritten this round: {changes!r}\nwhole dl_ state: {dl_state(app)!r}"
            )
            if len(failures) >= MAX_REPORTED:
                break
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\n[fuzz] {page_name}: {round_number + 1} states in {elapsed:.1f} s "
            f"({elapsed / (round_number + 1):.3f} s each; slowest {slowest[0]:.2f} s at "
            f"round {slowest[1]}), {len(failures)} failing"
        )
    assert not failures, "\n\n".join(failures)
