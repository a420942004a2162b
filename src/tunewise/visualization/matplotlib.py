"""``optuna.visualization.matplotlib`` has no tunewise counterpart: importing it says what to use."""

from tunewise.visualization import _NO_MATPLOTLIB

raise ImportError(_NO_MATPLOTLIB)
