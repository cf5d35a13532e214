"""One module per scenario; each `run(context, profile)` returns an Outcome."""
