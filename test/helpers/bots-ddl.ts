// Bots' own DDL for the tables its engine reads and writes, as bots/sql/*.sql of Bots 4 (the fork
// github:rioncm/bots-edi-k8s) ships them, one per database.

export const MUTEX_DDL = {
  mysql: `CREATE TABLE mutex (
mutexk integer PRIMARY KEY NOT NULL,
mutexer integer DEFAULT 0,
ts timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
  postgres: `CREATE TABLE mutex (
mutexk integer PRIMARY KEY NOT NULL,
mutexer integer DEFAULT 0,
ts timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
  sqlite: `CREATE TABLE mutex (
mutexk integer PRIMARY KEY NOT NULL,
mutexer integer DEFAULT 0,
ts timestamp NOT NULL DEFAULT (datetime('now','localtime'))
)`
} as const

/** Bots' `set_database_lock()`. */
export const LOCK_SQL = 'INSERT INTO mutex (mutexk) VALUES (1)'
