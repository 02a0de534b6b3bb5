/**
 * netsim's model of the UltraScale+ DSP48E2 slice: a cycle-for-cycle port of potgen's Verilog
 * model testbench/cells/DSP48E2.v (checked against it under Icarus by
 * test/netsimDsp48e2.slow.test.ts), with the same supported subset. What the Verilog model stops
 * with $fatal at time 0 (parameters) is refused here when the model is built; what it stops at a
 * clock edge (control inputs it does not model) is refused in `sample`, with the same reason.
 *
 * Arithmetic is done on exact JavaScript numbers: every value is below 2^48 and every
 * intermediate sum below 2^53, and the signed 27 x 18 product is below 2^44 in magnitude.
 * The model is evaluated millions of times per run, so every parameter decision is taken once in
 * the factory, evaluate/sample allocate nothing, and each port is read at most once per call.
 */
import { NetsimError, paramNumber, paramString, type BlockModel, type BlockModelFactory } from './blockModel.ts';

const TWO17 = 2 ** 17;
const TWO18 = 2 ** 18;
const TWO31 = 2 ** 31;
const TWO47 = 2 ** 47;
const TWO48 = 2 ** 48;
const ONES48 = TWO48 - 1;
const MASK27 = 0x7ffffff;

/** v mod 2^48 for any integer |v| < 2^53 (division by a power of two is exact). */
function wrap48(v: number): number {
  return v - Math.floor(v / TWO48) * TWO48;
}

/** {{17{v[47]}}, v[47:17]}: the arithmetic right shift by 17 of a 48-bit value (the PCIN/P cascade shift). */
function shift17(v: number): number {
  const s = Math.floor(v / TWO17);
  return v >= TWO47 ? s + (TWO48 - TWO31) : s;
}

/** Outputs the Verilog model drives 0 (not modelled; the gate-level driver refuses netlists that read them). */
const UNMODELLED = ['CARRYCASCOUT', 'CARRYOUT', 'MULTSIGNOUT', 'OVERFLOW', 'UNDERFLOW', 'PATTERNDETECT', 'PATTERNBDETECT', 'XOROUT'] as const;

export const dsp48e2: BlockModelFactory = (parameters, _widths, where) => {
  const num = (name: string, fallback: number): number => paramNumber(parameters, name, fallback);
  const str = (name: string, fallback: string): string => paramString(parameters, name, fallback);
  const fail = (what: string): never => {
    throw new NetsimError(`${where}: DSP48E2 model: ${what}`);
  };

  // ---- Parameters, checked in the Verilog model's order (its `initial` block).
  const AREG = num('AREG', 1);
  const BREG = num('BREG', 1);
  const ACASCREG = num('ACASCREG', 1);
  const BCASCREG = num('BCASCREG', 1);
  if (!(AREG >= 0 && AREG <= 2) || !(BREG >= 0 && BREG <= 2)) fail(`AREG=${AREG} BREG=${BREG} (0, 1 or 2 expected)`);
  if (!(AREG === 0 ? ACASCREG === 0 : AREG === 1 ? ACASCREG === 1 : ACASCREG === 1 || ACASCREG === 2)) fail(`ACASCREG=${ACASCREG} is not allowed with AREG=${AREG}`);
  if (!(BREG === 0 ? BCASCREG === 0 : BREG === 1 ? BCASCREG === 1 : BCASCREG === 1 || BCASCREG === 2)) fail(`BCASCREG=${BCASCREG} is not allowed with BREG=${BREG}`);
  const ADREG = num('ADREG', 1);
  const ALUMODEREG = num('ALUMODEREG', 1);
  const CARRYINREG = num('CARRYINREG', 1);
  const CARRYINSELREG = num('CARRYINSELREG', 1);
  const CREG = num('CREG', 1);
  const DREG = num('DREG', 1);
  const INMODEREG = num('INMODEREG', 1);
  const MREG = num('MREG', 1);
  const OPMODEREG = num('OPMODEREG', 1);
  const PREG = num('PREG', 1);
  const pipeline = { ADREG, ALUMODEREG, CARRYINREG, CARRYINSELREG, CREG, DREG, INMODEREG, MREG, OPMODEREG, PREG };
  for (const [name, v] of Object.entries(pipeline)) {
    if (v !== 0 && v !== 1) fail(`a pipeline-register parameter is not 0 or 1 (${name}=${v})`);
  }
  const AMULTSEL = str('AMULTSEL', 'A');
  if (AMULTSEL !== 'A' && AMULTSEL !== 'AD') fail(`AMULTSEL="${AMULTSEL}" is not supported`);
  const BMULTSEL = str('BMULTSEL', 'B');
  if (BMULTSEL !== 'B') fail(`BMULTSEL="${BMULTSEL}" is not supported (only "B")`);
  const PREADDINSEL = str('PREADDINSEL', 'A');
  if (PREADDINSEL !== 'A') fail(`PREADDINSEL="${PREADDINSEL}" is not supported (only "A")`);
  const A_INPUT = str('A_INPUT', 'DIRECT');
  if (A_INPUT !== 'DIRECT' && A_INPUT !== 'CASCADE') fail(`A_INPUT="${A_INPUT}" is not supported`);
  const B_INPUT = str('B_INPUT', 'DIRECT');
  if (B_INPUT !== 'DIRECT' && B_INPUT !== 'CASCADE') fail(`B_INPUT="${B_INPUT}" is not supported`);
  const USE_MULT = str('USE_MULT', 'MULTIPLY');
  if (USE_MULT !== 'MULTIPLY' && USE_MULT !== 'DYNAMIC' && USE_MULT !== 'NONE') fail(`USE_MULT="${USE_MULT}" is not supported`);
  const USE_SIMD = str('USE_SIMD', 'ONE48');
  if (USE_SIMD !== 'ONE48') fail(`USE_SIMD="${USE_SIMD}" is not supported (only "ONE48")`);
  if (str('USE_PATTERN_DETECT', 'NO_PATDET') !== 'NO_PATDET' || str('AUTORESET_PATDET', 'NO_RESET') !== 'NO_RESET') {
    fail('the pattern detector is not modelled (USE_PATTERN_DETECT, AUTORESET_PATDET)');
  }
  const USE_WIDEXOR = str('USE_WIDEXOR', 'FALSE');
  if (USE_WIDEXOR !== 'FALSE') fail(`USE_WIDEXOR="${USE_WIDEXOR}" is not supported`);
  const inverted = Object.keys(parameters).filter((k) => /^IS_.*_INVERTED$/.test(k) && num(k, 0) !== 0);
  if (inverted.length > 0) fail(`inverted pins (IS_*_INVERTED) are not supported (${inverted.join(', ')})`);
  const RND = num('RND', 0);

  // ---- Decisions taken once.
  const aPort = A_INPUT === 'CASCADE' ? 'ACIN' : 'A';
  const bPort = B_INPUT === 'CASCADE' ? 'BCIN' : 'B';
  const useAd = AMULTSEL === 'AD';
  const noMult = USE_MULT === 'NONE';
  const aCascFromA2 = ACASCREG === AREG;
  const bCascFromB2 = BCASCREG === BREG;

  // Every input on which P/PCOUT (PREG=0) or ACOUT/BCOUT (AREG/BREG=0) depends within the cycle.
  const comb = new Set<string>();
  if (AREG === 0) comb.add(aPort);
  if (BREG === 0) comb.add(bPort);
  if (PREG === 0) {
    if (OPMODEREG === 0) comb.add('OPMODE');
    if (ALUMODEREG === 0) comb.add('ALUMODE');
    if (CARRYINREG === 0) comb.add('CARRYIN');
    if (CREG === 0) comb.add('C');
    comb.add('PCIN');
    if (AREG === 0) comb.add(aPort); // X = A:B
    if (BREG === 0) comb.add(bPort);
    if (MREG === 0 && !noMult) {
      if (INMODEREG === 0) comb.add('INMODE');
      if (useAd && ADREG === 0 && DREG === 0) comb.add('D');
    }
  }
  const combinationalInputs = [...comb];

  // ---- State (current and next), all starting at 0 like the configured device.
  let inmodeR = 0, opmodeR = 0, alumodeR = 0, carryinselR = 0, carryinR = 0;
  let a1 = 0, a2 = 0, b1 = 0, b2 = 0, dR = 0, adR = 0, mR = 0, cR = 0, pR = 0;
  let inmodeN = 0, opmodeN = 0, alumodeN = 0, carryinselN = 0, carryinN = 0;
  let a1N = 0, a2N = 0, b1N = 0, b2N = 0, dN = 0, adN = 0, mN = 0, cN = 0, pN = 0;
  // Last values written, so that unchanged outputs are not rewritten (this model alone drives them).
  let lastP = -1, lastA = -1, lastB = -1;
  let first = true;

  /** The multiplier's A operand: a_mult = INMODE[1] ? 0 : INMODE[0] ? A1 : A2 (or A), 27 bits. */
  const aMultOf = (inmode: number, aAlu: number): number => ((inmode & 2) !== 0 ? 0 : (inmode & 1) !== 0 ? a1 & MASK27 : aAlu & MASK27);

  /** The pre-adder: (INMODE[2] ? D : 0) +/- a_mult (INMODE[3] subtracts), wrapping at 27 bits. */
  const adSumOf = (inmode: number, aMult: number, read: (port: string) => number): number => {
    const d = (inmode & 4) === 0 ? 0 : DREG !== 0 ? dR : read('D');
    return ((inmode & 8) !== 0 ? d - aMult : d + aMult) & MASK27;
  };

  /** The signed 27 x 18 product, sign-extended to 48 bits (as m_product then m would be). */
  const productOf = (inmode: number, aAlu: number, bAlu: number, read: (port: string) => number): number => {
    const aMult = aMultOf(inmode, aAlu);
    const ma = useAd ? (ADREG !== 0 ? adR : adSumOf(inmode, aMult, read)) : aMult;
    const bm = (inmode & 16) !== 0 ? b1 : bAlu;
    const p = ((ma << 5) >> 5) * ((bm << 14) >> 14);
    return p < 0 ? p + TWO48 : p;
  };

  /**
   * The ALU output from the W/X/Y/Z multiplexers. `inmode` < 0 means "read it if the multiplier
   * is needed" (evaluate reads it lazily; sample has it already).
   */
  const aluOf = (read: (port: string) => number, opmode: number, alumode: number, carryin: number, inmode: number, aAlu: number, bAlu: number): number => {
    const ySel = (opmode >> 2) & 3;
    const zSel = (opmode >> 4) & 7;
    const wSel = (opmode >> 7) & 3;
    const c = ySel === 3 || zSel === 3 || wSel === 3 ? (CREG !== 0 ? cR : read('C')) : 0;
    let x: number;
    switch (opmode & 3) {
      case 0:
        x = 0;
        break;
      case 1:
        if (noMult) x = 0;
        else if (MREG !== 0) x = mR;
        else x = productOf(inmode >= 0 ? inmode : INMODEREG !== 0 ? inmodeR : read('INMODE'), aAlu, bAlu, read);
        break;
      case 2:
        x = pR;
        break;
      default:
        x = aAlu * TWO18 + bAlu;
    }
    const y = ySel === 2 ? ONES48 : ySel === 3 ? c : 0;
    let z: number;
    switch (zSel) {
      case 1:
        z = read('PCIN');
        break;
      case 2:
        z = pR;
        break;
      case 3:
        z = c;
        break;
      case 5:
        z = shift17(read('PCIN'));
        break;
      case 6:
        z = shift17(pR);
        break;
      default:
        z = 0;
    }
    const w = wSel === 0 ? 0 : wSel === 1 ? pR : wSel === 2 ? RND : c;
    const s = w + x + y + carryin;
    switch (alumode) {
      case 0:
        return wrap48(z + s);
      case 1:
        return wrap48(ONES48 - z + s);
      case 2:
        return ONES48 - wrap48(z + s);
      case 3:
        return wrap48(z - s);
      default:
        return 0;
    }
  };

  /** Why the Verilog model would stop at this edge (its `bad`: the last assignment wins), or undefined. */
  const badOf = (opmode: number, carryinsel: number, inmode: number, alumode: number): string | undefined => {
    if (alumode > 3) return 'ALUMODE (logic unit)';
    if (BREG !== 2 && (inmode & 16) !== 0) return 'INMODE[4] with BREG!=2';
    if (AREG !== 2 && (inmode & 1) !== 0) return 'INMODE[0] with AREG!=2';
    if (carryinsel !== 0) return 'CARRYINSEL not 000';
    const xSel = opmode & 3;
    const zSel = (opmode >> 4) & 7;
    if (PREG === 0 && (xSel === 2 || zSel === 2 || zSel === 6 || opmode >> 7 === 1)) return 'P feedback with PREG=0';
    if (xSel === 1 && noMult) return 'OPMODE selects M, USE_MULT NONE';
    if ((xSel === 1) !== (((opmode >> 2) & 3) === 1)) return 'OPMODE X/Y: M in only one';
    if (zSel === 4 || zSel === 7) return 'OPMODE Z mux 100/111';
    return undefined;
  };

  const model: BlockModel = {
    combinationalInputs,

    evaluate(read, write) {
      let aAlu: number, acout: number, bAlu: number, bcout: number;
      if (AREG === 0) acout = aAlu = read(aPort);
      else {
        aAlu = a2;
        acout = aCascFromA2 ? a2 : a1;
      }
      if (BREG === 0) bcout = bAlu = read(bPort);
      else {
        bAlu = b2;
        bcout = bCascFromB2 ? b2 : b1;
      }
      let p: number;
      if (PREG !== 0) p = pR;
      else {
        const opmode = OPMODEREG !== 0 ? opmodeR : read('OPMODE');
        const alumode = ALUMODEREG !== 0 ? alumodeR : read('ALUMODE');
        const carryin = CARRYINREG !== 0 ? carryinR : read('CARRYIN');
        p = aluOf(read, opmode, alumode, carryin, -1, aAlu, bAlu);
      }
      if (first) {
        first = false;
        for (const port of UNMODELLED) write(port, 0);
      }
      if (p !== lastP) {
        lastP = p;
        write('P', p);
        write('PCOUT', p);
      }
      if (acout !== lastA) {
        lastA = acout;
        write('ACOUT', acout);
      }
      if (bcout !== lastB) {
        lastB = bcout;
        write('BCOUT', bcout);
      }
    },

    sample(read) {
      // Control inputs as seen before the edge; a control register is kept only when it is used.
      let inmode: number, opmode: number, alumode: number, carryinsel: number;
      if (INMODEREG !== 0) {
        inmode = inmodeR;
        inmodeN = read('RSTINMODE') ? 0 : read('CEINMODE') ? read('INMODE') : inmodeR;
      } else inmode = read('INMODE');
      if (OPMODEREG !== 0 || CARRYINSELREG !== 0) {
        const rst = read('RSTCTRL');
        const ce = read('CECTRL');
        opmodeN = rst ? 0 : ce && OPMODEREG !== 0 ? read('OPMODE') : opmodeR;
        carryinselN = rst ? 0 : ce && CARRYINSELREG !== 0 ? read('CARRYINSEL') : carryinselR;
      }
      opmode = OPMODEREG !== 0 ? opmodeR : read('OPMODE');
      carryinsel = CARRYINSELREG !== 0 ? carryinselR : read('CARRYINSEL');
      if (ALUMODEREG !== 0) {
        alumode = alumodeR;
        alumodeN = read('RSTALUMODE') ? 0 : read('CEALUMODE') ? read('ALUMODE') : alumodeR;
      } else alumode = read('ALUMODE');
      const bad = badOf(opmode, carryinsel, inmode, alumode);
      if (bad !== undefined) fail(`unsupported control inputs: ${bad}`);
      if (CARRYINREG !== 0) carryinN = read('RSTALLCARRYIN') ? 0 : read('CECARRYIN') ? read('CARRYIN') : carryinR;

      // A and B stages.
      const aIn = read(aPort);
      const bIn = read(bPort);
      if (read('RSTA')) a1N = a2N = 0;
      else {
        a1N = read('CEA1') ? aIn : a1;
        a2N = read('CEA2') ? (AREG === 2 ? a1 : aIn) : a2;
      }
      if (read('RSTB')) b1N = b2N = 0;
      else {
        b1N = read('CEB1') ? bIn : b1;
        b2N = read('CEB2') ? (BREG === 2 ? b1 : bIn) : b2;
      }
      const aAlu = AREG === 0 ? aIn : a2;
      const bAlu = BREG === 0 ? bIn : b2;

      // D, pre-adder, multiplier and C registers (only those the configuration makes visible).
      if (DREG !== 0 || (useAd && ADREG !== 0)) {
        if (read('RSTD')) dN = adN = 0;
        else {
          dN = DREG !== 0 && read('CED') ? read('D') : dR;
          adN = useAd && ADREG !== 0 && read('CEAD') ? adSumOf(inmode, aMultOf(inmode, aAlu), read) : adR;
        }
      }
      if (MREG !== 0 && !noMult) {
        if (read('RSTM')) mN = 0;
        else mN = read('CEM') ? productOf(inmode, aAlu, bAlu, read) : mR;
      }
      if (CREG !== 0) {
        if (read('RSTC')) cN = 0;
        else cN = read('CEC') ? read('C') : cR;
      }

      // P: the register exists (and feeds the muxes) whatever PREG is, as in the Verilog model.
      if (read('RSTP')) pN = 0;
      else pN = read('CEP') ? aluOf(read, opmode, alumode, CARRYINREG !== 0 ? carryinR : read('CARRYIN'), inmode, aAlu, bAlu) : pR;
    },

    commit() {
      inmodeR = inmodeN;
      opmodeR = opmodeN;
      alumodeR = alumodeN;
      carryinselR = carryinselN;
      carryinR = carryinN;
      a1 = a1N;
      a2 = a2N;
      b1 = b1N;
      b2 = b2N;
      dR = dN;
      adR = adN;
      mR = mN;
      cR = cN;
      pR = pN;
    },
  };
  return model;
};
