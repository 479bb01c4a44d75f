// The fault suites (hung databases, cut links, a file system that never answers, floods of
// probes), in one process and so one after the other, never two at once and never in two of
// tap's slots: each *.fault.ts is a suite of its own, named for what it tests.
import './faults.fault.js'
import './hardening.fault.js'
import './outage.fault.js'
