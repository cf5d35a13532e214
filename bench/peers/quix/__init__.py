"""The Quix Streams peer: its pinned requirements, the venv it runs in (outside the
project's), and its app (`child.py`, run by that venv's Python) with the stdlib-only logic
the app imports."""
