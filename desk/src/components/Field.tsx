/** A labelled form field with an optional hint under it. */
export function Field({ label, children, hint }: { label: string; children: preact.ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
      {hint && <small class="muted">{hint}</small>}
    </label>
  );
}
