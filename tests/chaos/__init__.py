"""The chaos suite: scenarios that break the running system on purpose (SIGKILLed
consumers, a stopped database or broker, rebalances, hostile bytes) and then prove that
nothing was lost or counted twice, against the producer's ground truth.

`python -m tests.chaos` runs the long versions and prints one row per scenario;
tests/integration/test_chaos_short.py runs the short ones under pytest."""
