import type { Suite } from '../lib/types.ts';
import { appealsSuite } from './appeals.ts';
import { dbSuite } from './db.ts';
import { httpSuite } from './http.ts';
import { routingSuite } from './routing.ts';
import { startupSuite } from './startup.ts';

/** Every benchmark module, in the order `npm run bench` runs them. Add new suites here. */
export const SUITES: Suite[] = [startupSuite, httpSuite, dbSuite, routingSuite, appealsSuite];
