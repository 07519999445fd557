/**
 * The stewards section of the messages (zh-CN first, then English with the same shape). Kept in its own
 * file so it can grow without touching the main locale files.
 */
export const stewardsZh = {
  title: '街巷长制',
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const stewardsEn: Widen<typeof stewardsZh> = {
  title: 'Steward chain',
};
