/**
 * The desk pages: Preact + TypeScript, bundled by Vite into dist/desk (served
 * by the service under /desk/). The policy documents the clauses cite are
 * shipped next to the page (documents/), so the package holds everything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/** docs/seeds/*.txt and docs/spec/policies.md → dist/desk/documents/ (what citations name). */
export function policyDocuments(): Plugin {
  return {
    name: 'desk-policy-documents',
    generateBundle() {
      const seeds = path.join(root, 'docs/seeds');
      const files = readdirSync(seeds)
        .filter((name) => name.endsWith('.txt'))
        .map((name) => path.join(seeds, name));
      files.push(path.join(root, 'docs/spec/policies.md'));
      for (const file of files) {
        this.emitFile({ type: 'asset', fileName: `documents/${path.basename(file)}`, source: readFileSync(file) });
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: '/desk/',
  publicDir: false,
  plugins: [policyDocuments()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.join(root, 'dist/desk'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
