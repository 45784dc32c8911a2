/** 结算完成: print the slip, open it alone, reverse, start the next bill; the waterfall and the slip itself. */
import type { Ref } from 'preact';
import { session } from '../session.js';
import type { Hospital, Settlement } from '../wire.js';
import type { PersonData } from './PersonPanel.js';
import { Slip } from './Slip.js';
import { Steps, Waterfall } from './Waterfall.js';

export interface SettledPanelProps {
  settled: Settlement;
  replay: boolean;
  hospital: Hospital | null;
  person: PersonData | null;
  patientName: string;
  printButton: Ref<HTMLButtonElement>;
  onPrint: () => void;
  onReverse: (settlement: Settlement) => void;
  onNewBill: () => void;
}

export function SettledPanel({ settled, replay, hospital, person, patientName, printButton, onPrint, onReverse, onNewBill }: SettledPanelProps) {
  return (
    <section class="card settled" aria-labelledby="settled-title">
      <h2 id="settled-title">
        {settled.status === 'reversed' ? '已撤销' : '结算完成'}
        {replay ? '（已按结算流水号取回结果）' : ''}
      </h2>
      <p class="actions no-print">
        <button type="button" class="primary" ref={printButton} onClick={onPrint}>
          打印结算单
        </button>
        {settled.settlementId && <a href={`/desk/slip/${encodeURIComponent(settled.settlementId)}`}>单独打开结算单</a>}
        {settled.status === 'settled' && (
          <button type="button" class="danger" onClick={() => onReverse(settled)}>
            撤销
          </button>
        )}
        <button type="button" onClick={onNewBill}>
          新建结算 (F2)
        </button>
      </p>
      <Waterfall settlement={settled} policy={person?.policy ?? null} />
      <Steps settlement={settled} />
      <div class="slip-frame">
        <Slip
          settlement={settled}
          hospital={hospital}
          enrollee={person?.enrollee ?? null}
          policy={person?.policy ?? null}
          filing={(person?.filings ?? []).find((filing) => filing.referralId === settled.referralId) ?? null}
          reprint={settled.settlementId ? session.wasPrinted(settled.settlementId) : false}
          patientName={patientName}
        />
      </div>
    </section>
  );
}
