"""Support for `bench/access.py`: the shared world (rules, population, request stream) and the peer engines.

- `world`: the register's access rules in a neutral form every engine compiles from, a synthetic register of
  ~100,000 rules, the agents and subjects, the request stream and its expected answers (an oracle written
  straight from the rules, independent of `vigie.access.decide`).
- `casbin_peer`, `cedar_peer`: the same rules compiled into pycasbin and Cedar.
- `audited`: vigie's decide + journal entry, released once durable, on SQLite (when `vigie.audit` exists).
"""
