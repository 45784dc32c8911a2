/**
 * Citations → paragraphs of the policy documents (pure: no DOM, no fetch; the
 * clause viewer and the test that resolves every citation share it).
 *
 * A citation is "<document> <clause>": "000_b298e4d9608db673.txt 三(一)1",
 * "002_dda74ca139f336db.txt 六(二)", or "policies.md taiyuan-2019" (a section
 * of docs/spec/policies.md, where the spec itself decides). The seed notices
 * number their parts 一、 → （一） → 1. (or 1、); a clause names that path.
 * Notices without numbered parts are cited by table cell ("表·二级·市外": the
 * row of the table that holds every label) or by a quoted phrase; a document
 * may also be a web address ("m.example.gov.cn/a/1.html 表·三级"), which the
 * desk links to rather than fetches.
 */

export interface Citation {
  document: string;
  clause: string;
}

export interface ResolvedClause {
  /** Headings from the outermost part to the cited one, e.g. ["三、…", "（一）…", "1.住院待遇…"]. */
  headings: string[];
  /** 0-based line range [start, end) of the cited paragraph in the document's lines. */
  start: number;
  end: number;
  /** The cited paragraph's text (heading line included). */
  text: string;
}

const CITATION = /^(\S+\.(?:txt|md)|(?:https?:\/\/)?[\w-]+(?:\.[\w-]+)+\/\S*)\s+(\S.*)$/;

export function parseCitation(cite: string): Citation | null {
  const match = CITATION.exec(cite.trim());
  return match ? { document: match[1]!.replace(/^https?:\/\//, ''), clause: match[2]!.trim() } : null;
}

/** A document named by its web address (no copy shipped): the desk links to it. */
export function isWebAddress(document: string): boolean {
  return document.includes('/');
}

export function webAddressUrl(document: string): string {
  return `https://${document}`;
}

const NUMERALS = '一二三四五六七八九十';
const LEVEL_PATTERNS: RegExp[] = [new RegExp(`^\\s*([${NUMERALS}]+)\\s*、`), new RegExp(`^\\s*[（(]\\s*([${NUMERALS}]+)\\s*[)）]`), /^\s*(\d{1,2})\s*[.．、]/];

/** "三(一)1" → [["三", 0], ["一", 1], ["1", 2]]: each part with its numbering level. */
export function parseClause(clause: string): { number: string; level: number }[] | null {
  const parts: { number: string; level: number }[] = [];
  const pattern = new RegExp(`([${NUMERALS}]+)|[（(]([${NUMERALS}]+)[)）]|(\\d{1,2})`, 'gy');
  let rest = clause.replace(/\s+/g, '');
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (rest.length > 0 && (match = pattern.exec(rest)) !== null) {
    if (match[1]) parts.push({ number: match[1], level: 0 });
    else if (match[2]) parts.push({ number: match[2], level: 1 });
    else parts.push({ number: match[3]!, level: 2 });
    if (pattern.lastIndex === rest.length) {
      rest = '';
      break;
    }
  }
  if (rest.length > 0 || parts.length === 0) return null;
  // Levels must go inward: 三 (一) 1, 六(二), 三 1 — never (一) before 三.
  for (let i = 1; i < parts.length; i++) if (parts[i]!.level <= parts[i - 1]!.level) return null;
  return parts;
}

function headingOf(line: string): { number: string; level: number } | null {
  for (let level = 0; level < LEVEL_PATTERNS.length; level++) {
    const match = LEVEL_PATTERNS[level]!.exec(line);
    if (match) return { number: match[1]!, level };
  }
  return null;
}

/** The cited paragraph of a seed notice: the first part whose numbering path is the clause. */
export function resolveClause(documentText: string, clause: string): ResolvedClause | null {
  const wanted = parseClause(clause);
  if (!wanted) return null;
  const lines = documentText.split(/\r?\n/);
  // The open heading at each level (index = level), as line numbers.
  const open: ({ number: string; line: number } | undefined)[] = [];
  const target = wanted[wanted.length - 1]!;
  for (let i = 0; i < lines.length; i++) {
    const heading = headingOf(lines[i]!);
    if (!heading) continue;
    open[heading.level] = { number: heading.number, line: i };
    open.length = heading.level + 1;
    if (heading.level !== target.level || heading.number !== target.number) continue;
    const matches = wanted.every((part) => open[part.level]?.number === part.number);
    if (!matches) continue;
    let end = i + 1;
    while (end < lines.length) {
      const next = headingOf(lines[end]!);
      if (next && next.level <= target.level) break;
      end++;
    }
    while (end > i + 1 && lines[end - 1]!.trim() === '') end--;
    const headings = open.filter((h): h is { number: string; line: number } => h !== undefined).map((h) => lines[h.line]!.trim());
    return { headings, start: i, end, text: lines.slice(i, end).join('\n') };
  }
  return null;
}

/**
 * A section of a Markdown spec: the heading whose text starts with the clause
 * (e.g. "## taiyuan-2019 (…)"), else the paragraph led by it in bold
 * ("**Catalogue (医保目录).** …").
 */
export function resolveMarkdownSection(markdown: string, clause: string): ResolvedClause | null {
  const lines = markdown.split(/\r?\n/);
  const wanted = clause.trim().replace(/^["“]|["”]$/g, '');
  for (let i = 0; i < lines.length; i++) {
    const match = /^(#{1,6})\s+(.*)$/.exec(lines[i]!);
    if (!match) continue;
    const title = match[2]!.replace(/`/g, '').trim();
    if (!(title === wanted || title.startsWith(`${wanted} `) || title.startsWith(`${wanted}(`))) continue;
    const depth = match[1]!.length;
    let end = i + 1;
    while (end < lines.length) {
      const next = /^(#{1,6})\s/.exec(lines[end]!);
      if (next && next[1]!.length <= depth) break;
      end++;
    }
    while (end > i + 1 && lines[end - 1]!.trim() === '') end--;
    return { headings: [title], start: i, end, text: lines.slice(i, end).join('\n') };
  }
  // Else a paragraph with a bold lead-in (policies.md "Common ground": **Catalogue (医保目录).** …).
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]!);
    if (heading) section = heading[1]!.trim();
    const lead = /^\*\*([^*]+)\*\*/.exec(lines[i]!);
    if (!lead || (i > 0 && lines[i - 1]!.trim() !== '')) continue;
    const title = lead[1]!.trim();
    if (!(title === wanted || title.startsWith(`${wanted} `) || title.startsWith(`${wanted}(`) || title.startsWith(`${wanted}.`))) continue;
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== '') end++;
    return { headings: [section, title].filter(Boolean), start: i, end, text: lines.slice(i, end).join('\n') };
  }
  return null;
}

const CELL_SEPARATOR = /[·・]/;

/**
 * A table cell: "表·二级·市外" (or "表3·三级·省外", "起付线·二级") is the first
 * line holding every label after the table's name (表, 表3), e.g. "二级 | 400 |
 * 75% | 市外 …"; else the first line holding the first label below the nearest
 * line before it holding the others (a row under its column headings). The
 * table's heading line (the line before the table's first row) leads.
 */
export function resolveTableCell(documentText: string, clause: string): ResolvedClause | null {
  const parts = clause
    .split(CELL_SEPARATOR)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 2) return null;
  // "表·二级·市外": the table's name leads; "起付线·二级": every part is a label.
  const labels = /^表[\d一二三四五六七八九十]*$/.test(parts[0]!) ? parts.slice(1) : parts;
  const lines = documentText.split(/\r?\n/);
  const holds = (line: string, wanted: string[]) => wanted.every((label) => line.includes(label));
  let row = lines.findIndex((line) => holds(line, labels));
  // Else a row under its column heading, in the same block of lines (a table has no blank line):
  // the row's label first (表·<row>·<column>), or the heading first.
  const under = (heading: string[], rowLabels: string[]): number => {
    for (let h = 0; h < lines.length; h++) {
      if (!holds(lines[h]!, heading)) continue;
      for (let i = h + 1; i < lines.length && lines[i]!.trim() !== ''; i++) if (holds(lines[i]!, rowLabels)) return i;
    }
    return -1;
  };
  if (row < 0) row = under(labels.slice(1), labels.slice(0, 1));
  if (row < 0) row = under(labels.slice(0, 1), labels.slice(1));
  if (row < 0) return null;
  let top = row;
  while (top > 0 && lines[top - 1]!.trim() !== '') top--;
  const headings = top < row ? [lines[top]!.trim()] : [];
  return { headings: [...headings, lines[row]!.trim()], start: row, end: row + 1, text: lines[row]! };
}

/** A quoted phrase ("「…」", "“…”" or the words themselves): the paragraph that holds it. */
export function resolvePhrase(documentText: string, clause: string): ResolvedClause | null {
  const phrase = clause.replace(/^[「“"']|[」”"']$/g, '').trim();
  if (phrase.length < 4) return null;
  const lines = documentText.split(/\r?\n/);
  const at = lines.findIndex((line) => line.includes(phrase));
  if (at < 0) return null;
  let start = at;
  while (start > 0 && lines[start - 1]!.trim() !== '') start--;
  let end = at + 1;
  while (end < lines.length && lines[end]!.trim() !== '') end++;
  return { headings: [lines[at]!.trim()], start, end, text: lines.slice(start, end).join('\n') };
}

/** Resolves a citation against the text of the document it names: by numbered clause, table cell or phrase. */
export function resolveCitation(citation: Citation, documentText: string): ResolvedClause | null {
  if (citation.document.endsWith('.md')) return resolveMarkdownSection(documentText, citation.clause);
  return resolveClause(documentText, citation.clause) ?? resolveTableCell(documentText, citation.clause) ?? resolvePhrase(documentText, citation.clause);
}

/** Where the desk serves a cited document (read-only). */
export function documentUrl(document: string): string {
  return `/desk/documents/${encodeURIComponent(document)}`;
}
