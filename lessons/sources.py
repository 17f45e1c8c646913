"""The lecture notes the scenes teach from (``shared/seeds/<file>``), cited by author and title."""

from __future__ import annotations

#: Seed number → how a student finds the notes: authors, title and what the notes are.
SEEDS = {
    "000": "Cheung, Lee, Miller & Smaniotto, *Optimization of neural networks* (slides)",
    "001": "Elston, *Optimization for Deep Learning* (Quantia Analytics, lecture 05)",
    "002": "Valle, *Advanced Training Techniques for Neural Networks* (UTFSM, 2018)",
    "003": "*Optimization*, a course-book chapter on gradient descent, SGD, Adam and data "
    "preprocessing (no author named)",
    "004": "Korea University, *Neural Network Optimization* (Machine Learning & Intelligence "
    "for Electrical Engineers)",
}


def cite(seed: str) -> str:
    """The citation of lecture notes ``seed`` ("000" … "004")."""
    return SEEDS[seed]
