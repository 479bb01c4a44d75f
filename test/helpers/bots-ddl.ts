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

/**
 * `report`, one row per engine run: Django's model as its migration creates the table (SQLite's is
 * the reference botsdb's, byte for byte; MySQL and PostgreSQL take Django's column types for
 * IntegerField, DateTimeField, BooleanField and CharField).
 */
export const REPORT_DDL = {
  mysql: ['CREATE TABLE `report` (`idta` integer NOT NULL PRIMARY KEY, `lastreceived` integer NOT NULL, `lastdone` integer NOT NULL, `lastopen` integer NOT NULL, `lastok` integer NOT NULL, `lasterror` integer NOT NULL, `send` integer NOT NULL, `processerrors` integer NOT NULL, `ts` datetime(6) NOT NULL, `type` varchar(35) NOT NULL, `status` bool NOT NULL, `rsrv2` integer NULL, `filesize` integer NULL, `acceptance` integer NULL, `rsrv1` varchar(256) NULL)',
    'CREATE INDEX `report_ts_ca14795e` ON `report` (`ts`)'],
  postgres: ['CREATE TABLE "report" ("idta" integer NOT NULL PRIMARY KEY, "lastreceived" integer NOT NULL, "lastdone" integer NOT NULL, "lastopen" integer NOT NULL, "lastok" integer NOT NULL, "lasterror" integer NOT NULL, "send" integer NOT NULL, "processerrors" integer NOT NULL, "ts" timestamp with time zone NOT NULL, "type" varchar(35) NOT NULL, "status" boolean NOT NULL, "rsrv2" integer NULL, "filesize" integer NULL, "acceptance" integer NULL, "rsrv1" varchar(256) NULL)',
    'CREATE INDEX "report_ts_ca14795e" ON "report" ("ts")'],
  sqlite: ['CREATE TABLE "report" ("idta" integer NOT NULL PRIMARY KEY, "lastreceived" integer NOT NULL, "lastdone" integer NOT NULL, "lastopen" integer NOT NULL, "lastok" integer NOT NULL, "lasterror" integer NOT NULL, "send" integer NOT NULL, "processerrors" integer NOT NULL, "ts" datetime NOT NULL, "type" varchar(35) NOT NULL, "status" bool NOT NULL, "rsrv2" integer NULL, "filesize" integer NULL, "acceptance" integer NULL, "rsrv1" varchar(256) NULL)',
    'CREATE INDEX "report_ts_ca14795e" ON "report" ("ts")']
} as const

/** A run's row as the engine writes it: `ts` is filled in by the caller, in Bots' local time. */
export const REPORT_INSERT = 'INSERT INTO report (idta, lastreceived, lastdone, lastopen, lastok, lasterror, send, processerrors, ts, type, status, rsrv1) VALUES (%IDTA%, 4, 4, %OPEN%, 4, %ERRORS%, 0, %PROCESS%, %TS%, \'new\', %STATUS%, \'bots-engine\')'
