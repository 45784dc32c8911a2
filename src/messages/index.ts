/**
 * The one message catalogue: every sentence a clerk, patient, HIS operator or
 * finance office reads comes from here, in Chinese by default, with the English
 * kept for developers and logs. Pure data and formatting: the engine may use it.
 *
 * Entries live in one file per area (errors, engine, national, desk, import …);
 * each exports a record of `{ zh, en }` templates keyed `area.name`, with
 * `{param}` placeholders. Add a key there, never a sentence in the code.
 */
import { boundsMessages } from './bounds.js';
import { commonMessages } from './common.js';
import { simulateMessages } from './simulate.js';
import { nationalMessages } from './national.js';
import { engineMessages } from './engine.js';
import { errorMessages } from './errors.js';
import { importMessages } from './import.js';
import { noteMessages } from './notes.js';
import { validationMessages } from './validation.js';

export type Lang = 'zh' | 'en';
export interface MessageEntry {
  readonly zh: string;
  readonly en: string;
}
export type MessageParams = Readonly<Record<string, string | number>>;

const CATALOGUE = {
  ...commonMessages,
  ...simulateMessages,
  ...nationalMessages,
  ...engineMessages,
  ...errorMessages,
  ...importMessages,
  ...noteMessages,
  ...validationMessages,
  ...boundsMessages,
} as const satisfies Record<string, MessageEntry>;

export type MessageKey = keyof typeof CATALOGUE;

/** The message `key` in `lang`, its `{name}` placeholders filled from `params` (an unknown placeholder stays as written). */
export function say(key: MessageKey, params: MessageParams = {}, lang: Lang = 'zh'): string {
  const template = CATALOGUE[key][lang];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Both editions at once: `zh` for the person, `en` for the log. */
export function sayBoth(key: MessageKey, params: MessageParams = {}): MessageEntry {
  return { zh: say(key, params, 'zh'), en: say(key, params, 'en') };
}

/** Whether a key exists (for codes that arrive as data, e.g. a refusal code read back from Redis). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(CATALOGUE, key);
}

/** The language asked for by an Accept-Language header: English only when it prefers English over Chinese; Chinese otherwise. */
export function langOf(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh';
  let best: { lang: Lang; q: number } | null = null;
  for (const part of acceptLanguage.split(',').slice(0, 20)) {
    const [tag = '', ...rest] = part.trim().toLowerCase().split(';');
    const qParam = rest.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: Lang | null = tag.startsWith('zh') ? 'zh' : tag.startsWith('en') ? 'en' : null;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'zh';
}
