export * from './roles.ts';
export * from './territory.ts';
export * from './access.ts';
export * from './masking.ts';
export * from './errors.ts';
