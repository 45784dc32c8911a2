/** The registry import (npm run import): its report and its refusals, read by the insurer's or hospital's operator. */
import type { MessageEntry } from './index.js';

export const importMessages = {
  'import.report.header': { zh: '行号,卡号或编码,字段,列,错误值,原因', en: 'line,key,field,column,value,reason' },
  'import.row.cells': { zh: '本行有 {found} 个单元格，表头有 {width} 个（逗号或引号是否多了或少了？）', en: 'expected {width} cells as in the header, found {found}' },
  'import.notUtf8': {
    zh: '文件 {file} 不是 UTF-8 编码（第 {offset} 字节起无法按 UTF-8 读取），多半是 Excel 或 HIS 导出的 GBK/GB18030 文件：请加参数 --encoding gb18030 重新导入',
    en: '{file} is not UTF-8 (bytes from offset {offset} are not valid UTF-8); a GBK/GB18030 export? Run again with --encoding gb18030',
  },
  'import.header': { zh: '表头有误：{reason}', en: 'the header row: {reason}' },
  'import.header.missing': { zh: '缺少必需的列：{columns}', en: 'no column for {columns}' },
  'import.header.twice': { zh: '“{first}”和“{second}”两列都对应 {field}', en: 'columns "{first}" and "{second}" both name {field}' },
  'import.header.coverage': { zh: '缺少参保期间列：需要“参保期间”列，或同时有“参保开始”和“参保结束”两列', en: 'no column for coverage' },
  'import.enrolleeUnknown': { zh: '没有卡号为 {card} 的参保人，请先导入参保人', en: 'no enrollee with card {card}' },
} as const satisfies Record<string, MessageEntry>;
