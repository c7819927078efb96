-- Request counters shared by every instance (functions scale out and keep nothing in
-- memory): one row per bucket and client, a fixed window each. Old rows are swept by the
-- maintenance job, so the table stays as small as the last hour's distinct clients.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
