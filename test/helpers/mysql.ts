import { createPool, type Pool } from 'mysql2/promise'

/** The test server: a real MariaDB/MySQL. `.ci/run` makes sure one answers here. */
export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
const base = new URL(MYSQL_URL)
export const MYSQL_HOST = base.hostname
export const MYSQL_PORT = Number(base.port || 3306)

export const BOTS_TABLES = ['channel', 'routes', 'ta', 'mutex']

export interface TestDatabase {
  name: string
  /** A URL to this database. */
  url: string
  /** An admin pool on the database, for changing tables under a running service. */
  admin: Pool
  drop (): Promise<void>
}

function urlFor (database: string, port = MYSQL_PORT, host = MYSQL_HOST): string {
  const u = new URL(MYSQL_URL)
  u.hostname = host
  u.port = String(port)
  u.pathname = '/' + database
  return u.toString()
}

export { urlFor as mysqlUrlFor }

/** A database of its own for one test file, with the given tables. */
export async function createTestDatabase (label: string, tables: readonly string[] = BOTS_TABLES): Promise<TestDatabase> {
  const name = `bh_${label}_${process.pid}_${Math.floor(Math.random() * 1e6)}`.replace(/[^a-z0-9_]/gi, '_')
  const server = createPool({ uri: MYSQL_URL, connectionLimit: 1 })
  await server.query(`CREATE DATABASE \`${name}\``)
  await server.end()
  const admin = createPool({ uri: urlFor(name), connectionLimit: 2 })
  for (const t of tables) await admin.query(`CREATE TABLE \`${t}\` (id INT PRIMARY KEY)`)
  return {
    name,
    url: urlFor(name),
    admin,
    async drop () {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await admin.end()
    }
  }
}
