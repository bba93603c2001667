/**
 * The relaxed build runs in every suite that takes IMPLEMENTATIONS, on Node 20 too: Node 22+ run relaxed SIMD
 * without a flag, Node 20 (V8 11.3) has it behind --experimental-wasm-relaxed-simd, which is set here, for the
 * tests only (a library never sets an engine's flags: on Node 20, loadLosses() picks the simd build).
 */

import { setFlagsFromString } from 'node:v8';
import { relaxedSimdSupported } from '../src/wasm.js';

if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');
