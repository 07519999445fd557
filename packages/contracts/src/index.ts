export * from './common.ts';
export * from './auth.ts';
export * from './territories.ts';
export * from './units.ts';
export * from './users.ts';
export * from './audit.ts';
