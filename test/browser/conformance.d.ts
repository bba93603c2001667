import type { FastLoss } from '../../src/index.js';

export type ConformanceRecord = { id: string; values: number[] } | { id: string; error: string };

export function runFixture(fl: FastLoss, fixture: unknown): { records: ConformanceRecord[] } | { skipped: string };
