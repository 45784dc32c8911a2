/**
 * A policy's parameters as a flat list, each with the citation and assumed
 * flag of the nearest group that declares them (for GET /v1/policies/{id}).
 */
export interface PolicyParameter {
  path: string;
  value: string | number | boolean | null;
  cite: string | null;
  assumed: boolean;
  decision: string | null;
}

const META = new Set(['cite', 'assumed', 'decision']);
/** Worked examples are not parameters of the policy. */
const NOT_PARAMETERS = new Set(['tests']);

export function flattenParameters(source: Record<string, unknown>): PolicyParameter[] {
  const out: PolicyParameter[] = [];
  const walk = (node: unknown, path: string, cite: string | null, assumed: boolean, decision: string | null): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${path}[${index}]`, cite, assumed, decision));
      return;
    }
    if (node !== null && typeof node === 'object') {
      const group = node as Record<string, unknown>;
      const groupCite = typeof group.cite === 'string' ? group.cite : cite;
      const groupAssumed = group.assumed === true || assumed;
      const groupDecision = typeof group.decision === 'string' ? group.decision : decision;
      for (const [key, value] of Object.entries(group)) {
        if (META.has(key) || (path === '' && NOT_PARAMETERS.has(key))) continue;
        walk(value, path ? `${path}.${key}` : key, groupCite, groupAssumed, groupDecision);
      }
      return;
    }
    out.push({ path, value: node as PolicyParameter['value'], cite, assumed, decision });
  };
  walk(source, '', null, false, null);
  return out;
}
