/** Messages shared by every face. */
import type { MessageEntry } from './index.js';

export const commonMessages = {
  'common.internal': { zh: '服务内部错误，请稍后重试', en: 'internal error' },
} as const satisfies Record<string, MessageEntry>;
