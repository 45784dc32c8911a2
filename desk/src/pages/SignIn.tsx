import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { session } from '../session.js';
import type { Me } from '../wire.js';

/** Sign-in: the key is checked with GET /v1/me and kept in this tab only. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [key, setKey] = useState('');
  const [operatorId, setOperatorId] = useState('');
  const [operatorName, setOperatorName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const keyField = useRef<HTMLInputElement>(null);
  useEffect(() => keyField.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const { body: me } = await get<Me>('/v1/me', { key: key.trim() });
      session.signIn(key.trim(), me, { id: operatorId.trim(), name: operatorName.trim() });
      onSignedIn(me);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="signin">
      <h1>城乡居民医保结算工作台</h1>
      <form onSubmit={submit} class="card" aria-label="登录">
        <label>
          接口密钥
          <input ref={keyField} type="password" name="key" autocomplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <label>
          操作员工号
          <input name="operatorId" required maxLength={32} pattern="[A-Za-z0-9._-]+" value={operatorId} onInput={(e) => setOperatorId(e.currentTarget.value)} />
        </label>
        <label>
          操作员姓名
          <input name="operatorName" required maxLength={32} value={operatorName} onInput={(e) => setOperatorName(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          登录
        </button>
        <p class="hint">密钥只保存在本标签页，关闭标签页即失效。</p>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}
