"""Analytic 2-D loss surfaces with value, gradient and Hessian (plain NumPy; no Streamlit).

>>> import surfaces
>>> s = surfaces.get("quadratic", condition_number=25.0, angle=30.0)
>>> s.gradient((0.0, 0.0)).shape
(2,)
"""

from surfaces.base import Param, Surface
from surfaces.curvature import Curvature, curvature, reference_curvature
from surfaces.registry import get, names, parameters, title

__all__ = [
    "Curvature",
    "Param",
    "Surface",
    "curvature",
    "get",
    "names",
    "parameters",
    "reference_curvature",
    "title",
]
