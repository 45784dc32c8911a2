/**
 * The ordered pipeline of payment layers (policy vocabulary `layers`): each
 * layer pays one fund on its base — by default the residual the layers before
 * it left within policy scope — through pay-first share, expense cap,
 * deductible, rate or bands (or a lump sum, per-diem bands, a package, a
 * per-visit fee), payout factor, top-up, floor and caps, and records into the
 * year-to-date ledgers. Adjustments change a layer's parameters first.
 */
import type { Money } from '../domain/money.js';
import { Decimal, ZERO, compareMoney, formatMoney, headroom, maxMoney, minMoney, round2 } from '../domain/money.js';
import { dayNumber } from '../domain/dates.js';
import type { Accumulators, Fund, PreviousStay } from '../domain/types.js';
import type { Bracket, BracketSpec, Layer, PaymentRule, VisitTypeRule } from '../policy/schema.js';
import { adjustmentsOf, compiledOf } from '../policy/compiled.js';
import { deductibleOf, type AdmissionTerms } from './admission.js';
import { en, word, zh, type EngineKey, type Explanation } from './explanation.js';
import { decimalOf, holds, lookup, type Facts } from './facts.js';
import type { LedgerBook } from './ledgers.js';
import { marginalScale, roundedScale } from './scale.js';
import { carriedInto } from './carry-over.js';

const ONE = new Decimal(1);

/** a × b, keeping a when b is 1 (the usual payout factor): the same value without a new decimal. */
function times(a: Money, b: Money): Money {
  return b === ONE || compareMoney(b, ONE) === 0 ? a : a.times(b);
}

/** a − b, keeping a when b is 0 (no deductible). */
function less(a: Money, b: Money): Money {
  return b.isZero() ? a : a.minus(b);
}

export interface PipelineInput {
  facts: Facts;
  rule: VisitTypeRule;
  book: LedgerBook;
  admission: AdmissionTerms;
  previousStays: readonly PreviousStay[];
  /** Last benefit year's accumulators (for carry-over), when read. */
  previousYear?: Accumulators | null;
  total: Money;
  policyScope: Money;
  /** The policy-scope expense that the expense caps of the layers so far left out. */
  overExpenseCap: { value: Money };
}

export interface PipelineResult {
  payments: Partial<Record<Fund, Money>>;
  hospitalBorne: Money;
}

/** Layers that apply to the visit type, in file order. */
export function layersFor(layers: readonly Layer[], visitType: string): Layer[] {
  const out: Layer[] = [];
  for (const layer of layers) if (!layer.visitTypes || (layer.visitTypes as string[]).includes(visitType)) out.push(layer);
  return out;
}

interface Computed {
  amount: Money;
  rate: Money | null;
  deductible?: Money;
  cite: string;
  /** What the layer's records read (see recordValue): its base, the residual it was given, eligible and deductible. */
  records: { base: Money; residual: Money; eligible: Money; deductible: Money };
  steps: [string, string, Money | null, string][];
  /** A policy's own note (English, and its Chinese when the file gives one), or a catalogue message. */
  notes: ({ en: string; zh: string | null } | [EngineKey, Record<string, string>])[];
  hospitalBorne: Money;
  /**
   * How favourable the option is for the person over the year: a year-to-date
   * scale's value after this settlement within its cap, otherwise the payment.
   * Stable from one settlement to the next, so splitting a stay never changes the choice.
   */
  favour: Money;
  /** The same value before this settlement (a year-to-date scale only). */
  favourBefore?: Money;
}

export function runPipeline(input: PipelineInput, explanation: Explanation): PipelineResult {
  const { facts, book } = input;
  const payments: Partial<Record<Fund, Money>> = {};
  let paid = ZERO;
  let hospitalBorne = ZERO;
  const compiled = compiledOf(facts.policy);
  for (const { options, choose, firstOfFund } of compiled.layers.get(facts.request.visitType) ?? []) {
    const residual = paid.isZero() ? input.policyScope : maxMoney(ZERO, input.policyScope.minus(paid));
    let chosen: { rule: PaymentRule; computed: Computed } | null = null;
    let entitledBefore: Money | null = null;
    for (const rule of options) {
      if (payments[rule.fund] === undefined) payments[rule.fund] = ZERO;
      if (!holds(rule.when, facts)) continue;
      const computed = computeRule(rule, residual, input);
      if (choose === null) {
        chosen = { rule, computed };
        break;
      }
      if (computed.favourBefore !== undefined && (entitledBefore === null || computed.favourBefore.gt(entitledBefore))) entitledBefore = computed.favourBefore;
      const key = choose === 'most-favourable' ? computed.favour : computed.amount;
      const chosenKey = chosen && (choose === 'most-favourable' ? chosen.computed.favour : chosen.computed.amount);
      // Equal over the year (both at one cap): keep the option the person was already on, else the year-best cut pays less for more.
      const tieKeepsEarlier = choose === 'most-favourable' && chosen !== null && key.eq(chosenKey!) && (computed.favourBefore ?? ZERO).gt(chosen.computed.favourBefore ?? ZERO);
      if (chosen === null || key.gt(chosenKey!) || tieKeepsEarlier) chosen = { rule, computed };
      if (choose === 'first') break;
    }
    if (chosen && choose === 'most-favourable' && entitledBefore !== null) payTheYearsBest(chosen, entitledBefore);
    if (chosen) {
      const { rule, computed } = chosen;
      for (const [name, text, amount, cite] of computed.steps) explanation.step(name, text, amount, cite);
      for (const note of computed.notes) {
        if (!Array.isArray(note)) explanation.note(note.en, note.zh);
        else explanation.note(en(note[0], note[1]), zh(note[0], note[1]));
      }
      if (!computed.amount.isZero()) {
        const before = payments[rule.fund]!;
        payments[rule.fund] = before.isZero() ? computed.amount : before.plus(computed.amount);
        paid = paid.plus(computed.amount);
      }
      if (!computed.hospitalBorne.isZero()) hospitalBorne = hospitalBorne.plus(computed.hospitalBorne);
      for (const ledger in rule.records) book.add(ledger, recordValue(computed, rule.records[ledger]!));
      explanation.line(rule.fund, computed.amount, computed.cite, computed.deductible ? { rate: computed.rate, deductible: computed.deductible } : { rate: computed.rate });
    }
    // Every fund the layer can pay is reported, zero included.
    for (let i = 0; i < options.length; i += 1) {
      const rule = options[i]!;
      if (rule.fund === chosen?.rule.fund || !firstOfFund[i]) continue;
      explanation.line(rule.fund, ZERO, rule.cite, rule.rate !== undefined && typeof rule.rate === 'string' ? { rate: decimalOf(rule.rate) } : { rate: null });
    }
  }
  return { payments, hospitalBorne };
}

/** The adjustments of `fund.param` that hold, applied in file order to `value` (null: no cap). */
function adjust(input: PipelineInput, fund: Fund, param: string, value: Money | null, steps: Computed['steps']): Money | null {
  const { facts } = input;
  let current = value;
  for (const a of adjustmentsOf(compiledOf(facts.policy), fund, param)) {
    if (!holds(a.when, facts)) continue;
    const before = current;
    const v = a.value === undefined ? ZERO : decimalOf(a.value);
    switch (a.op) {
      case 'set':
        current = v;
        break;
      case 'add':
        current = (current ?? ZERO).plus(v);
        break;
      case 'subtract':
        current = (current ?? ZERO).minus(v);
        break;
      case 'multiply':
        current = current === null ? null : current.times(v);
        break;
      case 'remove-cap':
        current = null;
        break;
      case 'clamp':
        if (current !== null && a.min !== undefined) current = maxMoney(current, decimalOf(a.min));
        if (current !== null && a.max !== undefined) current = minMoney(current, decimalOf(a.max));
        break;
    }
    if (param === 'rate' && current !== null) current = minMoney(ONE, maxMoney(ZERO, current));
    if (current?.isNegative()) current = ZERO;
    steps.push([
      a.step,
      zh('engine.adjustment', {
        label: a.label ?? a.target,
        param: word(param),
        before: before === null ? '—' : before.toString(),
        after: current === null ? '—' : current.toString(),
      }),
      null,
      a.cite,
    ]);
  }
  return current;
}

function hasAdjustments(input: PipelineInput, fund: Fund, param: string): boolean {
  return adjustmentsOf(compiledOf(input.facts.policy), fund, param).length > 0;
}

function computeRule(rule: PaymentRule, residual: Money, input: PipelineInput): Computed {
  const { facts, book, total, policyScope } = input;
  const steps: Computed['steps'] = [];
  const notes: Computed['notes'] = [];
  const main = rule.step ?? 'rate';
  const base0 = rule.base === 'policy-scope' ? policyScope : rule.base === 'total' ? total : rule.base === 'over-expense-cap' ? input.overExpenseCap.value : residual;

  if (rule.missing) {
    notes.push({ en: rule.missing.note, zh: rule.missing.noteZh ?? null });
    steps.push([main, zh('engine.missing'), ZERO, rule.cite]);
    return finish(base0, residual, ZERO, steps, notes, null, rule.cite, ZERO);
  }

  let base = base0;
  if (rule.payFirst !== undefined) {
    const share = lookup(facts, rule.payFirst, rule.cite).value;
    const first = round2(base.times(share));
    base = base.minus(first);
    steps.push([subStep(rule, 'pay-first'), zh('engine.payFirst', { share: share.toString(), base: formatMoney(base0) }), first, rule.cite]);
  }

  let eligible = base;
  if (rule.expenseCap) {
    const cap = adjust(input, rule.fund, 'expenseCap', lookup(facts, rule.expenseCap.amount, rule.expenseCap.cite ?? rule.cite).value, steps);
    if (cap !== null) {
      const ledger = rule.expenseCap.ledger;
      eligible = minMoney(base, headroom(cap, book.current(ledger)));
      input.overExpenseCap.value = rule.base === 'over-expense-cap' ? base.minus(eligible) : input.overExpenseCap.value.plus(base.minus(eligible));
      book.add(ledger, eligible);
      steps.push([
        subStep(rule, 'eligible-expense'),
        zh('engine.eligibleExpense', { cap: formatMoney(cap), before: formatMoney(book.before(ledger)) }),
        eligible,
        rule.expenseCap.cite ?? rule.cite,
      ]);
    }
  }

  let deductible = ZERO;
  if (rule.deductible) {
    const adjustDeductible = hasAdjustments(input, rule.fund, 'deductible') ? (computed: Money): Money | null => adjust(input, rule.fund, 'deductible', computed, steps) : null;
    const outcome = deductibleOf(facts, rule.deductible, adjustDeductible, input.admission, { total, policyScope, eligible }, book, input.previousStays, rule.cite);
    deductible = outcome.applied;
    steps.push([subStep(rule, 'deductible'), outcome.text, deductible, outcome.cite]);
  }

  const factorLooked = rule.payoutFactor !== undefined ? lookup(facts, rule.payoutFactor, rule.cite).value : ONE;
  const factor = adjust(input, rule.fund, 'payoutFactor', factorLooked, steps) ?? ONE;
  const factorIsOne = compareMoney(factor, ONE) === 0;
  const factorText = factorIsOne ? '' : ` × ${factor.toString()}`;

  let amount: Money;
  let rate: Money | null = null;
  let cite = rule.cite;
  let hospitalBorne = ZERO;
  let favour: Money | null = null;
  let favourBefore: Money | null = null;
  if (rule.rate !== undefined) {
    const looked = lookup(facts, rule.rate, rule.cite);
    cite = looked.cite;
    rate = adjust(input, rule.fund, 'rate', looked.value, steps) ?? ZERO;
    amount = round2(times(less(eligible, deductible).times(rate), factor));
    steps.push([
      main,
      zh('engine.rate', {
        label: rule.label ? `${rule.label}：` : '',
        eligible: formatMoney(eligible),
        deductible: formatMoney(deductible),
        rate: rate.toString(),
        factor: factorText,
      }),
      amount,
      cite,
    ]);
    if (rate.isZero() && looked.decision) notes.push(['engine.note.paysNothing', { label: rule.label ?? rule.fund, decision: looked.decision }]);
    rate = times(rate, factor);
  } else if (rule.bands) {
    const bands = rule.bands;
    const brackets = adjustBrackets(input, rule.fund, lookedUpBrackets(facts, bands.brackets, bands.cite ?? rule.cite), steps);
    if (bands.over === 'stay') {
      const measured = bands.basis === 'above-deductible' ? less(eligible, deductible) : eligible;
      const edges = bands.basis === 'relative-to-deductible' ? brackets.map((b) => scaled(b, deductible)) : brackets;
      const below = bands.basis === 'above-deductible' ? ZERO : deductible;
      amount = round2(times(less(marginalScale(edges, measured), marginalScale(edges, minMoney(below, measured))), factor));
      steps.push([
        main,
        zh('engine.bands.stay', { label: rule.label ? `${rule.label}：` : '', measured: formatMoney(measured), basis: word(bands.basis), factor: factorText }),
        amount,
        bands.cite ?? rule.cite,
      ]);
    } else {
      const before = book.before(bands.over);
      const after = book.current(bands.over);
      const edges = bands.basis === 'relative-to-deductible' ? brackets.map((b) => scaled(b, deductible)) : brackets;
      favour = roundedScale(edges, after);
      favourBefore = roundedScale(edges, before);
      amount = less(favour, favourBefore);
      if (!factorIsOne) amount = round2(amount.times(factor));
      steps.push([
        main,
        zh('engine.bands.ledger', {
          label: rule.label ? `${rule.label}：` : '',
          ledger: word(bands.over),
          before: formatMoney(before),
          after: formatMoney(after),
          factor: factorText,
        }),
        amount,
        bands.cite ?? rule.cite,
      ]);
    }
  } else if (rule.lumpSum) {
    if (facts.request.delivery === undefined || facts.request.delivery === null) {
      /* a lump sum keyed by delivery needs it; the visit type says so with requiresDelivery */
    }
    const lump = lookup(facts, rule.lumpSum.amount, rule.cite);
    amount = rule.lumpSum.mode === 'actual-if-lower' ? minMoney(lump.value, base) : lump.value;
    cite = rule.cite;
    steps.push([
      main,
      zh('engine.lumpSum', {
        delivery: facts.request.delivery ? word(facts.request.delivery) : '',
        amount: formatMoney(lump.value),
        ifLower: rule.lumpSum.mode === 'actual-if-lower' ? zh('engine.lumpSum.ifLower') : '',
      }),
      amount,
      rule.cite,
    ]);
  } else if (rule.perDiem) {
    const days = Math.max(1, dayNumber(facts.request.dischargeDate) - dayNumber(facts.request.admissionDate));
    amount = ZERO;
    for (const band of rule.perDiem.bands) {
      const last = band.toDay === null ? days : Math.min(days, band.toDay);
      const inBand = last - band.fromDay + 1;
      if (inBand <= 0) continue;
      if (band.perDay) amount = amount.plus(band.perDay.times(inBand));
      else if (band.rate) amount = amount.plus(eligible.minus(deductible).times(inBand).dividedBy(days).times(band.rate));
    }
    amount = round2(times(amount, factor));
    steps.push([main, zh('engine.perDiem', { days, factor: factorText }), amount, rule.cite]);
  } else if (rule.package) {
    const cycleDays = rule.package.cycleDays;
    // One package per settlement cycle of at most cycleDays bed-days (楚雄: 每个结算周期不超过56天).
    const cycles = cycleDays === undefined ? 1 : Math.ceil(Math.max(1, dayNumber(facts.request.dischargeDate) - dayNumber(facts.request.admissionDate)) / cycleDays);
    const price = lookup(facts, rule.package.price, rule.cite).value.times(cycles);
    const within = minMoney(base, price);
    amount = round2(within.times(ONE.minus(rule.package.patientShare)).times(factor));
    if (rule.package.excess === 'hospital' && base.gt(price)) hospitalBorne = base.minus(price);
    steps.push([
      main,
      zh('engine.package', {
        price: formatMoney(price),
        share: rule.package.patientShare.toString(),
        excess: hospitalBorne.gt(0) ? zh('engine.package.excess', { amount: formatMoney(hospitalBorne) }) : '',
      }),
      amount,
      rule.cite,
    ]);
  } else if (rule.perVisitFee) {
    const fee = lookup(facts, rule.perVisitFee.amount, rule.cite).value;
    const dayLedger = rule.perVisitFee.oncePerDayLedger;
    const already = dayLedger ? book.current(dayLedger).gt(0) : false;
    amount = already ? ZERO : minMoney(fee, base);
    if (dayLedger && !already) book.add(dayLedger, ONE);
    steps.push([main, already ? zh('engine.perVisitFee.paid') : zh('engine.perVisitFee', { fee: formatMoney(fee) }), amount, rule.cite]);
  } else {
    amount = ZERO;
  }

  if (rule.topUpTo !== undefined) {
    const topUp = minMoney(lookup(facts, rule.topUpTo, rule.cite).value, base);
    if (amount.lt(topUp)) {
      amount = topUp;
      steps.push([subStep(rule, 'top-up'), zh('engine.topUp', { amount: formatMoney(topUp) }), amount, rule.cite]);
    }
  }
  if (rule.floor) {
    const floor = round2(eligible.times(lookup(facts, rule.floor.share, rule.floor.cite ?? rule.cite).value));
    if (amount.lt(floor)) {
      amount = floor;
      steps.push([subStep(rule, 'floor'), zh('engine.floor', { amount: formatMoney(floor) }), amount, rule.floor.cite ?? rule.cite]);
    }
  }

  for (const cap of rule.caps) {
    let limit = adjust(input, rule.fund, 'cap', lookup(facts, cap.amount, cap.cite ?? rule.cite).value, steps);
    if (limit === null) continue;
    if (favour !== null && cap.per === 'year') favour = minMoney(favour, limit);
    if (favourBefore !== null && cap.per === 'year') favourBefore = minMoney(favourBefore, limit);
    if (cap.perExtraDisease) limit = limit.plus(cap.perExtraDisease.times(Math.max(0, facts.enrollee.specialDiseases.length - 1)));
    if (cap.atMost) limit = minMoney(limit, cap.atMost);
    if (cap.carryOver) {
      const carried = carriedInto(facts, cap, input.previousYear ?? null, facts.policy.benefitYear, cap.cite ?? rule.cite);
      if (carried.text !== null) steps.push([subStep(rule, 'carry-over'), carried.text, carried.amount, carried.cite]);
      limit = limit.plus(carried.amount);
    }
    const suffix = cap.perDiseaseGroup ? `:${facts.request.diseaseGroup ?? 'none'}` : '';
    const room = cap.per === 'visit' || !cap.ledger ? limit : headroom(limit, book.current(cap.ledger, suffix));
    if (compareMoney(amount, room) > 0) {
      amount = room;
      const ledgerText = cap.ledger ? zh('engine.cap.before', { amount: formatMoney(book.current(cap.ledger, suffix)) }) : '';
      steps.push([
        rule.step ? subStep(rule, 'cap') : 'fund-cap',
        zh('engine.cap', { label: rule.label ?? rule.fund, limit: formatMoney(limit), per: word(cap.per), before: ledgerText }),
        amount,
        cap.cite ?? rule.cite,
      ]);
    }
    if (cap.perDiseaseGroup && cap.ledger) book.add(cap.ledger, amount, suffix);
  }

  const computed = finish(base0, residual, amount, steps, notes, rate, cite, hospitalBorne);
  if (favour !== null) computed.favour = favour;
  if (favourBefore !== null) computed.favourBefore = favourBefore;
  computed.records.eligible = eligible;
  computed.records.deductible = deductible;
  if (rule.deductible) computed.deductible = deductible;
  return computed;
}

/**
 * Under the most favourable of several year-to-date scales the year pays the
 * best one's value whatever the split: a settlement pays at most that value
 * after it less the most any option was worth before it. The chosen option's
 * own increment is more when the choice moved between options (a rounding
 * would be paid twice).
 */
function payTheYearsBest(chosen: { rule: PaymentRule; computed: Computed }, entitledBefore: Money): void {
  const { rule, computed } = chosen;
  // Only when another option was worth more before: otherwise the option's own increment (and its cap's room) stands.
  if (computed.favourBefore === undefined || !entitledBefore.gt(computed.favourBefore)) return;
  const most = maxMoney(ZERO, computed.favour.minus(entitledBefore));
  if (!computed.amount.gt(most)) return;
  computed.steps.push([
    subStep(rule, 'year-best'),
    zh('engine.favourable.yearBest', { label: rule.label ? `${rule.label}：` : '', after: formatMoney(computed.favour), before: formatMoney(entitledBefore) }),
    most,
    rule.cite,
  ]);
  computed.amount = most;
}

/** What a layer adds to a ledger it records into (computed only when one does). */
function recordValue(computed: Computed, kind: 'payment' | 'residual' | 'remaining' | 'eligible' | 'deductible'): Money {
  const payment = computed.amount;
  switch (kind) {
    case 'payment':
      return payment;
    case 'residual':
      return payment.isZero() ? computed.records.base : computed.records.base.minus(payment);
    case 'remaining':
      return maxMoney(ZERO, computed.records.residual.minus(payment));
    case 'eligible':
      return computed.records.eligible;
    case 'deductible':
      return computed.records.deductible;
  }
}

/** The name of a layer's sub-step: bare for the primary layer ("deductible"), under the layer's step otherwise. */
function subStep(rule: PaymentRule, name: string): string {
  return rule.step ? `${rule.step}/${name}` : name;
}

/** No layer pays less than 0 or more than its base. */
function finish(
  base0: Money,
  residualIn: Money,
  amount: Money,
  steps: Computed['steps'],
  notes: Computed['notes'],
  rate: Money | null,
  cite: string,
  hospitalBorne: Money,
): Computed {
  const payment = minMoney(maxMoney(ZERO, amount), base0);
  return { amount: payment, rate, cite, records: { base: base0, residual: residualIn, eligible: base0, deductible: ZERO }, steps, notes, hospitalBorne, favour: payment };
}

function scaled(bracket: Bracket, deductible: Money): Bracket {
  return { ...bracket, from: bracket.from.times(deductible), to: bracket.to === null ? null : bracket.to.times(deductible) };
}

/** Each band's rate, looked up where the file names a table (one table per band, keyed by level …). */
function lookedUpBrackets(facts: Facts, brackets: readonly BracketSpec[], cite: string): readonly Bracket[] {
  return brackets.map((b) => {
    if (b.rate instanceof Decimal) return { ...b, rate: b.rate };
    const looked = lookup(facts, b.rate, b.cite ?? cite);
    return { ...b, rate: looked.value, cite: b.cite ?? looked.cite };
  });
}

function adjustBrackets(input: PipelineInput, fund: Fund, brackets: readonly Bracket[], steps: Computed['steps']): readonly Bracket[] {
  if (!hasAdjustments(input, fund, 'bands')) return brackets;
  return brackets.map((b) => ({ ...b, rate: adjust(input, fund, 'bands', b.rate, steps) ?? ZERO }));
}
