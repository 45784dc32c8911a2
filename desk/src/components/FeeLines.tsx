/** Fee lines of an itemised bill: typed in the table, pasted from a spreadsheet, or a CSV file exported by the HIS. */
import { useState } from 'preact/hooks';
import type { FeeLineInput } from '../bill.js';
import { parseFeeLines } from '../feelines.js';
import { FilePicker } from './FilePicker.js';

const COLUMNS: [keyof FeeLineInput, string, string][] = [
  ['lineId', '序号', 'w-s'],
  ['code', '医保编码', 'w-l'],
  ['name', '名称', 'w-m'],
  ['quantity', '数量', 'w-s'],
  ['unitPrice', '单价', 'w-s'],
  ['amount', '金额', 'w-s'],
  ['time', '发生时间', 'w-m'],
];

function blank(): FeeLineInput {
  return { lineId: '', code: '', hospitalCode: '', name: '', quantity: '', unitPrice: '', amount: '', time: '' };
}

export function FeeLines({ lines, onChange }: { lines: FeeLineInput[]; onChange: (lines: FeeLineInput[]) => void }) {
  const [pasted, setPasted] = useState('');
  const [problems, setProblems] = useState<string[]>([]);

  const load = (text: string) => {
    const parsed = parseFeeLines(text);
    setProblems(parsed.problems);
    if (parsed.lines.length > 0) onChange(parsed.lines);
  };

  const update = (index: number, field: keyof FeeLineInput, value: string) => {
    onChange(lines.map((line, i) => (i === index ? { ...line, [field]: value } : line)));
  };

  return (
    <div class="fee-lines">
      <table>
        <caption>费用明细（{lines.length} 条）</caption>
        <thead>
          <tr>
            {COLUMNS.map(([, label]) => (
              <th scope="col" key={label}>
                {label}
              </th>
            ))}
            <th scope="col">
              <span class="sr-only">操作</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line, index) => (
            <tr key={index}>
              {COLUMNS.map(([field, label, width]) => (
                <td key={field}>
                  <input
                    class={width}
                    name={`lines.${index}.${field}`}
                    aria-label={`第 ${index + 1} 行 ${label}`}
                    value={line[field]}
                    onInput={(e) => update(index, field, e.currentTarget.value)}
                  />
                </td>
              ))}
              <td>
                <button type="button" class="link" onClick={() => onChange(lines.filter((_, i) => i !== index))} aria-label={`删除第 ${index + 1} 行`}>
                  删除
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="row">
        <button type="button" onClick={() => onChange([...lines, blank()])}>
          添加一行
        </button>
        <FilePicker label="导入 HIS 导出的 CSV" name="feeLinesFile" onText={load} />
      </p>
      <label>
        粘贴明细（从表格复制，首行可为表头：医保编码、名称、数量、单价、金额）
        <textarea name="feeLinesPaste" rows={3} value={pasted} onInput={(e) => setPasted(e.currentTarget.value)} />
      </label>
      <p class="row">
        <button type="button" onClick={() => load(pasted)} disabled={!pasted.trim()}>
          读取粘贴的明细
        </button>
      </p>
      {problems.length > 0 && (
        <ul class="error" role="alert">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
