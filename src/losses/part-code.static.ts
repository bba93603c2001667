/**
 * ./part-code.ts for the script-tag build (dist/fastloss.iife.js, one file): the parts' code imported statically,
 * the same PART_CODE.
 */

import type { LazyPart } from '../lazy-parts.js';
import type { PartCode } from './part-code.js';
import { MARGIN_CODE } from './margin.part.js';
import { COSINE_CODE } from './cosine.part.js';
import { CTC_CODE } from './ctc.part.js';
import { FOCAL_CODE } from './focal.part.js';
import { OVERLAP_CODE } from './overlap.part.js';
import { GAUSSIAN_CODE } from './gaussian.part.js';

export const PART_CODE: Readonly<Record<LazyPart, () => Promise<PartCode>>> = {
  margin: () => Promise.resolve(MARGIN_CODE),
  cosine: () => Promise.resolve(COSINE_CODE),
  ctc: () => Promise.resolve(CTC_CODE),
  focal: () => Promise.resolve(FOCAL_CODE),
  overlap: () => Promise.resolve(OVERLAP_CODE),
  gaussian: () => Promise.resolve(GAUSSIAN_CODE),
};
