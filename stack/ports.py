"""TCP ports: is something listening, and which process holds the listening socket
(read from /proc, so the error can name the pid and command to stop)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from stack.process import cmdline

_TCP_LISTEN = "0A"  # the kernel's state code for LISTEN in /proc/net/tcp


@dataclass(frozen=True)
class PortOwner:
    """A process holding a listening socket."""

    pid: int
    command: str
    uid: int | None
    exe: str

    def describe(self, *, max_chars: int = 120) -> str:
        # One line, whatever the command line holds (python -c scripts carry newlines).
        command = " ".join((self.command or self.exe or "unknown command").split())
        if len(command) > max_chars:  # a java command line runs to kilobytes
            command = command[: max_chars - 3] + "..."
        return f"pid {self.pid} ({command})"


def is_listening(host: str, port: int, *, timeout_s: float = 0.5) -> bool:
    """True when a TCP connect to host:port succeeds, i.e. something accepts there."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def _listening_inodes(port: int, proc_net: Path) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            rows = (proc_net / table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 10 or fields[3] != _TCP_LISTEN:
                continue
            local_port = int(fields[1].rpartition(":")[2], 16)
            if local_port == port:
                inodes.add(fields[9])
    return inodes


def port_owner(port: int, *, proc: Path = Path("/proc")) -> PortOwner | None:
    """The process listening on port, or None when no listener or it cannot be told
    (another user's process while we are not root, or no /proc)."""
    inodes = _listening_inodes(port, proc / "net")
    if not inodes:
        return None
    wanted = {f"socket:[{inode}]" for inode in inodes}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        if _fd_links(entry / "fd") & wanted:
            return _owner(int(entry.name), proc)
    return None


def _fd_links(fd_dir: Path) -> set[str]:
    """Targets of a process's open descriptors; unreadable ones are skipped one by one
    (a descriptor closes between listing and reading, the listing's own one among them)."""
    try:
        fds = list(fd_dir.iterdir())
    except OSError:
        return set()  # process gone, or not ours to read
    links: set[str] = set()
    for fd in fds:
        try:
            links.add(os.readlink(fd))
        except OSError:
            continue
    return links


def _owner(pid: int, proc: Path) -> PortOwner:
    try:
        exe = os.readlink(proc / str(pid) / "exe")
    except OSError:
        exe = ""
    try:
        uid: int | None = (proc / str(pid)).stat().st_uid
    except OSError:
        uid = None
    return PortOwner(pid=pid, command=cmdline(pid), uid=uid, exe=exe)


def describe_port_holder(port: int) -> str:
    """'pid 123 (cmd ...)' or a plain phrase when the holder cannot be identified."""
    owner = port_owner(port)
    return owner.describe() if owner is not None else "a process this user cannot identify"
