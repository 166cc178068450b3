import { describe, expect, it } from 'vitest';
import { checkModuleShape, SUBGRAPHS } from './module-shape.js';

describe('the module shape (docs/architecture.md)', () => {
  for (const subgraph of SUBGRAPHS) {
    it(`${subgraph} follows it: wiring at the top, areas under modules/, no upward imports, no cycles`, () => {
      expect(checkModuleShape(subgraph)).toEqual([]);
    });
  }
});
