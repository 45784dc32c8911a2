/** Dates and times as the window writes them (Asia/Shanghai). */

const TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export function shanghaiTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(TIME.formatToParts(date).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Today's date in Asia/Shanghai (the hospital's business day). */
export function shanghaiToday(now = new Date()): string {
  return shanghaiTime(now.toISOString()).slice(0, 10);
}

/** Days in hospital: discharge − admission (算入不算出), at least 1 for a same-day stay. */
export function stayDays(admission: string, discharge: string): number {
  const days = Math.round((Date.parse(`${discharge}T00:00:00Z`) - Date.parse(`${admission}T00:00:00Z`)) / 86_400_000);
  return Number.isFinite(days) ? Math.max(1, days) : 0;
}

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
