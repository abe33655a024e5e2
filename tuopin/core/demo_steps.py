"""Demo data of the apps above the `tuopin demo` command (which lives in the assistance
app): each registers a step from its AppConfig.ready; the command runs them in order
after its own, with the same region, year and seed."""

from __future__ import annotations

from collections.abc import Callable

# (label printed with the time taken, step(region_code=, year=, seed=, if_empty=, say=))
_STEPS: list[tuple[str, Callable[..., object]]] = []


def demo_step_register(label: str, step: Callable[..., object]) -> None:
    if all(existing is not step for _label, existing in _STEPS):
        _STEPS.append((label, step))


def demo_steps() -> list[tuple[str, Callable[..., object]]]:
    return list(_STEPS)
