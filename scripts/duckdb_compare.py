#!/usr/bin/env python3
"""An analyst's DuckDB query over a feed file, for comparing `report` with (performance §23).

Each call's offer joined to its answer or abandonment, each incident's creation to its
arrival or cancellation, by id: counts and mean durations per line and grade over the
whole file. Not the board's figures (no window, no strays, no duplicates): the kind of
query an analyst would write first.

  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install duckdb
  /usr/bin/time -v /tmp/venv/bin/python scripts/duckdb_compare.py FILE [THREADS]
"""
import sys

import duckdb

QUERY = """
WITH e AS (
    SELECT kind, CAST("at" AS TIMESTAMPTZ) AS ts, id, line, grade
    FROM read_json(?, format = 'newline_delimited',
                   columns = {'kind': 'VARCHAR', 'at': 'VARCHAR', 'id': 'VARCHAR',
                              'line': 'VARCHAR', 'grade': 'VARCHAR'},
                   ignore_errors = true)
),
opened AS (SELECT id, ts, coalesce(line, grade) AS what FROM e
           WHERE kind IN ('call_offered', 'incident_created')),
closed AS (SELECT id, ts, kind FROM e
           WHERE kind IN ('call_answered', 'call_abandoned',
                          'incident_arrived', 'incident_cancelled'))
SELECT opened.what, count(*) AS opened, count(closed.id) AS closed,
       avg(epoch(closed.ts) - epoch(opened.ts))
           FILTER (WHERE closed.kind IN ('call_answered', 'incident_arrived')) AS mean_s
FROM opened LEFT JOIN closed USING (id)
GROUP BY opened.what ORDER BY opened.what
"""


def main():
    path = sys.argv[1]
    con = duckdb.connect()
    if len(sys.argv) > 2:
        con.execute(f"SET threads = {int(sys.argv[2])}")
    for row in con.execute(QUERY, [path]).fetchall():
        print(*row, sep="\t")


if __name__ == "__main__":
    main()
