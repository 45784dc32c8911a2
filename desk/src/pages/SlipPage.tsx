/** One settlement's slip on its own page (/desk/slip/<id>): print, reprint (重打), reverse. */
import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { get, seg } from '../api.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { ReversalDialog } from '../components/ReversalDialog.js';
import { Slip } from '../components/Slip.js';
import { session } from '../session.js';
import type { Enrollee, Filing, Hospital, Me, PolicyDetail, Settlement } from '../wire.js';
import { filingsOf, hospitalOf, policyDetail } from '../fetchers.js';

interface Loaded {
  settlement: Settlement;
  hospital: Hospital | null;
  enrollee: Enrollee | null;
  policy: PolicyDetail | null;
  filing: Filing | null;
}

export function SlipPage({ me, settlementId }: { me: Me; settlementId: string }) {
  const { query } = useLocation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reversing, setReversing] = useState(false);
  const [printedNow, setPrintedNow] = useState(false);

  useEffect(() => {
    let live = true;
    (async () => {
      const settlement = (await get<Settlement>(`/v1/settlements/${seg(settlementId)}`)).body;
      const [hospital, enrollee, policy, filings] = await Promise.all([
        hospitalOf(settlement.hospitalId),
        get<Enrollee>(`/v1/enrollees/${seg(settlement.card)}`).then(
          (answer) => answer.body,
          () => null,
        ),
        policyDetail(settlement.policyId).catch(() => null),
        settlement.referralId ? filingsOf(settlement.card).catch(() => null) : Promise.resolve(null),
      ]);
      const filing = (filings ?? []).find((candidate) => candidate.referralId === settlement.referralId) ?? null;
      if (live) setLoaded({ settlement, hospital, enrollee, policy, filing });
    })().catch((failure) => live && setError(failure));
    return () => {
      live = false;
    };
  }, [settlementId]);

  const reprint = query.reprint === '1' || session.wasPrinted(settlementId) || printedNow;
  const print = () => {
    session.markPrinted(settlementId);
    window.print();
    setPrintedNow(true);
  };

  return (
    <main id="main" class="page slip-page">
      <h1 class="no-print">结算单 {settlementId}</h1>
      <ErrorBox error={error} />
      {loaded && (
        <>
          <p class="actions no-print">
            <button type="button" class="primary" onClick={print} autofocus>
              {reprint ? '重打结算单' : '打印结算单'}
            </button>
            {loaded.settlement.status === 'settled' && me.role !== 'referral' && (
              <button type="button" class="danger" onClick={() => setReversing(true)}>
                撤销
              </button>
            )}
            <a href="/desk/billing">返回住院结算</a>
          </p>
          <div class="slip-frame">
            <Slip settlement={loaded.settlement} hospital={loaded.hospital} enrollee={loaded.enrollee} policy={loaded.policy} filing={loaded.filing} reprint={reprint} />
          </div>
          {reversing && <ReversalDialog settlement={loaded.settlement} onClose={() => setReversing(false)} onDone={(settlement) => setLoaded({ ...loaded, settlement })} />}
        </>
      )}
    </main>
  );
}
