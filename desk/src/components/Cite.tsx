/**
 * Citations open the paragraph they cite: a dialog with the clause's text
 * (found by its numbering in the policy document), and a link to the whole
 * document with the paragraph marked.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { documentUrl, isWebAddress, parseCitation, resolveCitation, webAddressUrl, type ResolvedClause } from '../citations.js';

export const DOCUMENT_TITLE: Record<string, string> = {
  '000_b298e4d9608db673.txt': '平阳县2019年城乡居民基本医疗保险工作的通知',
  '001_0e31973e4dd59fea.txt': '太原市2019年城乡居民基本医疗保障工作的通知',
  '002_dda74ca139f336db.txt': '晋江市城乡居民基本医疗保险实施方案（2018）',
  'policies.md': '结算规则说明（policies.md，本服务的决定）',
};

const SHORT: Record<string, string> = {
  '000_b298e4d9608db673.txt': '平阳',
  '001_0e31973e4dd59fea.txt': '太原',
  '002_dda74ca139f336db.txt': '晋江',
  'policies.md': '规则说明',
};

/** Titles of the loaded policies' documents (a region added with a policy file), from /desk/documents.json. */
const listed = new Map<string, { title: string; short: string }>();
let index: Promise<void> | null = null;

export function loadDocumentIndex(): Promise<void> {
  index ??= fetch('/desk/documents.json')
    .then((response) => (response.ok ? (response.json() as Promise<{ documents: { document: string; title: string; short: string }[] }>) : { documents: [] }))
    .then(({ documents }) => {
      for (const { document, title, short } of documents) if (!listed.has(document)) listed.set(document, { title, short });
    })
    .catch(() => {
      index = null;
    });
  return index;
}

export function documentTitle(document: string): string {
  return DOCUMENT_TITLE[document] ?? listed.get(document)?.title ?? document;
}

function documentShort(document: string): string {
  return SHORT[document] ?? listed.get(document)?.short ?? (isWebAddress(document) ? document.split('/')[0]! : document);
}

const documents = new Map<string, Promise<string>>();

export function loadDocument(document: string): Promise<string> {
  let text = documents.get(document);
  if (!text) {
    text = fetch(documentUrl(document)).then((response) => {
      if (!response.ok) throw new Error(`${document}: ${response.status}`);
      return response.text();
    });
    text.catch(() => documents.delete(document));
    documents.set(document, text);
  }
  return text;
}

type Open = (cite: string) => void;
const CiteContext = createContext<Open>(() => undefined);

interface Shown {
  cite: string;
  document: string | null;
  clause: string;
  resolved: ResolvedClause | null;
  failed: string | null;
}

export function CiteProvider({ children }: { children: ComponentChildren }) {
  const [shown, setShown] = useState<Shown | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);

  const open = useCallback((cite: string) => {
    opener.current = document.activeElement as HTMLElement | null;
    const citation = parseCitation(cite);
    if (!citation) {
      setShown({ cite, document: null, clause: cite, resolved: null, failed: '无法识别的引用' });
      return;
    }
    void loadDocumentIndex();
    if (isWebAddress(citation.document)) {
      // No copy is shipped: the dialog names the cell and links to the page.
      setShown({ cite, document: citation.document, clause: citation.clause, resolved: null, failed: '原文为网页，未随本服务提供；请打开原网页查看' });
      return;
    }
    setShown({ cite, document: citation.document, clause: citation.clause, resolved: null, failed: null });
    loadDocument(citation.document).then(
      (text) => {
        const resolved = resolveCitation(citation, text);
        setShown((current) => (current?.cite === cite ? { ...current, resolved, failed: resolved ? null : '在文件中未找到该条款' } : current));
      },
      (error: Error) => setShown((current) => (current?.cite === cite ? { ...current, failed: error.message } : current)),
    );
  }, []);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (shown && !element.open) element.showModal();
    if (!shown && element.open) element.close();
  }, [shown]);

  const close = () => {
    setShown(null);
    opener.current?.focus();
  };

  return (
    <CiteContext.Provider value={open}>
      {children}
      <dialog ref={dialog} class="clause-dialog" aria-labelledby="clause-title" onClose={close} onCancel={close}>
        {shown && (
          <div>
            <h2 id="clause-title">
              {shown.document ? documentTitle(shown.document) : '引用'} · {shown.clause}
            </h2>
            {shown.resolved && (
              <>
                <p class="clause-path">{shown.resolved.headings.slice(0, -1).join(' › ')}</p>
                <blockquote class="clause-text" data-testid="clause-text">
                  {shown.resolved.text}
                </blockquote>
              </>
            )}
            {!shown.resolved && !shown.failed && <p>正在打开…</p>}
            {shown.failed && (
              <p class="error" role="alert">
                {shown.failed}
              </p>
            )}
            <p class="dialog-actions">
              {shown.document && isWebAddress(shown.document) && (
                <a href={webAddressUrl(shown.document)} target="_blank" rel="noopener noreferrer">
                  打开原网页
                </a>
              )}
              {shown.document && !isWebAddress(shown.document) && (
                <a href={`/desk/document/${encodeURIComponent(shown.document)}?clause=${encodeURIComponent(shown.clause)}`} target="_blank" rel="noopener">
                  查看全文
                </a>
              )}
              <button type="button" onClick={close} autofocus>
                关闭
              </button>
            </p>
          </div>
        )}
      </dialog>
    </CiteContext.Provider>
  );
}

export function useCite(): Open {
  return useContext(CiteContext);
}

/** A clause as a button that opens its text; on paper, the clause as text. */
export function Cite({ cite }: { cite: string | null | undefined }) {
  const open = useCite();
  const [, indexLoaded] = useState(false);
  const citation = cite ? parseCitation(cite) : null;
  const known = !citation || citation.document in SHORT;
  useEffect(() => {
    if (!known) void loadDocumentIndex().then(() => indexLoaded(true));
  }, [known]);
  if (!cite) return <span class="muted">—</span>;
  const label = citation ? `${documentShort(citation.document)} ${citation.clause}` : cite;
  return (
    <button type="button" class="cite" title={`打开条款原文：${cite}`} data-cite={cite} onClick={() => open(cite)}>
      {label}
    </button>
  );
}
