// Builds the demo Bots environment next to examples/bots-env/config/bots.ini: botssys/data,
// usersys, and Bots' SQLite database at botssys/sqlitedb/botsdb with Bots' own tables (the
// schema of the tables the engine needs is the one Bots 4.x creates). Idempotent.
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const botsenv = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'bots-env')

const TABLES = {
  channel: '"idchannel" varchar(35) NOT NULL PRIMARY KEY, "inorout" varchar(3) NOT NULL, "type" varchar(35) NOT NULL, "charset" varchar(35) NOT NULL, "host" varchar(256) NOT NULL, "port" integer unsigned NULL, "username" varchar(256) NOT NULL, "secret" varchar(256) NOT NULL, "path" varchar(256) NOT NULL, "filename" varchar(256) NOT NULL, "desc" text NULL',
  routes: '"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "idroute" varchar(35) NOT NULL, "seq" integer unsigned NOT NULL, "active" bool NOT NULL, "fromeditype" varchar(35) NOT NULL, "frommessagetype" varchar(35) NOT NULL, "toeditype" varchar(35) NOT NULL, "tomessagetype" varchar(35) NOT NULL, "fromchannel_id" varchar(35) NULL REFERENCES "channel" ("idchannel"), "tochannel_id" varchar(35) NULL REFERENCES "channel" ("idchannel"), "notindefaultrun" bool NOT NULL, "desc" text NULL',
  ta: "idta integer PRIMARY KEY AUTOINCREMENT, statust integer DEFAULT 0, status integer DEFAULT 0, parent integer DEFAULT 0, child integer DEFAULT 0, script integer DEFAULT 0, idroute varchar(35) DEFAULT '', filename varchar(256) DEFAULT '', frompartner varchar(35) DEFAULT '', topartner varchar(35) DEFAULT '', editype varchar(35) DEFAULT '', messagetype varchar(35) DEFAULT '', errortext TEXT, ts timestamp DEFAULT (datetime('now','localtime'))",
  mutex: "mutexk integer PRIMARY KEY NOT NULL, mutexer integer DEFAULT 0, ts timestamp NOT NULL DEFAULT (datetime('now','localtime'))",
  partner: '"idpartner" varchar(35) NOT NULL PRIMARY KEY, "active" bool NOT NULL, "isgroup" bool NOT NULL, "name" varchar(256) NOT NULL',
  persist: 'id integer PRIMARY KEY AUTOINCREMENT, domein varchar(35) NOT NULL, botskey varchar(35) NOT NULL, content TEXT, ts timestamp NOT NULL',
  report: '"idta" integer NOT NULL PRIMARY KEY, "lastreceived" integer unsigned NOT NULL, "status" bool NOT NULL, "ts" datetime NOT NULL',
  uniek: 'domein varchar(35) NOT NULL PRIMARY KEY, nummer integer DEFAULT 0'
}

export async function createDemoEnv () {
  for (const d of ['botssys/data', 'botssys/logging', 'botssys/sqlitedb', 'usersys/grammars', 'usersys/mappings']) {
    mkdirSync(join(botsenv, d), { recursive: true })
  }
  const dbPath = join(botsenv, 'botssys', 'sqlitedb', 'botsdb')
  const fresh = !existsSync(dbPath)
  // Node's own SQLite where it has one (22.13+, 24), else better-sqlite3 (a devDependency)
  const Database = process.getBuiltinModule?.('node:sqlite')?.DatabaseSync ?? (await import('better-sqlite3')).default
  const db = new Database(dbPath)
  for (const [name, columns] of Object.entries(TABLES)) db.exec(`CREATE TABLE IF NOT EXISTS "${name}" (${columns})`)
  db.close()
  return { botsenv, configDir: join(botsenv, 'config'), dbPath, fresh }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { dbPath, fresh } = await createDemoEnv()
  console.log(`${fresh ? 'created' : 'kept'} ${dbPath}`)
}
