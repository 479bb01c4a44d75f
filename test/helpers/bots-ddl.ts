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

/** `ta`, one row per file and step of a run, as bots/sql/ta.<database>.sql creates it (statements in order). */
export const TA_DDL = {
  mysql: [
    `CREATE TABLE ta (
    idta integer PRIMARY KEY AUTO_INCREMENT,
    statust integer DEFAULT 0,
    status integer DEFAULT 0,
    parent integer DEFAULT 0,
    child integer DEFAULT 0,
    script integer DEFAULT 0,
    idroute varchar(35) DEFAULT '',
    filename varchar(256) DEFAULT '',
    frompartner varchar(35) DEFAULT '',
    topartner varchar(35) DEFAULT '',
    fromchannel varchar(35) DEFAULT '',
    tochannel varchar(35) DEFAULT '',
    editype varchar(35) DEFAULT '',
    messagetype varchar(35) DEFAULT '',
    alt varchar(35) DEFAULT '',
    divtext varchar(128) DEFAULT '',
    merge BOOLEAN DEFAULT 0,
    nrmessages integer DEFAULT 1,
    testindicator varchar(10) DEFAULT '',
    reference varchar(256) DEFAULT '',
    frommail varchar(256) DEFAULT '',
    tomail varchar(256) DEFAULT '',
    charset varchar(35) DEFAULT '',
    retransmit BOOLEAN DEFAULT 0,
    contenttype varchar(35) DEFAULT 'text/plain',
    errortext TEXT,
    ts timestamp DEFAULT CURRENT_TIMESTAMP,
    confirmasked BOOLEAN DEFAULT 0,
    confirmed BOOLEAN DEFAULT 0,
    confirmtype varchar(35) DEFAULT '',
    confirmidta integer DEFAULT 0,
    envelope varchar(35) DEFAULT '',
    botskey varchar(64) DEFAULT '',
    cc varchar(512) DEFAULT '',
    rsrv1 varchar(128) DEFAULT '',
    rsrv2 integer DEFAULT 0,
    rsrv3 varchar(35) DEFAULT '',
    rsrv4 integer DEFAULT 0,
    filesize integer DEFAULT 0,
    numberofresends integer DEFAULT 0,
    rsrv5 varchar(256) DEFAULT ''
)`,
    'CREATE INDEX ta_parent ON ta (parent)',
    'CREATE INDEX ta_reference ON ta (reference)'
  ],
  postgres: [
    `CREATE TABLE ta (
    idta serial primary key,
    statust integer DEFAULT 0,
    status integer DEFAULT 0,
    parent integer DEFAULT 0,
    child integer DEFAULT 0,
    script integer DEFAULT 0,
    idroute varchar(35) DEFAULT '',
    filename varchar(256) DEFAULT '',
    frompartner varchar(35) DEFAULT '',
    topartner varchar(35) DEFAULT '',
    fromchannel varchar(35) DEFAULT '',
    tochannel varchar(35) DEFAULT '',
    editype varchar(35) DEFAULT '',
    messagetype varchar(35) DEFAULT '',
    alt varchar(35) DEFAULT '',
    divtext varchar(128) DEFAULT '',
    merge BOOLEAN DEFAULT false,
    nrmessages integer DEFAULT 1,
    testindicator varchar(10) DEFAULT '',
    reference varchar(256) DEFAULT '',
    frommail varchar(256) DEFAULT '',
    tomail varchar(256) DEFAULT '',
    charset varchar(35) DEFAULT '',
    retransmit BOOLEAN DEFAULT false,
    contenttype varchar(35) DEFAULT 'text/plain',
    errortext TEXT,
    ts timestamp DEFAULT CURRENT_TIMESTAMP,
    confirmasked BOOLEAN DEFAULT false,
    confirmed BOOLEAN DEFAULT false,
    confirmtype varchar(35) DEFAULT '',
    confirmidta integer DEFAULT 0,
    envelope varchar(35) DEFAULT '',
    botskey varchar(64) DEFAULT '',
    cc varchar(512) DEFAULT '',
    rsrv1 varchar(128) DEFAULT '',
    rsrv2 integer DEFAULT 0,
    rsrv3 varchar(35) DEFAULT '',
    rsrv4 integer DEFAULT 0,
    filesize integer DEFAULT 0,
    numberofresends integer DEFAULT 0,
    rsrv5 varchar(256) DEFAULT ''
)`,
    'CREATE INDEX ta_parent ON ta (parent)',
    'CREATE INDEX ta_reference ON ta (reference)'
  ],
  sqlite: [
    `CREATE TABLE ta (
    idta integer PRIMARY KEY AUTOINCREMENT,
    statust integer DEFAULT 0,
    status integer DEFAULT 0,
    parent integer DEFAULT 0,
    child integer DEFAULT 0,
    script integer DEFAULT 0,
    idroute varchar(35) DEFAULT '',
    filename varchar(256) DEFAULT '',
    frompartner varchar(35) DEFAULT '',
    topartner varchar(35) DEFAULT '',
    fromchannel varchar(35) DEFAULT '',
    tochannel varchar(35) DEFAULT '',
    editype varchar(35) DEFAULT '',
    messagetype varchar(35) DEFAULT '',
    alt varchar(35) DEFAULT '',
    divtext varchar(128) DEFAULT '',
    merge BOOLEAN DEFAULT 0,
    nrmessages integer DEFAULT 1,
    testindicator varchar(10) DEFAULT '',
    reference varchar(256) DEFAULT '',
    frommail varchar(256) DEFAULT '',
    tomail varchar(256) DEFAULT '',
    charset varchar(35) DEFAULT '',
    retransmit BOOLEAN DEFAULT 0,
    contenttype varchar(35) DEFAULT 'text/plain',
    errortext TEXT,
    ts timestamp DEFAULT (datetime('now','localtime')),
    confirmasked BOOLEAN DEFAULT 0,
    confirmed BOOLEAN DEFAULT 0,
    confirmtype varchar(35) DEFAULT '',
    confirmidta integer DEFAULT 0,
    envelope varchar(35) DEFAULT '',
    botskey varchar(64) DEFAULT '',
    cc varchar(512) DEFAULT '',
    rsrv1 varchar(128) DEFAULT '',
    rsrv2 integer DEFAULT 0,
    rsrv3 varchar(35) DEFAULT '',
    rsrv4 integer DEFAULT 0,
    filesize integer DEFAULT 0,
    numberofresends integer DEFAULT 0,
    rsrv5 varchar(256) DEFAULT ''
)`,
    'CREATE INDEX ta_parent ON ta (parent)',
    'CREATE INDEX ta_reference ON ta (reference)'
  ]
} as const
