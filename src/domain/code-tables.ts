/**
 * National code tables of the healthcare-security platform (docs/spec/national-platform.md §4)
 * that the native model reports too. One module: a province with other codes changes a table here.
 */
import type { VisitType } from './types.js';

/** insutype: 390 城乡居民基本医疗保险, the only insurance this service settles. */
export const INSUTYPE_RESIDENT = '390';

/** clr_type: 11 门诊 (outpatient clearing), 21 住院 (stays). */
export const CLR_TYPE: Record<VisitType, '11' | '21'> = {
  inpatient: '21',
  childbirth: '21',
  'emergency-death': '21',
  'special-outpatient': '11',
  outpatient: '11',
};
