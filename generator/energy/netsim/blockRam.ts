/**
 * Block models of the UltraScale+ RAMB18E2 and RAMB36E2 block RAMs: cycle-for-cycle ports of
 * potgen's Verilog models testbench/cells/RAMB18E2.v and RAMB36E2.v (both written by
 * scripts/bram-models.js, whose template is the statement of the semantics), checked against them
 * under Icarus by test/netsimBlockRam.slow.test.ts. Same supported subset: what the Verilog model
 * stops on with $fatal at time 0 throws NetsimError here from the factory, what it stops on at a
 * clock edge throws from `sample`.
 *
 * Both ports are clocked by the single design clock: every simulator edge is a rising edge of
 * CLKARDCLK and of CLKBWRCLK (an inverted clock would be a falling edge, so it is refused).
 * Every output comes from the output latch or the output register, so none is combinational.
 *
 * Memory is one 9-bit word {parity, byte} per byte, as in the Verilog model; a port of width w < 9
 * reaches bits [w*i +: w] of the byte stream (parity bits untouched), a port of 9·n bits reaches
 * n consecutive bytes.
 */
import type { BlockModel, BlockModelFactory } from './blockModel.ts';
import { NetsimError, paramBits, paramNumber, paramString } from './blockModel.ts';

/** What differs between the two primitives (the arguments of scripts/bram-models.js's model()). */
interface Geometry {
  readonly name: string;
  /** Bytes of memory (each with its parity bit). */
  readonly nb: number;
  /** Data / parity bits of one port's pins. */
  readonly dw: number;
  readonly pw: number;
  /** Width of WEA (WEBWE is wider, but only its low WAW bits serve a true-dual-port write). */
  readonly waw: number;
  /** Widest true-dual-port width, also the width of INIT_A/B and SRVAL_A/B. */
  readonly tdpMax: number;
  /** The simple-dual-port width (READ_WIDTH_A / WRITE_WIDTH_B only). */
  readonly sdpw: number;
  readonly ninit: number;
  readonly ninitp: number;
  readonly ecc: boolean;
}

const RAMB18E2: Geometry = { name: 'RAMB18E2', nb: 2048, dw: 16, pw: 2, waw: 2, tdpMax: 18, sdpw: 36, ninit: 64, ninitp: 8, ecc: false };
const RAMB36E2: Geometry = { name: 'RAMB36E2', nb: 4096, dw: 32, pw: 4, waw: 4, tdpMax: 36, sdpw: 72, ninit: 128, ninitp: 16, ecc: true };

const hex2 = (i: number): string => i.toString(16).toUpperCase().padStart(2, '0');

/** The address shift of a width: the word index is the address without its low log2(data bits) bits. */
function shift(w: number): number {
  switch (w) {
    case 0:
    case 1:
      return 0;
    case 2:
      return 1;
    case 4:
      return 2;
    case 9:
      return 3;
    case 18:
      return 4;
    case 36:
      return 5;
    default:
      return 6;
  }
}

const enum WriteMode {
  ReadFirst,
  WriteFirst,
  NoChange,
}

// Slots of the output latches and registers (current and next state), per port.
// Port A's "hi" half carries the upper data of a simple-dual-port read (on DOUTBDOUT/DOUTPBDOUTP).
const LAT_D = 0; // + 2 * port
const LAT_P = 1;
const REG_D = 4;
const REG_P = 5;
const LAT_HI_D = 8;
const LAT_HI_P = 9;
const REG_HI_D = 10;
const REG_HI_P = 11;
const SLOTS = 12;

/** The pins and configuration of one port. */
interface Port {
  readonly x: 'A' | 'B';
  readonly en: string;
  readonly rstram: string;
  readonly rstreg: string;
  readonly regce: string;
  readonly addr: string;
  readonly we: string;
  readonly din: string;
  readonly dinp: string;
  readonly casdimux: string;
  readonly casdomux: string;
  readonly casoregimux: string;
  readonly invEn: number;
  readonly invRstram: number;
  readonly invRstreg: number;
  readonly rw: number;
  readonly ww: number;
  /** Byte lanes of a read / write (0 / 1 below 9 bits). */
  readonly rl: number;
  readonly wl: number;
  readonly rsh: number;
  readonly wsh: number;
  readonly mode: WriteMode;
  readonly doReg: boolean;
  /** RSTREG_PRIORITY = "RSTREG": reset regardless of REGCE. */
  readonly rstregFirst: boolean;
  readonly srvalD: number;
  readonly srvalP: number;
}

function makeModel(g: Geometry, parameters: Readonly<Record<string, string>>, widths: Readonly<Record<string, number>>, where: string): BlockModel {
  const str = (name: string, fallback: string): string => paramString(parameters, name, fallback);
  const num = (name: string, fallback: number): number => paramNumber(parameters, name, fallback);
  const fail = (what: string): never => {
    throw new NetsimError(`${where}: ${g.name} model: ${what}`);
  };

  // ---- the time-0 checks of the Verilog model, in its order ----
  if (str('CASCADE_ORDER_A', 'NONE') !== 'NONE' || str('CASCADE_ORDER_B', 'NONE') !== 'NONE') fail('cascading (CASCADE_ORDER_A/B) is not supported');
  if (g.ecc) {
    for (const p of ['EN_ECC_PIPE', 'EN_ECC_READ', 'EN_ECC_WRITE']) if (str(p, 'FALSE') !== 'FALSE') fail(`ECC (${p}) is not supported`);
  }
  if (str('INIT_FILE', 'NONE') !== 'NONE') fail('INIT_FILE is not supported');
  if (str('ENADDRENA', 'FALSE') !== 'FALSE' || str('ENADDRENB', 'FALSE') !== 'FALSE') fail('ENADDRENA/B are not supported');
  if (str('RDADDRCHANGEA', 'FALSE') !== 'FALSE' || str('RDADDRCHANGEB', 'FALSE') !== 'FALSE') fail('RDADDRCHANGEA/B are not supported');
  const rwA = num('READ_WIDTH_A', 0);
  const rwB = num('READ_WIDTH_B', 0);
  const wwA = num('WRITE_WIDTH_A', 0);
  const wwB = num('WRITE_WIDTH_B', 0);
  const okWidth = (w: number, sdp: boolean): boolean => w === 0 || w === 1 || w === 2 || w === 4 || w === 9 || w === 18 || (g.tdpMax === 36 && w === 36) || (sdp && w === g.sdpw);
  if (!okWidth(rwA, true) || !okWidth(rwB, false) || !okWidth(wwA, false) || !okWidth(wwB, true))
    fail(`unsupported widths READ_WIDTH_A=${rwA} READ_WIDTH_B=${rwB} WRITE_WIDTH_A=${wwA} WRITE_WIDTH_B=${wwB}`);
  const sdpRd = rwA === g.sdpw;
  const sdpWr = wwB === g.sdpw;
  const doaReg = num('DOA_REG', 1);
  const dobReg = num('DOB_REG', 1);
  if (sdpRd && (rwB !== 0 || wwA !== 0 || doaReg !== dobReg)) fail(`READ_WIDTH_A=${g.sdpw} needs READ_WIDTH_B=0, WRITE_WIDTH_A=0 and DOA_REG=DOB_REG`);
  if (sdpWr && (wwA !== 0 || rwB !== 0)) fail(`WRITE_WIDTH_B=${g.sdpw} needs WRITE_WIDTH_A=0 and READ_WIDTH_B=0`);
  if (doaReg < 0 || doaReg > 1 || dobReg < 0 || dobReg > 1) fail(`unsupported DOA_REG/DOB_REG (${doaReg}, ${dobReg})`);
  const modeOf = (name: string): WriteMode => {
    const m = str(name, 'NO_CHANGE');
    if (m === 'READ_FIRST') return WriteMode.ReadFirst;
    if (m === 'WRITE_FIRST') return WriteMode.WriteFirst;
    if (m === 'NO_CHANGE') return WriteMode.NoChange;
    return fail(`unsupported ${name} "${m}"`);
  };
  const modeA = modeOf('WRITE_MODE_A');
  const modeB = modeOf('WRITE_MODE_B');
  if (modeA === WriteMode.WriteFirst && rwA !== 0 && wwA !== 0 && rwA !== wwA) fail('WRITE_FIRST with different read and write widths on one port is not supported (WRITE_MODE_A)');
  if (modeB === WriteMode.WriteFirst && rwB !== 0 && wwB !== 0 && rwB !== wwB) fail('WRITE_FIRST with different read and write widths on one port is not supported (WRITE_MODE_B)');
  const prioA = str('RSTREG_PRIORITY_A', 'RSTREG');
  const prioB = str('RSTREG_PRIORITY_B', 'RSTREG');
  if ((prioA !== 'RSTREG' && prioA !== 'REGCE') || (prioB !== 'RSTREG' && prioB !== 'REGCE')) fail('unsupported RSTREG_PRIORITY_A/B');
  // The Verilog model inverts the clock, which in one clock domain is a falling edge: not a netsim edge.
  if ((num('IS_CLKARDCLK_INVERTED', 0) & 1) !== 0) fail('IS_CLKARDCLK_INVERTED is not supported (one rising-edge clock)');
  if ((num('IS_CLKBWRCLK_INVERTED', 0) & 1) !== 0) fail('IS_CLKBWRCLK_INVERTED is not supported (one rising-edge clock)');

  // ---- contents: data byte i is INIT bits [8i+7:8i], its parity bit INITP bit i ----
  const mem = new Uint16Array(g.nb);
  for (let i = 0; i < g.ninit; i++) {
    const name = `INIT_${hex2(i)}`;
    if (parameters[name] === undefined) continue;
    const bits = paramBits(parameters, name, 256);
    for (let b = 0; b < 32; b++) {
      let v = 0;
      for (let k = 7; k >= 0; k--) v = (v << 1) | bits[8 * b + k]!;
      mem[32 * i + b] = v;
    }
  }
  for (let i = 0; i < g.ninitp; i++) {
    const name = `INITP_${hex2(i)}`;
    if (parameters[name] === undefined) continue;
    const bits = paramBits(parameters, name, 256);
    for (let b = 0; b < 256; b++) if (bits[b]) mem[256 * i + b]! |= 0x100;
  }

  /** {parity, data} of INIT_A/B, SRVAL_A/B (as on the pins). */
  const dataParity = (name: string): [number, number] => {
    const bits = paramBits(parameters, name, g.tdpMax);
    let d = 0;
    let p = 0;
    for (let k = g.dw - 1; k >= 0; k--) d = d * 2 + bits[k]!;
    for (let k = g.pw - 1; k >= 0; k--) p = p * 2 + bits[g.dw + k]!;
    return [d, p];
  };
  const [initAD, initAP] = dataParity('INIT_A');
  const [initBD, initBP] = dataParity('INIT_B');
  const [srvalAD, srvalAP] = dataParity('SRVAL_A');
  const [srvalBD, srvalBP] = dataParity('SRVAL_B');

  const port = (x: 'A' | 'B'): Port => {
    const isA = x === 'A';
    const rw = isA ? rwA : rwB;
    const ww = isA ? wwA : wwB;
    const inv = (pin: string): number => num(`IS_${pin}_INVERTED`, 0) & 1;
    const en = isA ? 'ENARDEN' : 'ENBWREN';
    const rstram = isA ? 'RSTRAMARSTRAM' : 'RSTRAMB';
    const rstreg = isA ? 'RSTREGARSTREG' : 'RSTREGB';
    return {
      x,
      en,
      rstram,
      rstreg,
      regce: isA ? 'REGCEAREGCE' : 'REGCEB',
      addr: isA ? 'ADDRARDADDR' : 'ADDRBWRADDR',
      we: isA ? 'WEA' : 'WEBWE',
      din: isA ? 'DINADIN' : 'DINBDIN',
      dinp: isA ? 'DINPADINP' : 'DINPBDINP',
      casdimux: `CASDIMUX${x}`,
      casdomux: `CASDOMUX${x}`,
      casoregimux: `CASOREGIMUX${x}`,
      invEn: inv(en),
      invRstram: inv(rstram),
      invRstreg: inv(rstreg),
      rw,
      ww,
      rl: Math.floor(rw / 9),
      wl: ww < 9 ? 1 : Math.floor(ww / 9),
      rsh: shift(rw),
      wsh: shift(ww),
      mode: isA ? modeA : modeB,
      doReg: (isA ? doaReg : dobReg) === 1,
      rstregFirst: (isA ? prioA : prioB) === 'RSTREG',
      srvalD: isA ? srvalAD : srvalBD,
      srvalP: isA ? srvalAP : srvalBP,
    };
  };
  const ports = [port('A'), port('B')] as const;

  const cur = new Float64Array(SLOTS);
  cur[LAT_D] = initAD;
  cur[LAT_P] = initAP;
  cur[REG_D] = initAD;
  cur[REG_P] = initAP;
  cur[LAT_D + 2] = initBD;
  cur[LAT_P + 2] = initBP;
  cur[REG_D + 2] = initBD;
  cur[REG_P + 2] = initBP;
  cur[LAT_HI_D] = initBD;
  cur[LAT_HI_P] = initBP;
  cur[REG_HI_D] = initBD;
  cur[REG_HI_P] = initBP;
  const nxt = new Float64Array(SLOTS);

  // Pending memory writes of this edge (at most 8 bytes per port), applied at commit so that every
  // read of the edge sees the old contents, as the Verilog model's non-blocking writes do.
  const pendAddr = new Int32Array(16);
  const pendVal = new Uint16Array(16);
  let pending = 0;
  // This edge's byte ranges written and read per port, for the collision checks ([lo, hi], empty when lo > hi).
  const wrLo = new Int32Array(2);
  const wrHi = new Int32Array(2);
  const rdLo = new Int32Array(2);
  const rdHi = new Int32Array(2);
  // The {parity, byte} a port's write puts in each of its lanes (for WRITE_FIRST reads).
  const laneVal = new Uint16Array(8);
  const bytesPerPin = g.dw / 8;
  const portFail = (p: Port, what: string): never => fail(`${what} (port ${p.x})`);

  /** One port's clock edge: the always block of the Verilog model's port, reading the pre-edge state. */
  const edge = (i: 0 | 1, read: (port: string) => number): void => {
    const p = ports[i];
    const isA = i === 0;
    if (read(p.casdimux) === 1 || read(p.casdomux) === 1 || read(p.casoregimux) === 1) portFail(p, 'cascade multiplexers are not supported');
    const en = read(p.en) ^ p.invEn;
    const rstram = read(p.rstram) ^ p.invRstram;
    if (rstram === 1 && en !== 1) portFail(p, `${p.rstram} without ${p.en} is not modelled`);
    // Output register: takes the latch value from before this edge.
    if (p.doReg) {
      const rstreg = read(p.rstreg) ^ p.invRstreg;
      const ce = read(p.regce);
      if (rstreg === 1 && (p.rstregFirst || ce === 1)) {
        nxt[REG_D + 2 * i] = p.srvalD;
        nxt[REG_P + 2 * i] = p.srvalP;
        if (isA && sdpRd) {
          nxt[REG_HI_D] = srvalBD;
          nxt[REG_HI_P] = srvalBP;
        }
      } else if (ce === 1) {
        nxt[REG_D + 2 * i] = cur[LAT_D + 2 * i]!;
        nxt[REG_P + 2 * i] = cur[LAT_P + 2 * i]!;
        if (isA && sdpRd) {
          nxt[REG_HI_D] = cur[LAT_HI_D]!;
          nxt[REG_HI_P] = cur[LAT_HI_P]!;
        }
      }
    }
    let writing = false;
    wrLo[i] = -1;
    wrHi[i] = -2;
    rdLo[i] = -1;
    rdHi[i] = -2;
    if (en !== 1) return;
    const addr = read(p.addr);
    // Write (before reading; the memory itself changes at commit).
    let wlanes = 0;
    let wdata = 0; // a narrow (< 9 bits) write's data
    if (p.ww !== 0) {
      if (p.ww < 9) {
        wlanes = read(p.we) & 1;
      } else if (!isA && sdpWr) {
        wlanes = read(p.we);
      } else {
        // Narrow TDP ports repeat their byte enables over the WE pins (only the low WAW bits of WEBWE).
        const we = read(p.we);
        for (let k = 0; k < g.waw; k++) if (((we >>> k) & 1) !== ((we >>> k % p.wl) & 1)) portFail(p, `${p.we}=${we.toString(2)} is not ${p.wl} byte enable(s) repeated`);
        wlanes = we & ((1 << g.waw) - 1);
      }
      if (wlanes !== 0) {
        writing = true;
        const din = read(p.din);
        if (p.ww < 9) {
          const bit = (addr >>> p.wsh) * p.ww;
          const base = bit >>> 3;
          const off = bit & 7;
          const mask = ((1 << p.ww) - 1) << off;
          wdata = din & ((1 << p.ww) - 1);
          pendAddr[pending] = base;
          pendVal[pending++] = (mem[base]! & ~mask) | (wdata << off);
          wrLo[i] = base;
          wrHi[i] = base;
        } else {
          const dinp = read(p.dinp);
          // A simple-dual-port write takes {DINBDIN, DINADIN} and {DINPBDINP, DINPADINP}.
          const dinLo = !isA && sdpWr ? read('DINADIN') : din;
          const dinpLo = !isA && sdpWr ? read('DINPADINP') : dinp;
          const base = (addr >>> p.wsh) * p.wl;
          for (let l = 0; l < p.wl; l++) {
            const byte = l < bytesPerPin ? (dinLo >>> (8 * l)) & 0xff : (din >>> (8 * (l - bytesPerPin))) & 0xff;
            const par = l < g.pw ? (dinpLo >>> l) & 1 : (dinp >>> (l - g.pw)) & 1;
            laneVal[l] = (par << 8) | byte;
            if ((wlanes >>> l) & 1) {
              pendAddr[pending] = base + l;
              pendVal[pending++] = laneVal[l]!;
            }
          }
          wrLo[i] = base;
          wrHi[i] = base + p.wl - 1;
        }
      }
    }
    // Read into the output latch.
    if (p.rw === 0) return;
    if (rstram === 1) {
      nxt[LAT_D + 2 * i] = p.srvalD;
      nxt[LAT_P + 2 * i] = p.srvalP;
      if (isA && sdpRd) {
        nxt[LAT_HI_D] = srvalBD;
        nxt[LAT_HI_P] = srvalBP;
      }
      return;
    }
    if (writing && p.mode === WriteMode.NoChange) return;
    const writeFirst = writing && p.mode === WriteMode.WriteFirst;
    if (p.rw < 9) {
      const bit = (addr >>> p.rsh) * p.rw;
      const base = bit >>> 3;
      const mask = (1 << p.rw) - 1;
      nxt[LAT_D + 2 * i] = writeFirst ? wdata & mask : (mem[base]! >>> (bit & 7)) & mask;
      nxt[LAT_P + 2 * i] = 0;
      rdLo[i] = base;
      rdHi[i] = base;
      return;
    }
    const base = (addr >>> p.rsh) * p.rl;
    let d = 0;
    let dp = 0;
    let hi = 0;
    let hp = 0;
    for (let l = 0; l < p.rl; l++) {
      const w9 = writeFirst && (wlanes >>> l) & 1 ? laneVal[l]! : mem[base + l]!;
      if (l < bytesPerPin) d = (d | ((w9 & 0xff) << (8 * l))) >>> 0;
      else hi = (hi | ((w9 & 0xff) << (8 * (l - bytesPerPin)))) >>> 0;
      if (l < g.pw) dp |= (w9 >>> 8) << l;
      else hp |= (w9 >>> 8) << (l - g.pw);
    }
    rdLo[i] = base;
    rdHi[i] = base + p.rl - 1;
    nxt[LAT_D + 2 * i] = d;
    nxt[LAT_P + 2 * i] = dp;
    if (isA && sdpRd) {
      nxt[LAT_HI_D] = hi;
      nxt[LAT_HI_P] = hp;
    }
  };

  // Constant outputs (cascade, ECC) that are connected, written as 0.
  const zeros = ['CASDOUTA', 'CASDOUTB', 'CASDOUTPA', 'CASDOUTPB', ...(g.ecc ? ['CASOUTDBITERR', 'CASOUTSBITERR', 'DBITERR', 'ECCPARITY', 'RDADDRECC', 'SBITERR'] : [])].filter((p) => widths[p] !== undefined);
  const bothReadFirst = modeA === WriteMode.ReadFirst && modeB === WriteMode.ReadFirst;

  return {
    combinationalInputs: [],
    evaluate(_read, write) {
      write('DOUTADOUT', doaReg === 1 ? cur[REG_D]! : cur[LAT_D]!);
      write('DOUTPADOUTP', doaReg === 1 ? cur[REG_P]! : cur[LAT_P]!);
      if (sdpRd) {
        write('DOUTBDOUT', doaReg === 1 ? cur[REG_HI_D]! : cur[LAT_HI_D]!);
        write('DOUTPBDOUTP', doaReg === 1 ? cur[REG_HI_P]! : cur[LAT_HI_P]!);
      } else {
        write('DOUTBDOUT', dobReg === 1 ? cur[REG_D + 2]! : cur[LAT_D + 2]!);
        write('DOUTPBDOUTP', dobReg === 1 ? cur[REG_P + 2]! : cur[LAT_P + 2]!);
      }
      for (let k = 0; k < zeros.length; k++) write(zeros[k]!, 0);
    },
    sample(read) {
      nxt.set(cur);
      pending = 0;
      if (read('SLEEP') === 1) fail('SLEEP is not supported');
      edge(0, read);
      edge(1, read);
      // Same-edge accesses of both ports to the same bytes: only READ_FIRST reads of old data are modelled.
      if (wrLo[0]! <= wrHi[1]! && wrLo[1]! <= wrHi[0]!) fail('both ports write the same bytes at the same time');
      if (!bothReadFirst && ((wrLo[0]! <= rdHi[1]! && rdLo[1]! <= wrHi[0]!) || (wrLo[1]! <= rdHi[0]! && rdLo[0]! <= wrHi[1]!)))
        fail('read/write collision between the ports outside READ_FIRST mode');
    },
    commit() {
      cur.set(nxt);
      for (let k = 0; k < pending; k++) mem[pendAddr[k]!] = pendVal[k]!;
      pending = 0;
    },
  };
}

/** The RAMB18E2 (18 Kb) block RAM, as testbench/cells/RAMB18E2.v models it. */
export const ramb18e2: BlockModelFactory = (parameters, widths, where) => makeModel(RAMB18E2, parameters, widths, where);

/** The RAMB36E2 (36 Kb) block RAM, as testbench/cells/RAMB36E2.v models it (ECC unsupported; its outputs read 0). */
export const ramb36e2: BlockModelFactory = (parameters, widths, where) => makeModel(RAMB36E2, parameters, widths, where);
