// The integration suites that need a database or a socket but no quiet cores, in one process
// (tap starts each test file with its TypeScript loader, ~3 s of CPU a file): each *.int.ts is a
// suite of its own, named for what it tests, with its own databases.
import './formats.int.js'
import './plugin.int.js'
import './adapters.int.js'
import './postgres.int.js'
import './worker-checks.int.js'
import './engine-lock.int.js'
import './engine-runs.int.js'
import './transactions.int.js'
import './jobqueue-stall.int.js'
import './dirmonitor.int.js'
import './metrics.int.js'
