"""Planning: pure functions from (accounts, policy, day) to data. No I/O, no clock, no Rich."""
