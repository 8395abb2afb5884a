// Finds where a JSON path such as `$.Statement[0].Condition["StringLike"]` points in the text of a JSON document,
// so the policy pane can select the element an ERR_POLICY_INVALID names. UI only: it reads positions, it never
// interprets the policy. Returns { start, end } character offsets, or null when the text or path does not fit.

/** `$.a[0]["b.c"].d` → ['a', 0, 'b.c', 'd'] */
export function parsePath(path) {
  if (typeof path !== 'string' || !path.startsWith('$')) return null;
  const out = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['((?:[^'\\]|\\.)*)'\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (!m || m.index !== at) return out.length ? out : null; // keep what we could read: the closest parent
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push((m[3] ?? m[4]).replace(/\\(.)/g, '$1'));
  }
  return out;
}

/** A small scanner over JSON text that records spans; lenient enough for the text a person is editing. */
function scan(text) {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  function str() {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return { start, end: i, value: JSON.parse(text.slice(start, i)) };
  }
  function value() {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members = [];
      ws();
      if (text[i] === '}') { i++; return { start, end: i, kind: 'object', members }; }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Error('key expected');
        const key = str();
        ws();
        if (text[i++] !== ':') throw new Error('colon expected');
        const v = value();
        members.push({ key: key.value, keyStart: key.start, node: v });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; break; }
        throw new Error('comma expected');
      }
      return { start, end: i, kind: 'object', members };
    }
    if (c === '[') {
      i++;
      const items = [];
      ws();
      if (text[i] === ']') { i++; return { start, end: i, kind: 'array', items }; }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; break; }
        throw new Error('comma expected');
      }
      return { start, end: i, kind: 'array', items };
    }
    if (c === '"') return { ...str(), kind: 'string' };
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) throw new Error('value expected');
    i += m[0].length;
    return { start, end: i, kind: 'scalar' };
  }
  return value();
}

export function locateJsonPath(text, path) {
  const segments = parsePath(path);
  if (!segments) return null;
  let node;
  try { node = scan(text); } catch { return null; }
  let span = { start: node.start, end: node.end };
  for (const seg of segments) {
    if (typeof seg === 'number') {
      // AWS allows a single statement (or value) where a list is expected; index 0 then means the thing itself.
      if (node.kind === 'array' && node.items[seg]) node = node.items[seg];
      else if (seg !== 0 || node.kind === 'array') break;
    } else if (node.kind === 'object') {
      const m = node.members.find((x) => x.key === seg) ?? node.members.find((x) => x.key.toLowerCase() === seg.toLowerCase());
      if (!m) break;
      node = m.node;
      span = { start: m.keyStart, end: node.end };
      continue;
    } else break;
    span = { start: node.start, end: node.end };
  }
  return span;
}
