// Just enough XML-RPC to read a methodResponse from Python's xmlrpc.server: the value types it
// writes (int, i4, i8, boolean, string, double, nil, array, struct; a bare <value> is a string),
// and a fault. Anything else is not an answer this package reads.

export type XmlRpcValue = number | boolean | string | null | XmlRpcValue[] | { [key: string]: XmlRpcValue }

export type XmlRpcAnswer = { value: XmlRpcValue } | { fault: true }

const TOKEN = /<(\/?)([A-Za-z][\w.-]*)\s*(\/?)>|<\?[^>]*\?>|([^<]+)/gy

interface Token { close: boolean, tag: string, empty: boolean, text: string | undefined }

function decode (text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) => {
    switch (e.toLowerCase()) {
      case 'lt': return '<'
      case 'gt': return '>'
      case 'amp': return '&'
      case 'quot': return '"'
      case 'apos': return "'"
    }
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    return code <= 0x10FFFF ? String.fromCodePoint(code) : ''
  })
}

function tokens (xml: string): Token[] | undefined {
  const out: Token[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < xml.length) {
    const m = TOKEN.exec(xml)
    if (m === null) return undefined
    if (m[4] !== undefined) {
      out.push({ close: false, tag: '', empty: false, text: decode(m[4]) })
    } else if (m[2] !== undefined) {
      out.push({ close: m[1] === '/', tag: m[2], empty: m[3] === '/', text: undefined })
    }
  }
  return out
}

class Reader {
  private i = 0
  constructor (private readonly t: Token[]) {}

  private skipBlank (): void {
    while (this.t[this.i]?.text !== undefined && (this.t[this.i]?.text as string).trim() === '') this.i++
  }

  /** Opens `tag`, or returns false (an empty `<tag/>` is true and closed at once: `emptyOut`). */
  open (tag: string): 'open' | 'empty' | false {
    this.skipBlank()
    const k = this.t[this.i]
    if (k === undefined || k.close || k.tag !== tag) return false
    this.i++
    return k.empty ? 'empty' : 'open'
  }

  close (tag: string): void {
    this.skipBlank()
    const k = this.t[this.i]
    if (k === undefined || !k.close || k.tag !== tag) throw new Error(`expected </${tag}>`)
    this.i++
  }

  text (): string {
    const k = this.t[this.i]
    if (k?.text === undefined) return ''
    this.i++
    return k.text
  }

  peekTag (): string | undefined {
    this.skipBlank()
    const k = this.t[this.i]
    return k === undefined || k.close || k.text !== undefined ? undefined : k.tag
  }

  value (): XmlRpcValue {
    if (this.open('value') !== 'open') throw new Error('expected <value>')
    let v: XmlRpcValue
    const tag = this.t[this.i]?.text !== undefined && this.t[this.i + 1]?.close === true ? undefined : this.peekTag()
    if (tag === undefined) {
      v = this.text()
    } else if (tag === 'array') {
      this.open('array')
      if (this.open('data') !== 'open') throw new Error('expected <data>')
      const items: XmlRpcValue[] = []
      while (this.peekTag() === 'value') items.push(this.value())
      this.close('data')
      this.close('array')
      v = items
    } else if (tag === 'struct') {
      this.open('struct')
      const s: Record<string, XmlRpcValue> = {}
      while (this.open('member') === 'open') {
        if (this.open('name') !== 'open') throw new Error('expected <name>')
        const name = this.text()
        this.close('name')
        s[name] = this.value()
        this.close('member')
      }
      this.close('struct')
      v = s
    } else {
      const how = this.open(tag)
      const raw = how === 'empty' ? '' : this.text()
      if (how !== 'empty') this.close(tag)
      v = scalar(tag, raw)
    }
    this.close('value')
    return v
  }
}

function scalar (tag: string, raw: string): XmlRpcValue {
  switch (tag) {
    case 'int': case 'i4': case 'i8': {
      if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw new Error(`bad <${tag}>`)
      return Number(raw)
    }
    case 'boolean': return raw.trim() === '1'
    case 'double': return Number(raw)
    case 'string': return raw
    case 'nil': return null
    default: return raw
  }
}

/** The value of a methodResponse, `{ fault: true }` for a fault, undefined for anything else. */
export function readXmlRpcAnswer (xml: string): XmlRpcAnswer | undefined {
  const t = tokens(xml)
  if (t === undefined) return undefined
  const r = new Reader(t)
  try {
    if (r.open('methodResponse') !== 'open') return undefined
    if (r.open('fault') === 'open') return { fault: true }
    if (r.open('params') !== 'open' || r.open('param') !== 'open') return undefined
    const value = r.value()
    r.close('param')
    r.close('params')
    r.close('methodResponse')
    return { value }
  } catch {
    return undefined
  }
}
