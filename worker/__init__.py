"""The worker: delivers the outbox to the outside channels and runs the schedule.

Why no task library: the outbox IS the queue (its rows are written in the transaction of the
change), so a library's own queue would be a second store to keep in step with it. Huey needs
Redis or its own SQLite file (not PostgreSQL); procrastinate runs only on PostgreSQL, and the app
runs on SQLite by default; APScheduler 3 schedules jobs but neither queues nor leases them, and
its job stores do not stop two app servers from both running a job. A plain loop over the
outbox table is short and fits both databases: PostgreSQL hands each row to one worker with
SELECT ... FOR UPDATE SKIP LOCKED (several workers at once deliver each message once: a lock,
not luck), SQLite lets one claimer in at a time with BEGIN IMMEDIATE. The schedule is a loop in
the same process with a 'last run' row per job (scheduled_jobs), taken in a transaction, so a
restart or a second worker does not run a job twice for the same slot.

Run it with `python -m worker` (`make run` starts it beside the app)."""
