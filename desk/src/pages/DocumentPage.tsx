/** A policy document in full, the cited paragraph marked and scrolled to (/desk/document/<file>?clause=…). */
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { resolveCitation, type ResolvedClause } from '../citations.js';
import { documentTitle, loadDocument, loadDocumentIndex } from '../components/Cite.js';

export function DocumentPage({ file }: { file: string }) {
  const { query } = useLocation();
  const clause = query.clause ?? '';
  const [text, setText] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const marked = useRef<HTMLElement>(null);
  const document = decodeURIComponent(file);

  useEffect(() => {
    // The index first, for the title of a document added with a region.
    void loadDocumentIndex().then(() => loadDocument(document).then(setText, (error: Error) => setFailed(error.message)));
  }, [document]);

  const resolved: ResolvedClause | null = text && clause ? resolveCitation({ document, clause }, text) : null;
  useEffect(() => {
    marked.current?.scrollIntoView({ block: 'center' });
  }, [resolved?.start]);

  const lines = text?.split(/\r?\n/) ?? [];
  return (
    <main id="main" class="page document">
      <h1>{documentTitle(document)}</h1>
      {clause && (
        <p class="muted">
          引用条款：{clause}
          {text && !resolved ? '（未找到）' : ''}
        </p>
      )}
      {failed && (
        <p class="error" role="alert">
          {failed}
        </p>
      )}
      <div class="document-text">
        {resolved && <pre>{lines.slice(0, resolved.start).join('\n')}</pre>}
        {resolved && (
          <mark ref={marked} class="cited" data-testid="cited">
            <pre>{lines.slice(resolved.start, resolved.end).join('\n')}</pre>
          </mark>
        )}
        <pre>{(resolved ? lines.slice(resolved.end) : lines).join('\n')}</pre>
      </div>
    </main>
  );
}
