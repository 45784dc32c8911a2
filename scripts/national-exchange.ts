/**
 * Renders the recorded national-platform messages of test/integration/national.test.ts
 * and national.messages.test.ts (run with HSA_TRANSCRIPT=<file>.json: each writes
 * <file>.<part>.json) into docs/national-platform.md, between its exchange
 * markers: one request and answer per transaction, the Pingyang stay first.
 *
 *   npm run docs:national
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'lossless-json';

const [transcriptPath = '/tmp/hsa-transcript.json', docPath = 'docs/national-platform.md'] = process.argv.slice(2);
const FACILITY = 'H33032600001'; // PY-COUNTY: the Pingyang stay (worked example P-PY-1)
const ORDER: [infno: string, times: number, title: string][] = [
  ['9001', 1, 'sign-in'],
  ['1101', 1, 'the person'],
  ['2401', 1, 'admission'],
  ['2301', 2, 'fee lines, two batches (the second refunds a line of the first)'],
  ['2303', 1, 'pre-settlement'],
  ['2402', 1, 'discharge'],
  ['2304', 1, 'settlement'],
  ['5203', 1, 'the settlement read back'],
  ['5204', 1, 'the fee lines read back'],
  ['2305', 1, 'settlement reversed'],
  ['2302', 1, 'fee lines withdrawn (another stay)'],
  ['2404', 1, 'admission cancelled (another stay)'],
  ['2405', 1, 'discharge cancelled (another stay)'],
  ['2501', 1, 'transfer filed'],
  ['2502', 1, 'transfer revoked'],
  ['3201', 1, 'day totals reconciled'],
  ['3202', 1, 'day detail reconciled (rows inline)'],
  ['2601', 1, 'a message undone'],
  ['2201', 2, 'outpatient registration (the second visit is withdrawn and cancelled below)'],
  ['2203', 1, 'the visit'],
  ['2204', 2, 'outpatient fee lines, one charge batch per visit'],
  ['2206', 1, 'outpatient pre-settlement'],
  ['2207', 1, 'outpatient settlement'],
  ['2208', 1, 'outpatient settlement reversed'],
  ['2205', 1, 'a charge batch withdrawn (the second visit)'],
  ['2202', 1, 'a registration cancelled (the second visit)'],
  ['2503', 1, 'special-disease filing'],
  ['2504', 1, 'special-disease filing revoked'],
];

interface Exchange {
  request: string;
  status: number;
  answer: string;
}
// The stays first, as when one file recorded every exchange.
const transcript = ['stays', 'messages'].flatMap((part) => JSON.parse(readFileSync(transcriptPath.replace(/(\.json)?$/, `.${part}.json`), 'utf8')) as Exchange[]);
const pretty = (text: string) => stringify(parse(text), undefined, 2)!;

const sections: string[] = [];
for (const [infno, times, title] of ORDER) {
  const chosen = transcript
    .filter((exchange) => {
      const request = parse(exchange.request) as { infno: string; fixmedins_code: string };
      const answer = parse(exchange.answer) as { infcode: unknown };
      return request.infno === infno && request.fixmedins_code === FACILITY && String(answer.infcode) === '0';
    })
    .slice(0, times);
  if (chosen.length < times) throw new Error(`the transcript has ${chosen.length} successful ${infno} of ${FACILITY}, ${times} needed`);
  sections.push(`### ${infno}: ${title}\n`);
  for (const exchange of chosen) {
    sections.push(`Request:\n\n\`\`\`json\n${pretty(exchange.request)}\n\`\`\`\n`);
    sections.push(`Answer (HTTP ${exchange.status}):\n\n\`\`\`json\n${pretty(exchange.answer)}\n\`\`\`\n`);
  }
}

const BEGIN = '<!-- exchange:begin (scripts/national-exchange.ts) -->';
const END = '<!-- exchange:end -->';
const doc = readFileSync(docPath, 'utf8');
const from = doc.indexOf(BEGIN);
const to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error(`${docPath} lacks the exchange markers`);
writeFileSync(docPath, `${doc.slice(0, from + BEGIN.length)}\n\n${sections.join('\n')}\n${doc.slice(to)}`);
console.log(`${docPath}: ${sections.filter((s) => s.startsWith('### ')).length} transactions written`);
