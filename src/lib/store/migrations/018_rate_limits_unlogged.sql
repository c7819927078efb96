-- Request counters need no crash safety: after a crash they start again from zero, which
-- costs nothing, while a logged table writes and flushes the WAL for every request counted
-- (one disk flush per signature, on top of the signature's own). Unlogged, a hit is a
-- plain in-memory page change. Replicas do not see the table; nothing reads it there.
ALTER TABLE rate_limits SET UNLOGGED;
