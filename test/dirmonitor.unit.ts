// What the dirmonitor and jobqueue checks read, against Python as the oracle: fnmatch (Bots'
// dirmonitor matches filemask with it) and xmlrpc.client's methodResponse (the jobqueueserver
// answers with it).
import { execFileSync } from 'node:child_process'
import t from 'tap'
import { remoteFileSystem } from '../lib/bots/dirmonitor.js'
import { fnmatchRegExp } from '../lib/bots/fnmatch.js'
import { waitingJobs } from '../lib/bots/jobqueue.js'
import { minutes } from '../lib/bots/tables.js'
import { readXmlRpcAnswer } from '../lib/bots/xmlrpc.js'

const python = (script: string, input: unknown): unknown => JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' }))

t.test('filemask: every pattern matches the names Python\'s fnmatch matches, and no other', async (t) => {
  const masks = ['*', '*.xml', '*.XML', 'ORDERS_*.edi', '?.txt', '[abc]*', '[!abc]*', '[a-c]?.x', '[z-a]', '[!]', '[]]x', '[!]]x', 'a[', '[', '*[', 'x[!-]y', '[a-]', '[-a]', '**', 'a*b*c', '.*', 'a.b', '(x)', '+', '$1', '^a', '[^a]', '[\\]', 'é*', '[é-ë]', '*.{xml,edi}', 'a|b']
  const names = ['', 'a', 'b', 'z', '-', ']', ']x', 'ax', 'a.xml', 'A.XML', 'b.XML', 'ORDERS_1.edi', 'orders_1.edi', '1.txt', '12.txt', 'ab.x', 'dx', 'x-y', 'xay', 'abc', 'axbxc', '.hidden', 'a.b', 'axb', '(x)', '+', '$1', '^a', 'ba', '\\', 'éa', 'ê', 'f.{xml,edi}', 'a|b', 'a[', '[', 'x[', 'line\nbreak.xml']
  const oracle = python('import fnmatch, json, sys\nd = json.load(sys.stdin)\nprint(json.dumps([[fnmatch.fnmatchcase(n, m) for n in d["names"]] for m in d["masks"]]))', { masks, names }) as boolean[][]
  let compared = 0
  masks.forEach((mask, i) => {
    const re = fnmatchRegExp(mask)
    const ours = names.map((n) => re.test(n))
    t.same(ours, oracle[i], `filemask ${JSON.stringify(mask)}`)
    compared += names.length
  })
  t.equal(compared, masks.length * names.length)
})

t.test('XML-RPC: what Python\'s xmlrpc.client writes is read back; a fault and a non-answer are told apart', async (t) => {
  const values = [0, 17, -3, true, false, 'bots-engine', 'a <b> & "c"', 'é ☃ 𝄞', 1.5, [], [[5, 17, ['bots-engine', '--new']], [1, 18, ['bots-engine', '-rmyroute']]], { a: 1, b: [true, 'x'] }, '']
  const dumped = python('import json, sys, xmlrpc.client\nprint(json.dumps([xmlrpc.client.dumps((v,), methodresponse=True) for v in json.load(sys.stdin)]))', values) as string[]
  dumped.forEach((xml, i) => t.same(readXmlRpcAnswer(xml), { value: values[i] }, `value ${JSON.stringify(values[i])}`))
  const fault = python('import json, xmlrpc.client\nprint(json.dumps(xmlrpc.client.dumps(xmlrpc.client.Fault(1, "no such method"), methodresponse=True)))', null) as string
  t.same(readXmlRpcAnswer(fault), { fault: true })
  for (const bad of ['', '<html>x</html>', '<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>', '<methodResponse><params>', 'ok']) t.equal(readXmlRpcAnswer(bad), undefined, JSON.stringify(bad))
  t.same(waitingJobs(0), [])
  t.same(waitingJobs([[5, 17, ['bots-engine', '--new']]]), [{ number: 17, task: 'bots-engine --new' }])
  t.equal(waitingJobs('x'), undefined)
  t.equal(waitingJobs([[5, 'x', []]]), undefined)
})

t.test('network file systems are told by their statfs type; local ones are not', async (t) => {
  t.equal(remoteFileSystem(0x6969), 'NFS')
  t.equal(remoteFileSystem(0xFF534D42), 'CIFS')
  t.equal(remoteFileSystem(-0x00ACB2BE), 'CIFS', 'a type read as a signed 32-bit number')
  t.equal(remoteFileSystem(0xEF53), undefined, 'ext4')
  t.equal(remoteFileSystem(0x01021994), undefined, 'tmpfs')
})

t.test('ages and limits: tenths below 10 s, seconds below a minute, then whole minutes', async (t) => {
  t.same([0, 3, 3.56, 9.99, 10.5, 59.9, 60, 125, 7200].map(minutes), ['0 s', '3 s', '3.5 s', '9.9 s', '10 s', '59 s', '1 min', '2 min', '120 min'])
  t.equal(minutes(-2), '0 s', 'a clock that stepped back is no negative age')
})
