/**
 * The State Council's (国务院办公厅) public-holiday arrangements for 2020–2026, as shipped data.
 * Invariants: each year names the notice(s) it comes from (title, document number, gov.cn address);
 * a block is one festival's run of days off, weekend days inside it included, and its length equals
 * the number of days the notice announces ("共N天"); the weekend days made working days (调休上班)
 * are listed with the festival they serve. No date is both a day off and a working day. A block may
 * start in the previous calendar year (2023's New Year's Day began on 2022-12-31). Later years are
 * not guessed: an admin enters them from the next notice (calendar_days), see docs/operations/calendar.md.
 */

/** A State Council notice a year's arrangement comes from. */
export interface HolidayNotice {
  /** The notice's title, e.g. 国务院办公厅关于2026年部分节假日安排的通知. */
  title: string;
  /** The document number, e.g. 国办发明电〔2025〕7号. */
  number: string;
  /** The date the notice was issued (YYYY-MM-DD). */
  issued: string;
  /** The notice on www.gov.cn. */
  url: string;
}

/** One festival's days off and the weekend days worked in exchange. */
export interface HolidayBlock {
  /** The festival as the notice names it; merged festivals keep the notice's wording (国庆节、中秋节). */
  name: string;
  /** First day off (YYYY-MM-DD), inclusive. */
  from: string;
  /** Last day off (YYYY-MM-DD), inclusive. */
  to: string;
  /** The number of days off the notice announces for this block. */
  announcedDays: number;
  /** Weekend days that are working days because of this festival (调休上班). */
  makeupWorkdays: readonly string[];
}

/** One year's arrangement. */
export interface HolidayYear {
  year: number;
  notices: readonly HolidayNotice[];
  blocks: readonly HolidayBlock[];
}

const block = (
  name: string,
  from: string,
  to: string,
  announcedDays: number,
  makeupWorkdays: readonly string[] = [],
): HolidayBlock => ({ name, from, to, announcedDays, makeupWorkdays });

/** The shipped arrangements, one entry per year, oldest first. */
export const CN_HOLIDAYS: readonly HolidayYear[] = [
  {
    year: 2020,
    notices: [
      {
        title: '国务院办公厅关于2020年部分节假日安排的通知',
        number: '国办发明电〔2019〕16号',
        issued: '2019-11-21',
        url: 'http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm',
      },
      {
        title: '国务院办公厅关于延长2020年春节假期的通知',
        number: '国办发明电〔2020〕1号',
        issued: '2020-01-26',
        url: 'http://www.gov.cn/zhengce/content/2020-01/27/content_5472352.htm',
      },
    ],
    blocks: [
      block('元旦', '2020-01-01', '2020-01-01', 1),
      // 1.24–1.30 (7 days) extended to 2.2 by 国办发明电〔2020〕1号: Saturday 2.1 was no longer worked.
      block('春节', '2020-01-24', '2020-02-02', 10, ['2020-01-19']),
      block('清明节', '2020-04-04', '2020-04-06', 3),
      block('劳动节', '2020-05-01', '2020-05-05', 5, ['2020-04-26', '2020-05-09']),
      block('端午节', '2020-06-25', '2020-06-27', 3, ['2020-06-28']),
      block('国庆节、中秋节', '2020-10-01', '2020-10-08', 8, ['2020-09-27', '2020-10-10']),
    ],
  },
  {
    year: 2021,
    notices: [
      {
        title: '国务院办公厅关于2021年部分节假日安排的通知',
        number: '国办发明电〔2020〕27号',
        issued: '2020-11-25',
        url: 'http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm',
      },
    ],
    blocks: [
      block('元旦', '2021-01-01', '2021-01-03', 3),
      block('春节', '2021-02-11', '2021-02-17', 7, ['2021-02-07', '2021-02-20']),
      block('清明节', '2021-04-03', '2021-04-05', 3),
      block('劳动节', '2021-05-01', '2021-05-05', 5, ['2021-04-25', '2021-05-08']),
      block('端午节', '2021-06-12', '2021-06-14', 3),
      block('中秋节', '2021-09-19', '2021-09-21', 3, ['2021-09-18']),
      block('国庆节', '2021-10-01', '2021-10-07', 7, ['2021-09-26', '2021-10-09']),
    ],
  },
  {
    year: 2022,
    notices: [
      {
        title: '国务院办公厅关于2022年部分节假日安排的通知',
        number: '国办发明电〔2021〕11号',
        issued: '2021-10-25',
        url: 'http://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm',
      },
    ],
    blocks: [
      block('元旦', '2022-01-01', '2022-01-03', 3),
      block('春节', '2022-01-31', '2022-02-06', 7, ['2022-01-29', '2022-01-30']),
      block('清明节', '2022-04-03', '2022-04-05', 3, ['2022-04-02']),
      block('劳动节', '2022-04-30', '2022-05-04', 5, ['2022-04-24', '2022-05-07']),
      block('端午节', '2022-06-03', '2022-06-05', 3),
      block('中秋节', '2022-09-10', '2022-09-12', 3),
      block('国庆节', '2022-10-01', '2022-10-07', 7, ['2022-10-08', '2022-10-09']),
    ],
  },
  {
    year: 2023,
    notices: [
      {
        title: '国务院办公厅关于2023年部分节假日安排的通知',
        number: '国办发明电〔2022〕16号',
        issued: '2022-12-08',
        url: 'http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm',
      },
    ],
    blocks: [
      block('元旦', '2022-12-31', '2023-01-02', 3),
      block('春节', '2023-01-21', '2023-01-27', 7, ['2023-01-28', '2023-01-29']),
      block('清明节', '2023-04-05', '2023-04-05', 1),
      block('劳动节', '2023-04-29', '2023-05-03', 5, ['2023-04-23', '2023-05-06']),
      block('端午节', '2023-06-22', '2023-06-24', 3, ['2023-06-25']),
      block('中秋节、国庆节', '2023-09-29', '2023-10-06', 8, ['2023-10-07', '2023-10-08']),
    ],
  },
  {
    year: 2024,
    notices: [
      {
        title: '国务院办公厅关于2024年部分节假日安排的通知',
        number: '国办发明电〔2023〕7号',
        issued: '2023-10-25',
        url: 'https://www.gov.cn/zhengce/content/202310/content_6911527.htm',
      },
    ],
    blocks: [
      // "1月1日放假，与周末连休": one day off next to an ordinary weekend.
      block('元旦', '2024-01-01', '2024-01-01', 1),
      // New Year's Eve (2.9) was only recommended as paid leave, not a day off.
      block('春节', '2024-02-10', '2024-02-17', 8, ['2024-02-04', '2024-02-18']),
      block('清明节', '2024-04-04', '2024-04-06', 3, ['2024-04-07']),
      block('劳动节', '2024-05-01', '2024-05-05', 5, ['2024-04-28', '2024-05-11']),
      block('端午节', '2024-06-10', '2024-06-10', 1),
      block('中秋节', '2024-09-15', '2024-09-17', 3, ['2024-09-14']),
      block('国庆节', '2024-10-01', '2024-10-07', 7, ['2024-09-29', '2024-10-12']),
    ],
  },
  {
    // From 2025 the Spring Festival and Labour Day each have one more statutory day (国务院令第795号).
    year: 2025,
    notices: [
      {
        title: '国务院办公厅关于2025年部分节假日安排的通知',
        number: '国办发明电〔2024〕12号',
        issued: '2024-11-12',
        url: 'https://www.gov.cn/zhengce/content/202411/content_6986382.htm',
      },
    ],
    blocks: [
      block('元旦', '2025-01-01', '2025-01-01', 1),
      block('春节', '2025-01-28', '2025-02-04', 8, ['2025-01-26', '2025-02-08']),
      block('清明节', '2025-04-04', '2025-04-06', 3),
      block('劳动节', '2025-05-01', '2025-05-05', 5, ['2025-04-27']),
      block('端午节', '2025-05-31', '2025-06-02', 3),
      block('国庆节、中秋节', '2025-10-01', '2025-10-08', 8, ['2025-09-28', '2025-10-11']),
    ],
  },
  {
    year: 2026,
    notices: [
      {
        title: '国务院办公厅关于2026年部分节假日安排的通知',
        number: '国办发明电〔2025〕7号',
        issued: '2025-11-04',
        url: 'https://www.gov.cn/zhengce/content/202511/content_7047090.htm',
      },
    ],
    blocks: [
      block('元旦', '2026-01-01', '2026-01-03', 3, ['2026-01-04']),
      block('春节', '2026-02-15', '2026-02-23', 9, ['2026-02-14', '2026-02-28']),
      block('清明节', '2026-04-04', '2026-04-06', 3),
      block('劳动节', '2026-05-01', '2026-05-05', 5, ['2026-05-09']),
      block('端午节', '2026-06-19', '2026-06-21', 3),
      block('中秋节', '2026-09-25', '2026-09-27', 3),
      block('国庆节', '2026-10-01', '2026-10-07', 7, ['2026-09-20', '2026-10-10']),
    ],
  },
];

/** Describes a year's notices in one line: title, number and address of each. */
export function describeNotices(notices: readonly HolidayNotice[]): string {
  return notices.map((n) => `${n.title}（${n.number}）${n.url}`).join('；');
}
