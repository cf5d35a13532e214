"""The Quix Streams peer's pieces: its pinned requirements, the venv it runs in (outside the
project's), and stdlib-only logic that its app (run by that venv's Python) imports."""
