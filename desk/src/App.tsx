/**
 * The desk: sign in with a key (kept in this tab's sessionStorage only), then
 * the pages the key's role may use — billing → 住院结算 and 对账; referral →
 * 转诊备案; admin → all.
 */
import { createContext } from 'preact';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useContext, useEffect, useState } from 'preact/hooks';
import { CiteProvider } from './components/Cite.js';
import { HospitalName } from './components/HospitalName.js';
import { REGION, ROLE } from './labels.js';
import { Billing } from './pages/Billing.js';
import { DocumentPage } from './pages/DocumentPage.js';
import { Finance } from './pages/Finance.js';
import { Referral } from './pages/Referral.js';
import { SignIn } from './pages/SignIn.js';
import { SlipPage } from './pages/SlipPage.js';
import { session } from './session.js';
import type { Me, Role } from './wire.js';

export interface Tab {
  path: string;
  label: string;
  roles: Role[];
}

export const TABS: Tab[] = [
  { path: '/desk/billing', label: '住院结算', roles: ['billing', 'admin'] },
  { path: '/desk/referral', label: '转诊备案', roles: ['referral', 'admin'] },
  { path: '/desk/finance', label: '对账', roles: ['billing', 'admin'] },
];

export function tabsFor(role: Role): Tab[] {
  return TABS.filter((tab) => tab.roles.includes(role));
}

const MeContext = createContext<Me | null>(null);

/** The signed-in caller (pages render only inside the shell, where it is set). */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('not signed in');
  return me;
}

function guarded(path: string, Page: (props: { me: Me }) => preact.JSX.Element) {
  return function GuardedPage() {
    const me = useMe();
    return tabsFor(me.role).some((tab) => tab.path === path) ? <Page me={me} /> : <Forbidden />;
  };
}

const BillingRoute = guarded('/desk/billing', Billing);
const ReferralRoute = guarded('/desk/referral', Referral);
const FinanceRoute = guarded('/desk/finance', Finance);

function SlipRoute({ settlementId }: { settlementId: string }) {
  return <SlipPage me={useMe()} settlementId={settlementId} />;
}

function DocumentRoute({ file }: { file: string }) {
  return <DocumentPage file={file} />;
}

function HomeRoute() {
  return <Home me={useMe()} />;
}

export function App() {
  const [me, setMe] = useState<Me | null>(session.key() ? session.me() : null);
  return (
    <LocationProvider scope="/desk/">
      <CiteProvider>
        {me ? (
          <Shell
            me={me}
            onSignOut={() => {
              session.signOut();
              setMe(null);
            }}
          />
        ) : (
          <SignInGate onSignedIn={setMe} />
        )}
      </CiteProvider>
    </LocationProvider>
  );
}

/** Whether the role may open the page at `path` (slips and documents: the page itself decides). */
export function mayOpen(role: Role, path: string): boolean {
  if (/^\/desk\/(slip|document)\//.test(path)) return true;
  return tabsFor(role).some((tab) => path.startsWith(tab.path));
}

/** A key opens on a page its role may use: a referral key signing in on a tab left at /desk/billing lands on 转诊备案. */
function SignInGate({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { path, route } = useLocation();
  return (
    <SignIn
      onSignedIn={(me) => {
        const first = tabsFor(me.role)[0];
        if (first && !mayOpen(me.role, path)) route(first.path, true);
        onSignedIn(me);
      }}
    />
  );
}

function Home({ me }: { me: Me }) {
  const { route } = useLocation();
  useEffect(() => {
    const first = tabsFor(me.role)[0];
    if (first) route(first.path, true);
  }, [me.role]);
  return null;
}

function Forbidden() {
  return (
    <main id="main" class="page">
      <h1>无权访问</h1>
      <p>当前密钥的角色不能使用此页面。</p>
    </main>
  );
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const { path } = useLocation();
  const tabs = tabsFor(me.role);
  const operator = session.operator();
  return (
    <MeContext.Provider value={me}>
      <a class="skip" href="#main">
        跳到正文
      </a>
      <header class="topbar">
        <span class="brand">城乡居民医保结算工作台</span>
        <nav aria-label="页面">
          {tabs.map((tab) => (
            <a key={tab.path} href={tab.path} aria-current={path.startsWith(tab.path) ? 'page' : undefined}>
              {tab.label}
            </a>
          ))}
        </nav>
        <span class="who" data-testid="who">
          {ROLE[me.role]} · {me.hospitalId ? <HospitalName hospitalId={me.hospitalId} /> : me.region ? (REGION[me.region] ?? me.region) : '全部'} · {me.id}
          {operator ? ` · 操作员 ${operator.name}（${operator.id}）` : ''}
        </span>
        <button type="button" class="link" onClick={onSignOut}>
          退出
        </button>
      </header>
      <Router>
        <Route path="/desk/billing" component={BillingRoute} />
        <Route path="/desk/referral" component={ReferralRoute} />
        <Route path="/desk/finance" component={FinanceRoute} />
        <Route path="/desk/slip/:settlementId" component={SlipRoute} />
        <Route path="/desk/document/:file" component={DocumentRoute} />
        <Route default component={HomeRoute} />
      </Router>
    </MeContext.Provider>
  );
}
