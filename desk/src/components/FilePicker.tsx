/**
 * A file input that speaks Chinese: the browser's own button says "Choose
 * File / No file chosen" in the browser's language, so it is hidden (still
 * focusable, still the input) behind a 选择文件 button and the chosen name.
 */
import { useState } from 'preact/hooks';
import { decodeHisFile } from '../feelines.js';

export function FilePicker({ label, name, onText }: { label: string; name: string; onText: (text: string) => void }) {
  const [chosen, setChosen] = useState('');
  return (
    <label class="file">
      <span>{label}</span>
      <span class="file-row">
        <span class="file-button" aria-hidden="true">
          选择文件
        </span>
        <input
          type="file"
          class="file-input"
          name={name}
          accept=".csv,.txt,text/csv,text/plain"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            setChosen(file?.name ?? '');
            if (file) onText(decodeHisFile(await file.arrayBuffer()));
          }}
        />
        <span class="muted">{chosen || '未选择文件'}</span>
      </span>
    </label>
  );
}
