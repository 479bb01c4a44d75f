// The database-free unit set, in one process (tap's TypeScript loader costs ~3 s of CPU per file):
// each *.unit.ts is a suite of its own, named for what it tests.
import './engine.unit.js'
import './service.unit.js'
import './checks.unit.js'
import './bots-config.unit.js'
import './bots-ini-differential.unit.js'
import './k8s.unit.js'
import './exports.unit.js'
import './type-provider.unit.js'
import './outage.unit.js'
import './writers.unit.js'
import './dirmonitor.unit.js'
import './alerts.unit.js'
