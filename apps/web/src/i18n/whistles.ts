/**
 * The whistles section of the messages (zh-CN first, then English with the same shape). Kept in its own
 * file so it can grow without touching the main locale files.
 */
export const whistlesZh = {
  title: '吹哨报到',
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const whistlesEn: Widen<typeof whistlesZh> = {
  title: 'Whistles and check-ins',
};
