import pg from 'pg'

/** The test server: a real PostgreSQL. `.ci/run` makes sure one answers here. */
export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestPgDatabase {
  name: string
  url: string
  admin: pg.Pool
  drop (): Promise<void>
}

export function pgUrlFor (database: string, port?: number): string {
  const u = new URL(PG_URL)
  u.pathname = '/' + database
  if (port !== undefined) u.port = String(port)
  return u.toString()
}

/** A database of its own for one test file, with the given tables. */
export async function createTestPgDatabase (label: string, tables: readonly string[]): Promise<TestPgDatabase> {
  const name = `bh_${label}_${process.pid}_${Math.floor(Math.random() * 1e6)}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase()
  const server = new pg.Client({ connectionString: PG_URL })
  await server.connect()
  await server.query(`CREATE DATABASE "${name}"`)
  await server.end()
  const admin = new pg.Pool({ connectionString: pgUrlFor(name), max: 2 })
  for (const t of tables) await admin.query(`CREATE TABLE "${t}" (id INT PRIMARY KEY)`)
  return {
    name,
    url: pgUrlFor(name),
    admin,
    async drop () {
      await admin.end()
      const c = new pg.Client({ connectionString: PG_URL })
      await c.connect()
      try {
        // pg's Pool.end() resolves before its clients' sockets are closed. A FORCE drop that came
        // first would terminate them, and the ending client would throw that error at no one:
        // wait until the server has seen every connection go (5 s at most, then FORCE).
        for (let i = 0; i < 100; i++) {
          const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])
          if (rows[0]?.n === 0) break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await c.end()
      }
    }
  }
}
