import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

// A file system that never answers, made real: a FUSE mount whose daemon never reads its
// /dev/fuse, so that every call on it waits for ever (as on a hung NFS server). It lives in a
// private mount namespace (unshare -m) with the command under test, and nowhere else; killing the
// holder of /dev/fuse ends every call on it (ENOTCONN) and the namespace goes with its processes.

/** Mounts a FUSE file system on argv[1] whose daemon is this Python process (`fd`). */
const MOUNT_FUSE = `
import ctypes, os, struct, sys, time
target = sys.argv[1]
fd = os.open('/dev/fuse', os.O_RDWR)
libc = ctypes.CDLL(None, use_errno=True)
opts = ('fd=%d,rootmode=40000,user_id=0,group_id=0' % fd).encode()
if libc.mount(b'bh-fuse', target.encode(), b'fuse', 0, opts) != 0:
    sys.stderr.write('mount: %s\\n' % os.strerror(ctypes.get_errno())); sys.exit(1)
sys.stdout.write('mounted\\n'); sys.stdout.flush()
`

const MOUNT = `${MOUNT_FUSE}
while True: time.sleep(3600)
`

// A FUSE file system that answers: an empty, readable root directory, for what statfs says of a
// FUSE mount (as sshfs, s3fs or GlusterFS are). It speaks the kernel's FUSE protocol on
// /dev/fuse: INIT, GETATTR and STATFS answered, ACCESS left to the kernel (ENOSYS), OPENDIR and
// READDIR an empty listing, LOOKUP ENOENT.
const ANSWERING = `${MOUNT_FUSE}
now = int(time.time())
attr = struct.pack('<QQQQQQIIIIIIIIII', 1, 0, 0, now, now, now, 0, 0, 0, 0o40755, 2, 0, 0, 0, 4096, 0)
def reply(unique, error=0, body=b''):
    os.write(fd, struct.pack('<IiQ', 16 + len(body), error, unique) + body)
while True:
    try:
        req = os.read(fd, 1 << 20)
    except OSError:
        break
    length, opcode, unique, nodeid = struct.unpack('<IIQQ', req[:24])
    if opcode == 26:    # INIT
        reply(unique, 0, struct.pack('<IIIIHHIIHHI', 7, 31, 0, 0, 0, 0, 4096, 1, 0, 0, 0) + b'\\0' * 28)
    elif opcode == 3:   # GETATTR
        reply(unique, 0, struct.pack('<QII', 1, 0, 0) + attr)
    elif opcode == 17:  # STATFS
        reply(unique, 0, struct.pack('<QQQQQIIII', 1000, 500, 500, 1000, 500, 4096, 255, 4096, 0) + b'\\0' * 24)
    elif opcode == 27:  # OPENDIR
        reply(unique, 0, struct.pack('<QII', 1, 0, 0))
    elif opcode in (28, 29):  # READDIR (empty), RELEASEDIR
        reply(unique)
    elif opcode == 1:   # LOOKUP
        reply(unique, -2)
    elif opcode in (2, 42):  # FORGET, BATCH_FORGET: no reply
        pass
    else:
        reply(unique, -38)
`

/** Why a hung file system cannot be made here, or undefined when it can. */
export function hungFsUnavailable (): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (a FUSE mount in a private mount namespace)'
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse'
  if (spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore' }).status !== 0) return 'unshare -m is not allowed here'
  if (spawnSync('python3', ['-c', 'import ctypes'], { stdio: 'ignore' }).status !== 0) return 'python3 not found'
  return undefined
}

/**
 * Runs `command` (argv) in a private mount namespace where `mountPoint` (an existing empty
 * directory) is a file system that never answers (or, with `answering`, an empty FUSE directory
 * that answers). The child is the shell that runs both; kill its process group to end them.
 */
export function spawnOnHungFs (mountPoint: string, command: readonly string[], o: { env?: Record<string, string>, answering?: boolean } = {}): ChildProcess {
  const quoted = command.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
  const script = `python3 -c "$HUNG_MOUNT" '${mountPoint}' > /dev/null &
for i in $(seq 1 100); do grep -q ' ${mountPoint} ' /proc/self/mountinfo && break; sleep 0.05; done
exec ${quoted}`
  return spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
    detached: true,
    env: { PATH: process.env.PATH ?? '', ...o.env, HUNG_MOUNT: o.answering === true ? ANSWERING : MOUNT },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** Ends the namespace: the command, and the daemon that held the mount. */
export function killGroup (child: ChildProcess): void {
  try { process.kill(-(child.pid as number), 'SIGKILL') } catch {}
}
