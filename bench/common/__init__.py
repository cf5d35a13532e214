"""What every benchmark shares: child processes and their watcher, CPU and memory from
/proc, scratch databases and topics, the pre-load, machine details, quantiles, profiling,
and writing a report to bench/results/."""
