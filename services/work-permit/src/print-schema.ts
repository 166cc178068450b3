import 'reflect-metadata';
import { printSubgraphSchema } from '@apollo/subgraph';
import { workPermitSubgraph } from './subgraph.js';

process.stdout.write(printSubgraphSchema(await workPermitSubgraph.buildSchema()));
