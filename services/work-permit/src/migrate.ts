import 'reflect-metadata';
import { runMigrations } from '@onestop/common';
import { workPermitSubgraph } from './subgraph.js';

/** One-shot: applies pending migrations and exits (the containers' migration job). */
runMigrations(workPermitSubgraph);
