/**
 * The API's refusals as people read them: `errors.code.<CODE>` is the sentence
 * a clerk or HIS operator sees in `message` (the English stays the service's
 * own, more technical message); `errors.label.<CODE>` is the short label the
 * desk shows beside the code.
 */
import type { MessageEntry } from './index.js';

export const errorMessages = {
  'errors.code.VALIDATION_FAILED': { zh: '请求内容有误，请按下列字段修改后重新提交：{fields}', en: 'invalid request: {fields}' },
  'errors.code.UNAUTHENTICATED': { zh: '未提供接口密钥或密钥无效，请重新登录', en: 'no key, or an unknown key' },
  'errors.code.FORBIDDEN': { zh: '当前密钥无权进行此操作（角色、医院或统筹地区不符）', en: 'the key acts outside its role or scope' },
  'errors.code.NOT_FOUND': { zh: '未找到所查询的记录', en: 'no such record' },
  'errors.code.ENROLLEE_NOT_FOUND': { zh: '未找到该社会保障卡号的参保人', en: 'no enrollee with this card' },
  'errors.code.ARCHIVED': { zh: '该记录所属年度已结转归档（{archive}），请到归档库查询', en: 'archived in {archive}' },
  'errors.code.IDEMPOTENCY_CONFLICT': { zh: '该结算流水号已用于另一笔内容不同的结算，请新建结算', en: 'this requestId was used with another body' },
  'errors.code.ALREADY_REVERSED': { zh: '该笔结算已撤销，不能再次撤销', en: 'already reversed' },
  'errors.code.PAYLOAD_TOO_LARGE': { zh: '提交的内容过大，请分批提交', en: 'the body is larger than the limit' },
  'errors.code.HOSPITAL_NOT_FOUND': { zh: '医院未在医院登记库中登记，不能结算或备案', en: 'the hospital is not in the registry' },
  'errors.code.NO_POLICY': { zh: '参保地该年度没有适用的待遇政策，不能结算', en: 'no policy covers the benefit year' },
  'errors.code.NOT_COVERED': { zh: '不在参保期内或本次费用不属于医保支付范围', en: 'outside coverage' },
  'errors.code.VISIT_TYPE_NOT_COVERED': { zh: '参保地政策不结算此类就诊', en: 'the policy does not settle this visit type' },
  'errors.code.SPECIAL_DISEASE_NOT_APPROVED': { zh: '参保人未核准该门诊特殊病种，或病种名称有误', en: 'the special disease is not approved for the person' },
  'errors.code.REFERRAL_REQUIRED': { zh: '异地就医须先办理转诊或异地就医备案（备案有效期须覆盖住院日期）', en: 'an out-of-area stay needs an active referral filing' },
  'errors.code.CROSS_YEAR_SPLIT_REQUIRED': { zh: '跨年度住院须在年度交界处分段结算', en: 'the stay must be split at the year boundary' },
  'errors.code.CONSORTIUM_TRANSFER_UNMATCHED': { zh: '医联体内转院未找到前次住院记录', en: 'no earlier stay in the consortium to continue' },
  'errors.code.STAY_OVERLAPS': {
    zh: '该参保人同期已有一次住院结算（同一人同一时间只能在一家医院住院），见明细中的结算号；如前次结算有误，请先撤销',
    en: 'the stay overlaps a settled stay of the same person',
  },
  'errors.code.LIMIT_REACHED': { zh: '超出每人可办理的数量上限，请先撤销不再需要的备案', en: 'a per-person bound would be exceeded' },
  'errors.code.CATALOGUE_CODE_UNKNOWN': { zh: '费用明细中有医保编码不在政策目录中（见各行说明）', en: 'a fee line names an unknown code' },
  'errors.code.RATE_LIMITED': { zh: '请求过于频繁，请稍后再试', en: 'too many requests' },
  'errors.code.INTERNAL': { zh: '服务内部错误，请稍后重试；如反复出现请联系信息科', en: 'internal error' },
  'errors.code.UNAVAILABLE': { zh: '服务暂不可用，本次未记账；请稍后以同一结算流水号重试', en: 'storage or the enrollment system is unavailable' },
  'errors.code.OVERLOADED': { zh: '服务繁忙，本次未记账；请稍后以同一结算流水号重试', en: 'this process is too busy' },

  'errors.label.VALIDATION_FAILED': { zh: '输入有误', en: 'invalid input' },
  'errors.label.UNAUTHENTICATED': { zh: '密钥无效', en: 'unauthenticated' },
  'errors.label.FORBIDDEN': { zh: '无权操作', en: 'forbidden' },
  'errors.label.NOT_FOUND': { zh: '未找到', en: 'not found' },
  'errors.label.ENROLLEE_NOT_FOUND': { zh: '未找到参保人', en: 'enrollee not found' },
  'errors.label.ARCHIVED': { zh: '已归档', en: 'archived' },
  'errors.label.IDEMPOTENCY_CONFLICT': { zh: '结算流水号已用于另一笔结算', en: 'requestId conflict' },
  'errors.label.ALREADY_REVERSED': { zh: '已撤销', en: 'already reversed' },
  'errors.label.PAYLOAD_TOO_LARGE': { zh: '内容过大', en: 'too large' },
  'errors.label.HOSPITAL_NOT_FOUND': { zh: '未登记的医院', en: 'hospital not found' },
  'errors.label.NO_POLICY': { zh: '无适用政策', en: 'no policy' },
  'errors.label.NOT_COVERED': { zh: '不在参保期内或不予支付', en: 'not covered' },
  'errors.label.VISIT_TYPE_NOT_COVERED': { zh: '该类就诊不予结算', en: 'visit type not covered' },
  'errors.label.SPECIAL_DISEASE_NOT_APPROVED': { zh: '未核准该特殊病种', en: 'special disease not approved' },
  'errors.label.REFERRAL_REQUIRED': { zh: '异地未备案', en: 'referral required' },
  'errors.label.CROSS_YEAR_SPLIT_REQUIRED': { zh: '跨年度住院须分段结算', en: 'cross-year split required' },
  'errors.label.CONSORTIUM_TRANSFER_UNMATCHED': { zh: '医联体转诊未找到前次住院', en: 'consortium transfer unmatched' },
  'errors.label.CATALOGUE_CODE_UNKNOWN': { zh: '目录编码不存在', en: 'catalogue code unknown' },
  'errors.label.STAY_OVERLAPS': { zh: '住院时间重叠', en: 'overlapping stay' },
  'errors.label.LIMIT_REACHED': { zh: '超出数量上限', en: 'limit reached' },
  'errors.label.RATE_LIMITED': { zh: '请求过于频繁', en: 'rate limited' },
  'errors.label.OVERLOADED': { zh: '服务繁忙', en: 'overloaded' },
  'errors.label.UNAVAILABLE': { zh: '服务暂不可用', en: 'unavailable' },
  'errors.label.INTERNAL': { zh: '服务内部错误', en: 'internal error' },

  // Refusals that name what they refuse.
  'errors.referral.hospitalUnknown': {
    zh: '转入医院 {hospitalId} 未在医院登记库中登记，不能备案；请从登记库中选择医院',
    en: 'the receiving hospital {hospitalId} is not in the registry',
  },
  'errors.referral.hospitalUnknownDetail': { zh: '医院登记库中没有 {hospitalId}', en: '{hospitalId} is not in the registry' },
  'errors.replication.unconfirmed': {
    zh: '结果未知：请求已写入但未获备份确认，请以同一结算流水号重试查询结果',
    en: 'the result is unknown until a retry with the same requestId answers it',
  },

  // Framework-level refusals (before any route runs).
  'errors.body.notJson': { zh: '提交的内容不是有效的 JSON', en: 'the body is not valid JSON' },
  'errors.body.tooLarge': { zh: '提交的内容超过大小上限', en: 'the body is larger than the limit' },
  'errors.body.unreadable': { zh: '提交的内容无法读取', en: 'the body cannot be read' },
  'errors.body.undecodable': { zh: '提交的内容无法解码（请检查 Content-Encoding）', en: 'the body cannot be decoded' },
  'errors.path.undecodable': { zh: '地址中有无法解码的字符', en: 'the path cannot be decoded' },
  'errors.noEndpoint': { zh: '没有这个接口地址', en: 'no such endpoint' },
  'errors.detail.invalid': { zh: '此项不符合要求（{label}）', en: '{label}' },
} as const satisfies Record<string, MessageEntry>;
