r"""The scenes on the 2-D surfaces: step size, conditioning, momentum, noise, adaptive rules.

Adding a scene is adding one :class:`lessons.Scene` to :data:`SCENES` below (its judge in
:mod:`lessons.judges`); :mod:`lessons` lists every module's scenes in teaching order.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import surfaces
from lessons import claims, judges
from lessons.measures import adagrad_effective_steps, quadratic_model
from lessons.scene import START_MARKER, Scene, run
from lessons.sources import cite
from optimizers import RunSpec
from optimizers.numbers import format_number

BOWL = {"condition_number": 10.0, "angle": 30.0}
VALLEY = {"condition_number": 100.0, "angle": 30.0}
#: Far along the valley floor and a little up one wall.
VALLEY_START = (-2.6, -1.0)
BOWL_START = (-2.4, 1.6)


def _default_start(surface: str, **params) -> tuple[float, float]:
    start = surfaces.get(surface, **params).start
    return float(start[0]), float(start[1])


#: The least-squares surfaces' own starts: far along the valley, a little across it.
RAW_START = _default_start("least_squares", standardize=False)
STANDARDIZED_START = _default_start("least_squares", standardize=True)
#: A double well: minima (0, ±1), a saddle point at the origin (Hessian diag(2, −4)).
DOUBLE_WELL = {"formula": "x^2 + (y^2 - 1)^2", "extent": 2.0}


#: The Hessians of the two quadratics (constant): the texts' numbers come from these.
BOWL_MODEL = quadratic_model(surfaces.get("quadratic", **BOWL))
VALLEY_MODEL = quadratic_model(surfaces.get("quadratic", **VALLEY))


#: Numbers for a student (three significant figures, powers of ten when tiny or huge): ``_g``
#: in prose, ``_tex`` inside $…$.
_g = format_number
_tex = functools.partial(format_number, latex=True)


#: κ of the raw line fit (the standardize scene's left panel).
LINE_FIT_KAPPA = quadratic_model(surfaces.get("least_squares", standardize=False)).condition_number
#: The double well's Hessian at the saddle point (0, 0).


def _on_bowl(label: str, optimizer: str, lr: float, steps: int, **kwargs) -> RunSpec:
    """A run on the κ = 10 bowl (:data:`BOWL`) from :data:`BOWL_START`."""
    return run(label, "quadratic", optimizer, lr, BOWL_START, steps, BOWL, **kwargs)


def _in_valley(label: str, optimizer: str, lr: float, steps: int, **kwargs) -> RunSpec:
    """A run in the κ = 100 valley (:data:`VALLEY`) from :data:`VALLEY_START`."""
    return run(label, "quadratic", optimizer, lr, VALLEY_START, steps, VALLEY, **kwargs)


def _step_size_scene(*, lr: float, claims, **text) -> Scene:
    """A step-size scene: gradient descent with learning rate ``lr`` on the bowl for 100
    steps, asked whether it converges, is still moving or diverges; ``text`` is the rest of
    the :class:`Scene` (id, title, question, …)."""
    return Scene(
        **text,
        runs=(_on_bowl(f"GD, η = {lr:g}", "gd", lr, 100),),
        judge=judges.status_judge(converged=0, still_moving=1, diverged=2),
        curvature_note=True,
        claims=claims,
    )


def _saddle_explanation(runs, trajectories) -> str:
    """The double well's saddle: the curvature at the origin (measured on the runs' surface,
    built when the scene is first shown: its formula needs SymPy, which the Lessons page
    need not load to open) and the escape time it gives."""
    first = runs[0]
    well = surfaces.get(first.surface, **dict(first.surface_params))
    lambda_min = surfaces.curvature(well, (0.0, 0.0)).lambda_min
    growth = 1 + first.lr * abs(lambda_min)
    return (
        "Along $y$ the saddle curves down "
        f"($\\lambda = {_tex(lambda_min)}$), so a small offset grows by the factor "
        f"$1 + {_tex(abs(lambda_min))}\\eta = {_tex(growth)}$ per step — but "
        "from $10^{-8}$ it needs about "
        f"$\\ln(0.5/10^{{-8}})/\\ln {_tex(growth)} \\approx "
        f"{math.log(0.5 / 1e-8) / math.log(growth):.0f}$ steps to get 0.5 away. "
        "Meanwhile the gradient is almost zero and gradient descent sits still. The noisy "
        "gradient kicks $y$ by about "
        "$\\eta\\sigma$ at every step, so the run never sits on the ridge: the same growth "
        "takes it down to a minimum as soon as it arrives."
    )


def _adagrad_explanation(runs, trajectories) -> str:
    """AdaGrad's scene: the sum levels off, the step freezes, it converges slowly (item 8)."""
    long = claims.longer(runs[0], claims.LONG_BUDGET)
    effective = adagrad_effective_steps(long)
    steps = trajectories[0].steps
    return (
        "Each coordinate's step is $\\eta/\\sqrt{s}$ times its gradient, and $s$ adds up "
        "every squared gradient since the start, so the effective learning rate "
        "$\\eta/\\sqrt{s_t}$ can only fall. It falls fast while the gradients are large: for "
        f"$x$ from {_g(effective[0, 0])} at the first step to {_g(effective[steps - 1, 0])} at "
        f"step {steps}. Then the gradients become small, the sum levels off and the effective "
        f"rate freezes (still {_g(effective[-1, 0])} at the end of a longer run): it never "
        "reaches zero, but the early gradients have fixed it at a tiny value. So AdaGrad "
        f"does converge, slowly: run on, it {judges.summary(long)}."
    )


def _adaptive_explanation(runs, trajectories) -> str:
    """RMSprop and Adam: an average, not a sum (item 9); the bias correction (item 15)."""
    rho = dict(runs[1].hyperparameters)["rho"]
    b2 = dict(runs[2].hyperparameters)["b2"]
    rmsprop, adam = trajectories[1], trajectories[2]
    return (
        "RMSprop keeps $s$ as an exponential moving average: old squared gradients fade by "
        f"$\\rho = {rho:g}$ per step (after the {rmsprop.steps} steps it needed, the first one "
        f"weighs $\\rho^{{{rmsprop.steps - 1}}} = {_tex(rho ** (rmsprop.steps - 1))}$ of the "
        "last), so as the gradients shrink near the minimum $s$ shrinks too and the step "
        "$\\eta/\\sqrt{s}$ stays useful. Adam's $\\beta_2 = "
        f"{b2:g}$ forgets almost nothing in {adam.steps} steps "
        f"($\\beta_2^{{{adam.steps - 1}}} = {_tex(b2 ** (adam.steps - 1))}$); it keeps its step "
        "because dividing by $1-\\beta_2^t$ makes $\\hat v$ an **average** of the squared "
        "gradients, not a sum that grows with $t$ like AdaGrad's. It adds a momentum average "
        "$m$ of the gradient, corrected the same way. The formula below is the one of Kingma "
        "and Ba's paper, which the app runs; the Korea University slides divide by "
        "$1-\\beta_1$ and $1-\\beta_2$ without the power $t$, a simplification that agrees with "
        "the paper only at the first step."
    )


def _clipping_explanation(runs, trajectories) -> str:
    """Clipping: the explosion's numbers, and why the clipped run cannot settle (item 4)."""
    plain = trajectories[0]
    norms = np.linalg.norm(plain.gradients[: min(4, plain.steps + 1)], axis=1)
    surface = runs[1].build_surface()
    minimum = surface.minima[0]
    limit = 2 / surfaces.curvature(surface, minimum).lambda_max
    lr = runs[1].lr
    return (
        f"From the start the gradient has norm about {_g(norms[0])}; one step of "
        "$\\eta\\, g$ lands on a steeper part of the wall, where the gradient is larger, so "
        f"the next step is larger still: {' → '.join(map(_g, norms))} — the "
        "gradient explodes. Clipping rescales any gradient longer than $c$ to length $c$, so "
        "no step is longer than $\\eta c$; the run stays on the surface and follows the "
        "valley. Clipping does not fix η: at the minimum "
        f"({minimum[0]:g}, {minimum[1]:g}) the stability limit is "
        f"$2/\\lambda_{{\\max}} = {_tex(limit)}$, below η = {lr:g}, so the run can never settle "
        "there. Run long enough, it locks into a back-and-forth 2-cycle "
        f"{_g(claims.cycle_distance(runs[1]))} from the minimum."
    )


_GD_RULE = r"w_{t+1} = w_t - \eta\,\nabla f(w_t)"
_EIGEN_ERROR = r"e^{(i)}_{t+1} = (1 - \eta\lambda_i)\, e^{(i)}_t"
_SPEED_CHOICES = ("Converge to the minimum", "Bounce back and forth for ever", "Diverge")

SCENES: tuple[Scene, ...] = (
    _step_size_scene(
        id="lr_too_small",
        title="Step size I: a timid step",
        lr=0.01,
        claims=claims.timid,
        idea="A learning rate far below the stability limit is safe but slow: the error along "
        "each eigen-direction shrinks only by the factor 1 − ηλ per step.",
        sources=(
            ("004", "the update rule w ← w − η∇L, η sets the step size"),
            ("000", "challenge 1: how do I pick the learning rate?"),
        ),
        setup=f"Gradient descent on the quadratic bowl with κ = {_g(BOWL_MODEL.condition_number)}, "
        f"from {START_MARKER}, with "
        "learning rate **η = 0.01** for **100 steps**.",
        question="After 100 steps, where is gradient descent?",
        choices=(
            "At the minimum",
            "Still creeping towards it, well short of it",
            "Thrown off the bowl: it diverged",
        ),
        answer=1,
        explanation="Each step moves by η times the gradient. On a quadratic the error along "
        "eigen-direction *i* is multiplied by $1 - \\eta\\lambda_i$ per step: along the shallow "
        f"direction ($\\lambda_{{\\min}} = {_tex(BOWL_MODEL.lambda_min)}$) that is "
        f"${_tex(1 - 0.01 * BOWL_MODEL.lambda_min)}$, so after 100 steps about "
        f"${_tex(1 - 0.01 * BOWL_MODEL.lambda_min)}^{{100}} \\approx "
        f"{_tex((1 - 0.01 * BOWL_MODEL.lambda_min) ** 100)}$ of that error is still left. Nothing "
        "goes wrong, it is just slow: a timid learning rate wastes steps.",
        formula=_GD_RULE + r", \qquad " + _EIGEN_ERROR,
    ),
    _step_size_scene(
        id="lr_just_right",
        title="Step size II: η = 0.183",
        lr=0.183,
        claims=claims.just_right,
        idea="The best fixed step 2/(λmin + λmax) balances the fast and the slow direction: "
        "both errors shrink by about (κ − 1)/(κ + 1) per step.",
        sources=(
            ("001", "the quadratic model J(W − αg) = J(W) − α gᵀg + ½α² gᵀHg"),
            ("001", "the condition number κ(H) = |λmax|/|λmin| sets the rate"),
        ),
        setup="The same bowl and start, gradient descent with **η = 0.183** for at most "
        "**100 steps**.",
        question="Will gradient descent converge, bounce back and forth, or diverge?",
        choices=_SPEED_CHOICES,
        answer=0,
        explanation="With $\\eta \\approx 2/(\\lambda_{\\min}+\\lambda_{\\max}) = "
        f"{_tex(BOWL_MODEL.best_fixed_step)}$ the two factors $1-\\eta\\lambda_{{\\min}} = "
        f"{_tex(1 - 0.183 * BOWL_MODEL.lambda_min)}$ and $1-\\eta\\lambda_{{\\max}} = "
        f"{_tex(1 - 0.183 * BOWL_MODEL.lambda_max)}$ are about equally small in size: the steep "
        "direction overshoots a little each step (the minus sign) but shrinks, the shallow one "
        "shrinks just as fast. That is the best a fixed step can do on this bowl: the error "
        "falls by about $(\\kappa-1)/(\\kappa+1) = "
        f"{_tex((BOWL_MODEL.condition_number - 1) / (BOWL_MODEL.condition_number + 1))}$ per step.",
        formula=r"\eta^\star = \frac{2}{\lambda_{\min} + \lambda_{\max}}, \qquad "
        r"\max_i |1 - \eta^\star\lambda_i| = \frac{\kappa - 1}{\kappa + 1}",
    ),
    _step_size_scene(
        id="lr_too_large",
        title="Step size III: η = 0.211",
        lr=0.211,
        claims=claims.too_large,
        idea="Past 2/λmax the steep direction's error grows by |1 − ηλmax| > 1 every step: "
        "gradient descent diverges, however close η is to the limit.",
        sources=(
            ("001", "exploding gradients: a very large step over-shoots the minimum"),
            ("002", "how to choose the learning rate η?"),
        ),
        setup="The same bowl and start, gradient descent with **η = 0.211** for at most "
        "**100 steps**.",
        question="Will gradient descent converge, bounce back and forth, or diverge?",
        choices=_SPEED_CHOICES,
        answer=2,
        explanation="Along the steep direction the error is multiplied by "
        f"$1 - \\eta\\lambda_{{\\max}} = 1 - 0.211 \\cdot {_tex(BOWL_MODEL.lambda_max)} = "
        f"{_tex(1 - 0.211 * BOWL_MODEL.lambda_max)}$ per step: it flips sign (the overshoot) "
        f"**and grows** by {_g(100 * (0.211 * BOWL_MODEL.lambda_max - 2))} %. Only "
        f"{_g(100 * (0.211 / BOWL_MODEL.gd_stability_limit - 1))} % past the limit "
        "$2/\\lambda_{\\max}$, "
        "yet after a few dozen steps the point flies off the bowl. Gradient descent is stable "
        "exactly when every factor $|1-\\eta\\lambda_i|$ is below 1.",
        formula=r"|1 - \eta\lambda_{\max}| < 1 \iff 0 < \eta < \frac{2}{\lambda_{\max}}",
    ),
    Scene(
        id="zigzag",
        title="A long thin valley",
        idea="On an ill-conditioned quadratic (large κ) the steep direction caps the learning "
        "rate, so progress along the shallow floor of the valley is a slow crawl; with "
        "1/λmax < η < 2/λmax the path also zig-zags across the valley.",
        sources=(
            ("001", "κ(H) = |λmax|/|λmin|: a large condition number means slow convergence"),
            ("000", "challenge 2: the same learning rate applies to all parameters"),
        ),
        setup=f"A quadratic valley with **κ = {_g(VALLEY_MODEL.condition_number)}**; gradient "
        f"descent from {START_MARKER}, far along the valley floor, with **η = 0.0194**, just "
        "below the stability limit, for at most **1000 steps**.",
        question="What does the path of gradient descent look like?",
        choices=(
            "A straight line down the valley to the minimum",
            "A zig-zag across the valley while it creeps along it",
            "It diverges",
        ),
        answer=1,
        explanation="One learning rate serves both directions, and η must stay below "
        f"$2/\\lambda_{{\\max}} = {_tex(2 / VALLEY_MODEL.lambda_max)}$ for the steep one. Along "
        f"the floor the error then shrinks by only $1 - \\eta\\lambda_{{\\min}} = "
        f"{_tex(1 - 0.0194 * VALLEY_MODEL.lambda_min)}$ per step: that slow crawl is the "
        "unavoidable cost of a large κ. The zig-zag comes from the step size: between "
        f"$1/\\lambda_{{\\max}} = {_tex(1 / VALLEY_MODEL.lambda_max)}$ and $2/\\lambda_{{\\max}}$ "
        f"the factor $1-\\eta\\lambda_{{\\max}} = {_tex(1 - 0.0194 * VALLEY_MODEL.lambda_max)}$ "
        "is negative, so every step overshoots to the other wall. Below "
        "$1/\\lambda_{\\max}$ (say η = 0.005) the path does not zig-zag at all, but it crawls "
        "just the same.",
        formula=r"\kappa(H) = \frac{|\lambda_{\max}(H)|}{|\lambda_{\min}(H)|}, \qquad "
        + _EIGEN_ERROR,
        runs=(_in_valley("GD, η = 0.0194", "gd", 0.0194, 1000),),
        judge=judges.judge_zigzag,
        curvature_note=True,
        claims=claims.zigzag,
    ),
    Scene(
        id="momentum",
        title="Momentum in the valley",
        idea="Momentum averages past gradients: the alternating components across the valley "
        "cancel, the consistent ones along it add up.",
        sources=(
            ("002", "momentum keeps a moving average of past gradients: v ← γv + ηg, w ← w − v"),
            ("004", "momentum: continue in the general direction of the previous iterations"),
        ),
        setup=f"The same valley (κ = {_g(VALLEY_MODEL.condition_number)}), start and "
        "**η = 0.0194**: plain gradient descent "
        "against heavy-ball momentum with **β = 0.7**, for at most **1000 steps**.",
        question="Momentum adds β times the previous step to every step. What happens to "
        "the zig-zag?",
        choices=(
            "It gets worse: momentum carries the point further across the valley",
            "It dies out sooner, and momentum reaches the minimum in fewer steps",
            "Nothing changes: the same η gives the same path",
        ),
        answer=1,
        explanation="Starting from $v_0 = 0$, the velocity is a decaying sum of past "
        "gradients, $v_t = \\sum_{j=0}^{t-1} \\beta^{\\,t-1-j} g_j$. Across the valley the "
        "gradients alternate in sign and cancel in that sum; along the floor they point the "
        "same way and add up, so the "
        "effective step along the valley grows towards $\\eta/(1-\\beta)$. Less zig-zag, "
        "more progress.",
        formula=r"v_{t+1} = \beta\, v_t + \nabla f(x_t), \qquad x_{t+1} = x_t - \eta\, v_{t+1}",
        runs=(
            _in_valley("GD, η = 0.0194", "gd", 0.0194, 1000),
            _in_valley(
                "Momentum, η = 0.0194, β = 0.7", "momentum", 0.0194, 1000, hyper={"momentum": 0.7}
            ),
        ),
        judge=judges.judge_momentum,
        claims=claims.momentum,
        playground=1,
    ),
    Scene(
        id="nesterov",
        title="Heavy ball or Nesterov?",
        idea="Nesterov's momentum looks ahead before it steps, which brakes the heavy ball's "
        "overshoot.",
        sources=(
            (
                "002",
                "Nesterov evaluates the gradient after the current velocity is applied: "
                "a correction to standard momentum",
            ),
        ),
        setup=f"The κ = {_g(BOWL_MODEL.condition_number)} bowl, heavy-ball momentum and "
        "Nesterov momentum with the same "
        "**η = 0.0501** and **β = 0.9**, from the same start, for at most **300 steps**.",
        question="Which of the two swings further past the minimum?",
        choices=(
            "Nesterov overshoots more",
            "Heavy ball overshoots more",
            "They overshoot the same",
        ),
        answer=1,
        explanation="With β = 0.9 the heavy ball keeps 90 % of its velocity: it rolls through "
        "the minimum and up the other side before the gradient turns it round. Nesterov takes "
        "the gradient where the velocity is about to carry it (in the notes, "
        "$\\nabla E(W - \\gamma v)$), so it feels the slope rising on the far side one step "
        "earlier and brakes. The library runs PyTorch's equivalent form shown below: the "
        "extra $\\beta v_{t+1}$ term is the look-ahead.",
        formula=r"v_{t+1} = \beta v_t + \nabla f(x_t), \qquad "
        r"x_{t+1} = x_t - \eta\,\big(\nabla f(x_t) + \beta\, v_{t+1}\big)",
        runs=tuple(
            _on_bowl(f"{name}, η = 0.0501, β = 0.9", rule, 0.0501, 300, hyper={"momentum": 0.9})
            for name, rule in (("Heavy ball", "momentum"), ("Nesterov", "nesterov"))
        ),
        judge=judges.judge_nesterov,
        claims=claims.nesterov,
        playground=1,
    ),
    Scene(
        id="standardize",
        title="Scaling the feature",
        idea="Standardizing the feature of a line fit (one feature plus an intercept) reshapes "
        "the loss surface itself: the least-squares Hessian becomes the identity, κ drops to 1 "
        "and gradient descent runs straight in.",
        sources=(
            ("003", "for the fit to behave well it is important to scale the input features"),
            ("000", "stochastic gradient descent is sensitive to feature scaling"),
            ("001", "κ(H) sets the convergence rate"),
        ),
        setup="Fitting a line $t \\approx w\\,x + b$ to 50 points with $x$ between 2 and 8, by "
        "least squares. Left: the raw feature. Right: the same data with $x$ replaced by "
        "$(x - \\bar x)/s$. Each gets gradient descent at its own best fixed step "
        "$2/(\\lambda_{\\min}+\\lambda_{\\max})$ for at most **200 steps**.",
        question="What does standardizing the feature do to gradient descent?",
        choices=(
            "Nothing: the shape of the valley is set by the data, not by its units",
            "The valley becomes a round bowl (κ ≈ 1): GD reaches the minimum at once",
            "The valley gets steeper and GD becomes unstable",
        ),
        answer=1,
        explanation="The surface is half the mean squared error, "
        "$f = \\frac{1}{2n}\\lVert A w - t\\rVert^2$ with $A = [x\\;\\;1]$, so its Hessian is "
        "$A^\\top A / n$ (the mean squared error itself has $2A^\\top A/n$: the same shape, "
        "twice the curvature). Its entries are the mean of $x^2$, the mean of $x$ and 1. With "
        "$x$ far from zero the two columns of $A$ are nearly parallel, so $H$ is nearly "
        f"singular: a long thin valley, κ = {_g(LINE_FIT_KAPPA)}. After standardizing, mean 0 "
        "and variance 1 make $H$ the identity: every direction has the same curvature, the "
        "gradient points straight at the minimum, and the best step $2/(1+1) = 1$ lands on it. "
        "That holds for **one** feature plus an intercept. With several features, "
        "standardizing each one leaves their correlations in $H$: two standardized features "
        f"with correlation $r = 0.9$ still have $\\kappa = (1+r)/(1-r) = {_tex(1.9 / 0.1)}$.",
        formula=r"H = \frac{1}{n}A^\top A = \begin{pmatrix} \overline{x^2} & \bar x \\ "
        r"\bar x & 1 \end{pmatrix} \;\xrightarrow{\;x \,\to\, (x-\bar x)/s\;}\; "
        r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",
        runs=tuple(
            run(label, "least_squares", "gd", lr, start, 200, {"standardize": standardize})
            for label, lr, start, standardize in (
                ("Raw x, GD η = 0.0649", 0.0649, RAW_START, False),
                ("Standardized x, GD η = 1", 1.0, STANDARDIZED_START, True),
            )
        ),
        judge=judges.judge_standardize,
        claims=claims.standardize,
    ),
    Scene(
        id="saddle",
        title="A saddle point",
        idea="At a saddle point the gradient vanishes without a minimum: gradient descent "
        "started near its ridge crawls there for many steps; a little noise pushes it off.",
        sources=(
            ("001", "saddle points: the Hessian has positive and negative eigenvalues"),
            ("004", "SGD can be too slow at plateaus and get stuck at saddle points"),
            ("001", "mini-batch noise can help the solution escape small local gradient problems"),
        ),
        setup="The double well $f = x^2 + (y^2 - 1)^2$: minima at $(0, \\pm 1)$, a saddle "
        "point at the origin. Both runs start at $(-1.8,\\ 10^{-8})$, a hair off the ridge "
        "$y = 0$, with **η = 0.0501** for at most **300 steps**; the second one adds Gaussian "
        "noise **σ = 0.2** to every gradient.",
        question="Which run gets away from the saddle point first?",
        choices=(
            "Plain gradient descent: it follows the exact slope",
            "The noisy run: the noise knocks it off the ridge",
            "Neither: both stay at the saddle for good",
            "Both leave together",
        ),
        answer=1,
        explanation=_saddle_explanation,
        formula=r"H(0,0) = \begin{pmatrix} 2 & 0 \\ 0 & -4 \end{pmatrix}, \qquad "
        r"y_{t+1} = (1 + 4\eta)\, y_t \;\Rightarrow\; "
        r"t_{\text{escape}} \approx \frac{\ln(1/|y_0|)}{\ln(1 + 4\eta)}",
        runs=tuple(
            run(label, "custom", "gd", 0.0501, (-1.8, 1e-8), 300, DOUBLE_WELL, noise=noise, seed=0)
            for label, noise in (("GD", 0.0), ("GD + noise σ = 0.2", 0.2))
        ),
        judge=judges.judge_saddle,
        claims=claims.saddle,
    ),
    Scene(
        id="start_point",
        title="Where you start",
        idea="On a non-convex surface gradient descent is deterministic but the start decides "
        "the basin, and so the minimum it reaches.",
        sources=(
            ("001", "the minimum reached by an optimizer depends on the starting value of W"),
            (
                "002",
                "the starting point for GD strongly determines the stationary point to "
                "which it converges",
            ),
        ),
        setup="Himmelblau's function has four minima of equal depth around a central hill. Two "
        "gradient-descent runs, **η = 0.01**, start **0.1 apart** beside the hill top, at "
        "(−0.3, −0.9) and (−0.2, −0.9).",
        question="Where do the two runs end?",
        choices=(
            "At the same minimum: the starts are almost the same",
            "At two different minima",
            "Neither reaches a minimum",
        ),
        answer=1,
        explanation="The hill top is where the four basins of attraction meet. Each start lies "
        "in one basin, and with a small step gradient descent follows the slope down without "
        "crossing a basin boundary, so two starts a hair apart on either side of a boundary go "
        "to different minima. So the start decides where training ends, and two trainings of "
        "the same model from different random starts can end in different places. (Networks "
        "are initialised at random for a different reason, which the notes give: *symmetry "
        "breaking*. Two hidden units that start with the same weights get the same gradient "
        "and stay copies of each other for ever; random starts make them differ "
        f"({cite('001').split(',')[0]}; {cite('002').split(',')[0]}).)",
        formula=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2, \qquad " + _GD_RULE,
        runs=(
            run("GD from (−0.3, −0.9)", "himmelblau", "gd", 0.01, (-0.3, -0.9), 300),
            run("GD from (−0.2, −0.9)", "himmelblau", "gd", 0.01, (-0.2, -0.9), 300),
        ),
        judge=judges.judge_start,
        claims=claims.start_point,
    ),
    Scene(
        id="sgd_noise_floor",
        title="SGD at a fixed learning rate",
        idea="With a fixed η, SGD keeps bouncing around the minimum at a noise floor set by "
        "η and the gradient's variance; a decaying learning rate lets it settle.",
        sources=(
            ("002", "for a fixed η, stochastic gradient descent may not converge to the optimum"),
            ("002", "progressive decay η(s) = η₀/(1 + s·η_d)"),
            ("000", "SGD's updates have high variance and make the loss fluctuate"),
        ),
        setup="Least squares on 50 points with a standardized feature. Stochastic gradient "
        "descent with **one example per step** (batch size 1), **η = 0.2**, for **500 steps** "
        "(10 epochs). The second run decays the learning rate, "
        "$\\eta_t = 0.2/(1 + 0.05\\,t)$.",
        question="Where does the loss end up after 500 steps?",
        choices=(
            "Both settle exactly at the minimum, like batch gradient descent",
            "The fixed-η run keeps bouncing above the minimum; the decaying one gets lower",
            "The decaying run stops too early and ends higher",
            "Both diverge",
        ),
        answer=1,
        explanation="One example's gradient points the right way only on average: "
        "$\\mathbb{E}[g_i] = \\nabla f$, but its variance does not vanish at the minimum, where "
        "the individual residuals still pull in different directions. So each step of size "
        "$\\eta\\, g_i$ kicks the point away again and the loss hovers above $f^*$ at a level "
        "that grows with η. Shrinking η over time shrinks the kicks: the decaying run "
        "settles much closer.",
        formula=r"w_{t+1} = w_t - \eta_t\, \nabla \ell_{i_t}(w_t), \qquad "
        r"\mathbb{E}\big[\nabla \ell_{i_t}\big] = \nabla f, \qquad "
        r"\eta_t = \frac{\eta_0}{1 + d\,t}",
        runs=tuple(
            run(
                label,
                "least_squares",
                "gd",
                0.2,
                STANDARDIZED_START,
                500,
                {"standardize": True},
                options=options,
                batch_size=1,
                seed=0,
            )
            for label, options in (
                ("SGD, fixed η = 0.2", None),
                ("SGD, η = 0.2/(1 + 0.05 t)", {"decay": 0.05}),
            )
        ),
        judge=judges.judge_noise_floor,
        claims=claims.noise_floor,
    ),
    Scene(
        id="minibatch",
        title="How big a mini-batch?",
        idea="Averaging b examples divides the variance of the gradient estimate by about b: "
        "bigger mini-batches scatter less around the minimum.",
        sources=(
            ("000", "mini-batch reduces the variance of the parameter updates compared to SGD"),
            ("002", "mini-batch: approximate the gradient using a small subset of examples"),
        ),
        setup="The logistic-regression loss of a two-weight classifier on 60 points. Three "
        "runs with **η = 1** for **600 steps** each, with mini-batches of **1, 6 and 30** "
        "examples.",
        question="Which run ends in the tightest cloud around the minimum?",
        choices=("Batch size 1", "Batch size 6", "Batch size 30", "All the same"),
        answer=2,
        explanation="A mini-batch gradient is the mean of $b$ example gradients. Drawn without "
        "replacement from $n$ examples, its variance is the examples' variance divided by "
        "$b$ (times $(n-b)/(n-1)$). The kicks around the minimum shrink with it: batch 30 "
        "scatters far less than batch 1, at the price of 30 gradient evaluations per step.",
        formula=r"g_B = \frac{1}{b}\sum_{i \in B} \nabla \ell_i(w), \qquad "
        r"\operatorname{Var}[g_B] = \frac{n - b}{n - 1}\cdot\frac{\sigma^2}{b}",
        runs=tuple(
            run(
                f"SGD, batch {size}",
                "logistic",
                "gd",
                1.0,
                (-2.0, 2.0),
                600,
                batch_size=size,
                seed=0,
            )
            for size in (1, 6, 30)
        ),
        judge=judges.judge_batch,
        claims=claims.batch,
    ),
    Scene(
        id="adagrad",
        title="AdaGrad's step size",
        idea="AdaGrad divides η by the root of the sum of all past squared gradients. The "
        "early, large gradients dominate that sum: the effective step drops fast, then freezes "
        "at a small value, and the run converges only slowly.",
        sources=(
            (
                "002",
                "accumulating squared gradients from the start can decrease the effective "
                "learning rate prematurely and excessively",
            ),
            ("000", "AdaGrad: every parameter has its own learning rate; it plateaus"),
        ),
        setup=f"The κ = {_g(BOWL_MODEL.condition_number)} bowl, AdaGrad with **η = 0.1** from "
        f"{START_MARKER} for **400 steps**.",
        question="What happens to AdaGrad's steps?",
        choices=(
            "They stay about the same size all the way",
            "They shrink early, then stay small: after 400 steps it is still far from the minimum",
            "They grow until it diverges",
            "It reaches the minimum in a few dozen steps",
        ),
        answer=1,
        explanation=_adagrad_explanation,
        formula=r"s_{t+1} = s_t + g_t^2, \qquad "
        r"x_{t+1} = x_t - \frac{\eta}{\sqrt{s_{t+1}} + \epsilon}\, g_t",
        runs=(_on_bowl("AdaGrad, η = 0.1", "adagrad", 0.1, 400),),
        judge=judges.judge_adagrad,
        claims=claims.adagrad,
    ),
    Scene(
        id="rmsprop_adam",
        title="RMSprop and Adam",
        idea="RMSprop and Adam divide by an average of the squared gradients instead of "
        "AdaGrad's growing sum, so their step size does not die out.",
        sources=(
            ("002", "RMSprop: r ← γr + (1 − γ) g⊙g estimates the scale with a moving average"),
            ("004", "Adam: moving averages of the gradient and of its square, bias-corrected"),
        ),
        setup="The same bowl, start and **η = 0.1** as AdaGrad's scene: AdaGrad, RMSprop "
        "(ρ = 0.99) and Adam (β₁ = 0.9, β₂ = 0.999) for **400 steps**.",
        question="Which of them reach the minimum within 400 steps?",
        choices=(
            "All three",
            "RMSprop and Adam; AdaGrad is still far off",
            "Only AdaGrad: it is the most careful",
            "None of them",
        ),
        answer=1,
        explanation=_adaptive_explanation,
        formula=r"\text{RMSprop: } s_{t+1} = \rho\, s_t + (1-\rho)\, g_t^2, \qquad "
        r"\text{Adam: } x_t = x_{t-1} - \eta\, \frac{m_t/(1-\beta_1^t)}"
        r"{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}",
        runs=(
            _on_bowl("AdaGrad, η = 0.1", "adagrad", 0.1, 400),
            _on_bowl("RMSprop, η = 0.1", "rmsprop", 0.1, 400),
            _on_bowl("Adam, η = 0.1", "adam", 0.1, 400),
        ),
        judge=judges.judge_adaptive,
        claims=claims.adaptive,
        playground=2,
    ),
    Scene(
        id="clipping",
        title="Exploding gradients",
        idea="Clipping the gradient's norm caps every step at η·c: a far-off start can no "
        "longer throw the run off the surface.",
        sources=(
            (
                "001",
                "dealing with exploding gradients is easy: gradient clipping prevents "
                "extreme values",
            ),
        ),
        setup="Rosenbrock's valley from its usual start, where the walls are steep. Gradient "
        "descent with **η = 0.00299** for at most **1000 steps**; the second run clips the "
        "gradient to norm **c = 10** before each step.",
        question="The unclipped run blows up within a few steps. What does the clipped run do?",
        choices=(
            "It blows up too: clipping only delays it",
            "It survives and works its way down the valley",
            "It converges as fast as with a well-chosen small η",
        ),
        answer=1,
        explanation=_clipping_explanation,
        formula=r"\tilde g = \min\Big(1, \frac{c}{\lVert g \rVert}\Big)\, g, \qquad "
        r"\lVert x_{t+1} - x_t \rVert = \eta\, \lVert \tilde g \rVert \le \eta\, c",
        runs=tuple(
            run(label, "rosenbrock", "gd", 0.00299, (-1.5, 2.0), 1000, options=options)
            for label, options in (
                ("GD, η = 0.00299", None),
                ("GD, η = 0.00299, clip 10", {"clip": 10.0}),
            )
        ),
        judge=judges.judge_clipping,
        claims=claims.clipping,
        playground=1,
    ),
)
