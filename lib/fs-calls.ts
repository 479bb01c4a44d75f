import { access as accessCb, lstat as lstatCb, opendir as opendirCb, type Dir, type OpenDirOptions, type Stats, type StatsFs, stat as statCb, statfs as statfsCb } from 'node:fs'

// The checks' file-system calls as promises, made with node:fs's callback API: node:fs/promises
// loads readline, streams and more on first use, about 2 ms of an exec probe's start. Same calls,
// same errors (code, syscall, path).

function promised<T> (call: (done: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => { call((err, value) => { if (err !== null) reject(err); else resolve(value) }) })
}

export const stat = (path: string): Promise<Stats> => promised((done) => { statCb(path, done) })
export const lstat = (path: string): Promise<Stats> => promised((done) => { lstatCb(path, done) })
export const statfs = (path: string): Promise<StatsFs> => promised((done) => { statfsCb(path, done) })
export const opendir = (path: string, o: OpenDirOptions): Promise<Dir> => promised((done) => { opendirCb(path, o, done) })
export const access = (path: string, mode: number): Promise<void> => promised<void>((done) => { accessCb(path, mode, (err) => { done(err, undefined) }) })
