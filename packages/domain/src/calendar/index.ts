export * from './cn-holidays.ts';
export * from './business-calendar.ts';
export * from './sla.ts';
