/**
 * Chinese really renders in Debian's chromium: without a CJK font every glyph
 * is the same empty box (tofu) and every screenshot and printed slip the
 * suite looks at is unreadable, while the tests that only read the DOM pass.
 *
 * Tofu is recognised by what makes it tofu: distinct characters drawn as the
 * same picture, the same picture as a code point no font has (U+E000, private
 * use). The second test proves the check catches it, with a fontconfig that
 * knows only DejaVu (no CJK).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM, OUTPUT } from './harness.js';

const CHARACTERS = ['医', '保', '结', '算'];
const NO_FONT_HAS = '\uE000';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** One PNG per character, each drawn alone at the same size in the page's default sans-serif. */
async function glyphPictures(env: NodeJS.ProcessEnv = process.env): Promise<Map<string, Buffer>> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'], env: env as Record<string, string> });
  try {
    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 400, height: 200 } });
    const pictures = new Map<string, Buffer>();
    for (const character of [...CHARACTERS, NO_FONT_HAS]) {
      await page.setContent(
        `<html lang="zh-CN"><body style="margin:0;background:#fff"><span id="g" style="font:48px sans-serif;display:inline-block;width:64px;height:64px">${character}</span></body></html>`,
      );
      pictures.set(character, await page.locator('#g').screenshot());
    }
    await page.setContent('<html lang="zh-CN"><body style="font:32px sans-serif">城乡居民基本医疗保险 结算单</body></html>');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, env === process.env ? 'cjk-font.png' : 'cjk-font-tofu.png') });
    return pictures;
  } finally {
    await browser.close();
  }
}

function tofu(pictures: Map<string, Buffer>): string[] {
  const box = pictures.get(NO_FONT_HAS)!;
  return CHARACTERS.filter((c) => pictures.get(c)!.equals(box) || CHARACTERS.some((other) => other !== c && pictures.get(other)!.equals(pictures.get(c)!)));
}

describe('Chinese text in Debian chromium', { timeout: 60_000 }, () => {
  it('draws every character as its own glyph, not a box (fonts-noto-cjk)', async () => {
    const pictures = await glyphPictures();
    expect(tofu(pictures), 'install fonts-noto-cjk: Chinese renders as boxes (npm test installs it when run as root)').toEqual([]);
  });

  it('catches tofu: with a fontconfig that has no CJK font the same check fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'no-cjk-fonts-'));
    made.push(dir);
    const conf = path.join(dir, 'fonts.conf');
    writeFileSync(
      conf,
      `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${dir}/cache</cachedir></fontconfig>`,
    );
    const pictures = await glyphPictures({ ...process.env, FONTCONFIG_FILE: conf });
    expect(tofu(pictures)).toEqual(CHARACTERS);
  });
});
