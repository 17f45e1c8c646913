"""One symbol, one meaning: the symbols the app uses, and how the lecture notes write them."""

from __future__ import annotations

#: (symbol, what it means in this app, how the lecture notes write it where they differ).
GLOSSARY: tuple[tuple[str, str, str], ...] = (
    (
        "η",
        "learning rate: the step size that multiplies the gradient (`lr`)",
        "α in Cheung et al. and Elston; η in Valle and the Korea University slides",
    ),
    (
        "β",
        "momentum: the fraction of the last velocity kept each step (`momentum`); β₁ and β₂ "
        "are Adam's decay rates of the gradient's average and of its square (`b1`, `b2`)",
        "γ in Valle (v ← γv + ηg); β₁, β₂ as here in the Korea University slides",
    ),
    (
        "ρ",
        "RMSprop's decay of the squared-gradient average (`rho`); nothing else. A rate of "
        "convergence is written as the factor per step, e.g. (κ−1)/(κ+1)",
        "γ in Valle (r ← γr + (1 − γ) g⊙g); α in the Korea University slides",
    ),
    (
        "κ",
        "condition number λmax/λmin of the Hessian at a minimum: a ratio of curvatures, "
        "not of slopes",
        "κ(H) in Elston, with the absolute values of λmax and λmin",
    ),
    (
        "λ",
        "an eigenvalue of the Hessian (a curvature along one direction); λmin, λmax the "
        "smallest and largest. The weight-decay strength is also called λ, but only in its "
        "own box (L2 weight decay λ)",
        "the Korea University slides use λ for weight decay: L + (λ/2)Σw²",
    ),
    (
        "ε",
        "the small number that keeps AdaGrad, RMSprop and Adam from dividing by zero (`eps`)",
        "ε in Valle and the Korea University slides; some texts put it inside the square root",
    ),
    (
        "b",
        "mini-batch size: examples averaged per stochastic gradient",
        "bs in Cheung et al.",
    ),
    (
        "epoch",
        "one pass over all n training examples: n/b mini-batch steps, or one full-batch step",
        "the same in the notes",
    ),
)
