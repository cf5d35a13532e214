"""Runs a module under cProfile in every thread, not just the main one (cProfile alone
sees only the thread that started it, and Pulse writes on a thread of its own).

`python -m bench.common.profiled OUT_DIR MODULE [ARGS...]` writes `OUT_DIR/<thread name>.prof`
for the main thread and for every thread that ends before the process does (daemon
threads still running at exit, such as kafka-python's heartbeat, are not written).
"""

from __future__ import annotations

import cProfile
import re
import runpy
import sys
import threading
from pathlib import Path
from typing import Any


def _file_for(out_dir: Path, thread_name: str) -> Path:
    return out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', thread_name)}.prof"


def _profile_threads(out_dir: Path) -> None:
    original_run = threading.Thread.run

    def profiled_run(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
        profile = cProfile.Profile()
        profile.enable()
        try:
            original_run(self, *args, **kwargs)
        finally:
            profile.disable()
            profile.dump_stats(_file_for(out_dir, self.name))

    threading.Thread.run = profiled_run  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m bench.common.profiled OUT_DIR MODULE [ARGS...]", file=sys.stderr)
        return 2
    out_dir, module = Path(argv[0]), argv[1]
    out_dir.mkdir(parents=True, exist_ok=True)
    _profile_threads(out_dir)
    sys.argv = [module, *argv[2:]]
    profile = cProfile.Profile()
    profile.enable()
    code = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    finally:
        profile.disable()
        profile.dump_stats(_file_for(out_dir, "main"))
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
