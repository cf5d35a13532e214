"""`python stack/guard.py PARENT_PID -- ARGV...`: runs ARGV (by exec, so it keeps this pid)
after asking Linux to SIGKILL it when its parent dies: prctl(PR_SET_PDEATHSIG), which
holds across exec and fires even when the parent is SIGKILLed and runs no clean-up.

It is a separate program, not a `preexec_fn`: code between fork and exec in a parent with
threads (Kafka clients, samplers) may deadlock, while this runs in a fresh interpreter.
Run it with `-I -S` from stack.process.die_with_parent; it imports only the standard
library. The parent is the thread that started the child: start helpers from the main
thread, or they die when the starting thread ends."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def set_parent_death_signal(signum: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl(PR_SET_PDEATHSIG): {os.strerror(errno)}")


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--" or not argv[0].isdigit():
        print("usage: guard.py PARENT_PID -- PROGRAM [ARGS...]", file=sys.stderr)
        return 2
    parent, command = int(argv[0]), argv[2:]
    try:
        set_parent_death_signal(signal.SIGKILL)
    except AttributeError:
        pass  # no prctl: not Linux, where the stack does not run; the helper runs unguarded
    except OSError as exc:
        print(f"guard.py: {exc.strerror}: cannot tie {command[0]} to its parent", file=sys.stderr)
        return 126
    # The parent may have died before prctl: then nobody would ever send the signal.
    if os.getppid() != parent:
        return 1
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        print(f"guard.py: cannot run {command[0]}: {exc.strerror}", file=sys.stderr)
        return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
