/**
 * 选择医院: a registry hospital found by part of its name or its national code
 * (GET /v1/hospitals), picked from a list with the keyboard (↓ ↑ move, Enter
 * picks, Esc closes) or the mouse; the clerk never types an internal id.
 * Text typed but not yet picked is reported as pending, so a form cannot take
 * it for "no hospital". Enter acts on the text as typed now: pressed before
 * the answer for it arrived, it picks that answer's first hospital.
 * A form resets the box by giving it a new `key`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api.js';
import { rememberHospital } from '../fetchers.js';
import type { Hospital } from '../wire.js';
import { hospitalLabel } from './HospitalName.js';

const SHOWN = 10;

export interface PickerState {
  hospital: Hospital | null;
  /** Text in the box that names no picked hospital yet. */
  pending: boolean;
}

interface Found {
  q: string;
  hospitals: Hospital[];
  total: number;
}

export function HospitalPicker({
  label,
  name,
  picked,
  onChange,
  hint,
}: {
  label: string;
  name: string;
  picked: Hospital | null;
  onChange: (state: PickerState) => void;
  hint?: string;
}) {
  const [text, setText] = useState(picked ? hospitalLabel(picked, picked.hospitalId) : '');
  const [found, setFound] = useState<Found | null>(null);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const sequence = useRef(0);
  /** Enter came before the answer for the text typed: pick its first hospital when it comes. */
  const pickOnArrival = useRef(false);
  const listId = `${name}-options`;
  const q = text.trim();

  const pick = (hospital: Hospital) => {
    pickOnArrival.current = false;
    rememberHospital(hospital);
    setText(hospitalLabel(hospital, hospital.hospitalId));
    setOpen(false);
    setFound(null);
    onChange({ hospital, pending: false });
  };

  const search = (wanted: string) => {
    const mine = ++sequence.current;
    get<Found & { next: string | null }>(`/v1/hospitals?q=${encodeURIComponent(wanted)}&limit=${SHOWN}`).then(
      ({ body }) => {
        if (mine !== sequence.current) return; // an answer for text typed before
        setFailed(false);
        if (pickOnArrival.current && body.hospitals[0]) return pick(body.hospitals[0]);
        pickOnArrival.current = false;
        setFound({ q: wanted, hospitals: body.hospitals, total: body.total });
        setActive(0);
        setOpen(true);
      },
      () => {
        if (mine !== sequence.current) return;
        pickOnArrival.current = false;
        setFailed(true);
      },
    );
  };

  useEffect(() => {
    if (!q || (picked && text === hospitalLabel(picked, picked.hospitalId))) return;
    const timer = setTimeout(() => search(q), 150);
    return () => clearTimeout(timer);
  }, [text]);

  const input = (value: string) => {
    setText(value);
    setFound(null);
    setFailed(false);
    pickOnArrival.current = false;
    if (!value.trim()) {
      sequence.current++;
      setOpen(false);
    }
    onChange({ hospital: null, pending: value.trim() !== '' });
  };

  const fresh = found !== null && found.q === q;
  const keyDown = (event: KeyboardEvent) => {
    // The box's value now, not the last render's: a scanner or a macro types and presses Enter in one go.
    const now = (event.currentTarget as HTMLInputElement).value.trim();
    const current = found !== null && found.q === now;
    const list = current ? found.hospitals : [];
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!list.length) return;
      event.preventDefault();
      setOpen(true);
      setActive((i) => (event.key === 'ArrowDown' ? (i + 1) % list.length : (i - 1 + list.length) % list.length));
    } else if (event.key === 'Enter') {
      if (!now || (picked && now === hospitalLabel(picked, picked.hospitalId))) return; // nothing to pick: the form's own Enter
      event.preventDefault();
      const hospital = list[active];
      if (hospital) return pick(hospital);
      if (!current) {
        pickOnArrival.current = true;
        search(now);
      }
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  const shown = open && fresh;
  const status = failed
    ? '查询医院登记库失败，请重试'
    : fresh && found.total === 0
      ? `医院登记库中没有与“${found.q}”相符的医院，不能备案到未登记的医院`
      : fresh && found.total > found.hospitals.length
        ? `共 ${found.total} 家相符，仅列出前 ${found.hospitals.length} 家：请输入更多字`
        : q && !picked
          ? '请从列表中选择医院（↓ ↑ 选择，回车确定）'
          : (hint ?? '');
  return (
    <div class="field picker">
      <label for={`${name}-input`}>{label}</label>
      <input
        id={`${name}-input`}
        name={name}
        value={text}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown ? 'true' : 'false'}
        aria-controls={listId}
        aria-activedescendant={shown && found.hospitals[active] ? `${listId}-${active}` : undefined}
        aria-describedby={`${name}-status`}
        aria-invalid={(fresh && found.total === 0) || undefined}
        autocomplete="off"
        placeholder="输入医院名称或国家医保编码"
        maxLength={50}
        onInput={(e) => input(e.currentTarget.value)}
        onKeyDown={keyDown}
        onBlur={() => setOpen(false)}
        onFocus={() => fresh && !picked && setOpen(true)}
      />
      <div id={listId} role="listbox" aria-label={`${label}候选`} class="picker-list" hidden={!shown || found.hospitals.length === 0} data-testid={`${name}-options`}>
        {shown &&
          found.hospitals.map((hospital, i) => (
            <div
              key={hospital.hospitalId}
              id={`${listId}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              data-hospital={hospital.hospitalId}
              onMouseDown={(e) => {
                e.preventDefault(); // keep the focus in the box
                pick(hospital);
              }}
            >
              <span class="picker-name">{hospital.name}</span>
              <span class="muted">{hospital.fixmedinsCode ? ` 国家医保编码 ${hospital.fixmedinsCode}` : ' 未登记国家医保编码'}</span>
            </div>
          ))}
      </div>
      <small id={`${name}-status`} class={failed || (fresh && found.total === 0) ? 'error' : 'muted'} data-testid={`${name}-status`} aria-live="polite">
        {status}
      </small>
    </div>
  );
}
