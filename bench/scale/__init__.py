"""Scale benchmark (issue 9): 1, 2, 4 partitions drained by as many Pulse processes in one
group (`python -m bench.scale`)."""
