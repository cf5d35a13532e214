"""Consumer benchmark (issue 4): every peer drains the same pre-loaded topic; events/s,
CPU per 1,000 events and memory, as medians of several runs (`python -m bench.consumer`)."""
