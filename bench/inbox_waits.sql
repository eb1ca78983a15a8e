-- What the daemon's inbox sessions (application_name paypro-webhookd-inbox)
-- on database :'db' wait for: pg_stat_activity sampled every 10 ms for
-- :seconds seconds, as the percentage of samples in each group.
-- scripts/bench runs it during each acknowledgement run.
CREATE FUNCTION pg_temp.inbox_waits(db text, seconds float8) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
  deadline timestamptz;
BEGIN
  CREATE TEMP TABLE samples (what text);
  deadline := clock_timestamp() + make_interval(secs => seconds);
  WHILE clock_timestamp() < deadline LOOP
    -- Otherwise the view is read once per transaction.
    PERFORM pg_stat_clear_snapshot();
    INSERT INTO samples
      SELECT CASE
               WHEN wait_event IS NULL THEN 'cpu'                 -- running, or runnable
               WHEN wait_event = 'ClientRead' THEN 'client'       -- waiting for the daemon's next batch
               WHEN wait_event IN ('WALSync', 'WALWrite') THEN 'flush'  -- its commit's, or another's
               WHEN wait_event IN ('DataFileExtend', 'extend') THEN 'extend'
               ELSE 'other'
             END
      FROM pg_stat_activity WHERE datname = db AND application_name = 'paypro-webhookd-inbox';
    PERFORM pg_sleep(0.01);
  END LOOP;
  RETURN (SELECT coalesce(json_object_agg(what, pct), '{}')
          FROM (SELECT what, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
                FROM samples GROUP BY what) shares);
END $$;
SELECT pg_temp.inbox_waits(:'db', :seconds);
