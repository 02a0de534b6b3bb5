// Writes testbench/cells/RAMB18E2.v and RAMB36E2.v from one template, so the two block RAM models cannot drift apart.
// Run `node scripts/bram-models.js` after editing the template below; do not edit the .v files.
import { writeFileSync } from 'node:fs';

const hex2 = (i) => i.toString(16).toUpperCase().padStart(2, '0');

function model(name, s) {
  const { NB, AW, DW, PW, WAW, WBW, TDPMAX, SDPW, NINIT, NINITP, ECC } = s;
  const initParams = [];
  for (let i = 0; i < NINIT; i++) initParams.push(`    parameter [255:0] INIT_${hex2(i)} = 256'h0,`);
  for (let i = 0; i < NINITP; i++) initParams.push(`    parameter [255:0] INITP_${hex2(i)} = 256'h0,`);
  const initAll = Array.from({ length: NINIT }, (_, i) => `INIT_${hex2(NINIT - 1 - i)}`).join(', ');
  const initpAll = Array.from({ length: NINITP }, (_, i) => `INITP_${hex2(NINITP - 1 - i)}`).join(', ');
  const eccParams = ECC
    ? `    parameter EN_ECC_PIPE = "FALSE",
    parameter EN_ECC_READ = "FALSE",
    parameter EN_ECC_WRITE = "FALSE",
`
    : '';
  const eccPorts = ECC
    ? `    output CASOUTDBITERR,
    output CASOUTSBITERR,
    output DBITERR,
    output [7:0] ECCPARITY,
    output [8:0] RDADDRECC,
    output SBITERR,
    input CASINDBITERR,
    input CASINSBITERR,
    input ECCPIPECE,
    input INJECTDBITERR,
    input INJECTSBITERR,
`
    : '';
  const eccAssign = ECC
    ? `  assign CASOUTDBITERR = 1'b0;
  assign CASOUTSBITERR = 1'b0;
  assign DBITERR = 1'b0;
  assign ECCPARITY = 8'h00;
  assign RDADDRECC = 9'h000;
  assign SBITERR = 1'b0;
`
    : '';
  const eccCheck = ECC
    ? `    if (EN_ECC_PIPE != "FALSE" || EN_ECC_READ != "FALSE" || EN_ECC_WRITE != "FALSE") $fatal(1, "${name} model: ECC (EN_ECC_*) is not supported");
`
    : '';
  const IW = TDPMAX; // width of INIT_A/B, SRVAL_A/B: {parity, data} of one port
  // One port's clock-edge behaviour. X = A or B.
  const port = (X) => {
    const isA = X === 'A';
    const clk = isA ? 'CLKARDCLK' : 'CLKBWRCLK';
    const en = isA ? 'ENARDEN' : 'ENBWREN';
    const rstram = isA ? 'RSTRAMARSTRAM' : 'RSTRAMB';
    const rstreg = isA ? 'RSTREGARSTREG' : 'RSTREGB';
    const regce = isA ? 'REGCEAREGCE' : 'REGCEB';
    const addr = isA ? 'ADDRARDADDR' : 'ADDRBWRADDR';
    const we = isA ? 'WEA' : 'WEBWE';
    const din = isA ? 'DINADIN' : 'DINBDIN';
    const dinp = isA ? 'DINPADINP' : 'DINPBDINP';
    const other = isA ? 'b' : 'a';
    const x = X.toLowerCase();
    // Port A's read side also drives the upper half in SDP reads; port B's write side also takes
    // DINADIN/DINPADINP in SDP writes.
    const rdHi = isA
      ? `        if (SDP_RD) begin
          lat_hi_d <= rdata[2*DW-1:DW];
          lat_hi_p <= rpar[2*PW-1:PW];
        end
`
      : '';
    const wrData = isA
      ? `wdata = DINADIN; wpar = DINPADINP;`
      : `if (SDP_WR) begin wdata = {DINBDIN, DINADIN}; wpar = {DINPBDINP, DINPADINP}; end
        else begin wdata = DINBDIN; wpar = DINPBDINP; end`;
    // Narrow TDP ports repeat their byte enables over the WE pins; anything else is not modelled.
    const weLanes = isA
      ? `for (k = 0; k < WAW; k = k + 1) if (WEA[k] !== WEA[k % WL_A]) $fatal(1, "${name} model: %m: WEA=%b is not %0d byte enable(s) repeated", WEA, WL_A);
          wlanes = WEA;`
      : `if (SDP_WR) wlanes = WEBWE;
          else begin
            for (k = 0; k < WAW; k = k + 1) if (WEBWE[k] !== WEBWE[k % WL_B]) $fatal(1, "${name} model: %m: WEBWE=%b is not %0d byte enable(s) repeated", WEBWE, WL_B);
            wlanes = WEBWE[WAW-1:0];
          end`;
    return `
  // ---- port ${X}: clock edge ----
  always @(posedge clk_${x}) begin : port_${x}
    integer l, k, base, off, nb;
    reg [63:0] rdata, wdata;
    reg [7:0] rpar, wpar, wlanes;
    reg [8:0] word9;
    reg writing;
    if (SLEEP === 1'b1) $fatal(1, "${name} model: %m: SLEEP is not supported");
    if (CASDIMUX${X} === 1'b1 || CASDOMUX${X} === 1'b1 || CASOREGIMUX${X} === 1'b1) $fatal(1, "${name} model: %m: cascade multiplexers are not supported");
    if ((RW_${X} != 0 || WW_${X} != 0) && en_${x} !== 1'b1 && en_${x} !== 1'b0) $fatal(1, "${name} model: %m: ${en} is %b at a clock edge", en_${x});
    if (rstram_${x} === 1'b1 && en_${x} !== 1'b1) $fatal(1, "${name} model: %m: ${rstram} without ${en} is not modelled");
    // Output register: takes the latch value from before this edge.
    if (DO${X}_REG == 1) begin
      if (rstreg_${x} === 1'b1 && (RSTREG_PRIORITY_${X} == "RSTREG" || ${regce} === 1'b1)) begin
        reg_d <= srval_d; reg_p <= srval_p;
        ${isA ? 'if (SDP_RD) begin reg_hi_d <= srvalb_d; reg_hi_p <= srvalb_p; end' : ''}
      end else if (${regce} === 1'b1) begin
        reg_d <= lat_d; reg_p <= lat_p;
        ${isA ? 'if (SDP_RD) begin reg_hi_d <= lat_hi_d; reg_hi_p <= lat_hi_p; end' : ''}
      end else if (${regce} !== 1'b0) $fatal(1, "${name} model: %m: ${regce} is %b at a clock edge", ${regce});
    end
    writing = 1'b0;
    ${x}_t = $time;
    ${x}_wr_lo = -1; ${x}_wr_hi = -2; ${x}_rd_lo = -1; ${x}_rd_hi = -2;
    if (en_${x} === 1'b1) begin
      // Write (before reading, on copies: the memory itself changes after this edge).
      wdata = 64'd0; wpar = 8'd0; wlanes = 8'd0;
      if (WW_${X} != 0) begin
        ${wrData}
        if (WW_${X} < 9) begin
          if (${we}[0] === 1'b1) wlanes = 8'd1;
          else if (${we}[0] !== 1'b0) $fatal(1, "${name} model: %m: ${we}[0] is %b at a clock edge", ${we}[0]);
        end else begin
          ${weLanes}
        end
        if (^${addr} === 1'bx) begin
          if (wlanes != 0) $fatal(1, "${name} model: %m: write with unknown address %b", ${addr});
        end else if (wlanes != 0) begin
          writing = 1'b1;
          if (WW_${X} < 9) begin
            base = ((${addr} >> WSH_${X}) * WW_${X}) / 8;
            off = ((${addr} >> WSH_${X}) * WW_${X}) % 8;
            word9 = mem[base];
            for (k = 0; k < 4; k = k + 1) if (k < WW_${X}) word9[off + k] = wdata[k];
            mem[base] <= word9;
            ${x}_wr_lo = base; ${x}_wr_hi = base;
          end else begin
            base = (${addr} >> WSH_${X}) * WL_${X};
            for (l = 0; l < 8; l = l + 1)
              if (l < WL_${X} && wlanes[l]) mem[base + l] <= {wpar[l], wdata[8*l +: 8]};
            ${x}_wr_lo = base; ${x}_wr_hi = base + WL_${X} - 1;
          end
        end
      end
      // Read into the output latch.
      if (RW_${X} != 0) begin
        if (rstram_${x} === 1'b1) begin
          lat_d <= srval_d; lat_p <= srval_p;
          ${isA ? 'if (SDP_RD) begin lat_hi_d <= srvalb_d; lat_hi_p <= srvalb_p; end' : ''}
        end else if (!(writing && WRITE_MODE_${X} == "NO_CHANGE")) begin
          rdata = 64'd0; rpar = 8'd0;
          if (^${addr} === 1'bx) begin
            $fatal(1, "${name} model: %m: read with unknown address %b", ${addr});
          end else if (RW_${X} < 9) begin
            base = ((${addr} >> RSH_${X}) * RW_${X}) / 8;
            off = ((${addr} >> RSH_${X}) * RW_${X}) % 8;
            for (k = 0; k < 4; k = k + 1) if (k < RW_${X}) rdata[k] = mem[base][off + k];
            if (writing && WRITE_MODE_${X} == "WRITE_FIRST") rdata = wdata & ((64'd1 << RW_${X}) - 64'd1);
            ${x}_rd_lo = base; ${x}_rd_hi = base;
          end else begin
            base = (${addr} >> RSH_${X}) * RL_${X};
            for (l = 0; l < 8; l = l + 1)
              if (l < RL_${X}) begin
                word9 = mem[base + l];
                if (writing && WRITE_MODE_${X} == "WRITE_FIRST" && wlanes[l]) word9 = {wpar[l], wdata[8*l +: 8]};
                rdata[8*l +: 8] = word9[7:0];
                rpar[l] = word9[8];
              end
            ${x}_rd_lo = base; ${x}_rd_hi = base + RL_${X} - 1;
          end
          lat_d <= rdata[DW-1:0];
          lat_p <= rpar[PW-1:0];
${rdHi}        end
      end
    end
    // Same-time accesses of both ports to the same bytes: only READ_FIRST reads of old data are modelled.
    if (${other}_t == $time) begin
      if (${x}_wr_lo <= ${other}_wr_hi && ${other}_wr_lo <= ${x}_wr_hi)
        $fatal(1, "${name} model: %m: both ports write the same bytes at the same time");
      if ((${x}_wr_lo <= ${other}_rd_hi && ${other}_rd_lo <= ${x}_wr_hi) || (${other}_wr_lo <= ${x}_rd_hi && ${x}_rd_lo <= ${other}_wr_hi))
        if (WRITE_MODE_A != "READ_FIRST" || WRITE_MODE_B != "READ_FIRST")
          $fatal(1, "${name} model: %m: read/write collision between the ports outside READ_FIRST mode");
    end
  end
`.replace(/\blat_/g, `lat${x}_`).replace(/\breg_(d|p|hi_d|hi_p)\b/g, `reg${x}_$1`).replace(/\bsrval_/g, `srval${x}_`);
  };

  return `// Behavioural simulation model of the UltraScale+ ${name} block RAM, for gate-level simulation of
// Yosys netlists (Yosys's cells_sim.v has only a blackbox). Port and parameter names and defaults
// are the primitive's (UG573, UG974). The RAMB18E2 and RAMB36E2 files
// share one body, written by scripts/bram-models.js (edit that, not this file). It models what Yosys's memory_libmap emits:
//   - INIT_xx / INITP_xx contents (data byte i is INIT bits [8i+7:8i], its parity bit INITP bit i);
//   - true dual port widths 1, 2, 4, 9, 18${TDPMAX === 36 ? ', 36' : ''} per port and direction, and the ${SDPW}-bit simple
//     dual port (READ_WIDTH_A = ${SDPW}: data on {DOUTBDOUT, DOUTADOUT}, parity on {DOUTPBDOUTP,
//     DOUTPADOUTP}; WRITE_WIDTH_B = ${SDPW}: {DINBDIN, DINADIN}, {DINPBDINP, DINPADINP}, WEBWE byte
//     enables); the address is the high bits of ADDRARDADDR/ADDRBWRADDR, the low bits are ignored;
//   - ENARDEN/ENBWREN, WEA/WEBWE byte enables, WRITE_MODE READ_FIRST / WRITE_FIRST / NO_CHANGE on
//     the same port, and same-edge reads of the other port's write (old data) in READ_FIRST mode;
//   - the output latch with RSTRAMARSTRAM/RSTRAMB (to SRVAL) and DOA_REG/DOB_REG output registers
//     with REGCE, RSTREG and RSTREG_PRIORITY; INIT_A/INIT_B as the values at time 0; the IS_*_INVERTED
//     parameters. INIT_A/B and SRVAL_A/B are {parity, data} as on the pins.
// Anything else (cascade, ECC, SLEEP, INIT_FILE, ENADDRENA/B, RDADDRCHANGE, unknown control values,
// write/write or non-READ_FIRST read/write collisions of the two ports) stops the simulation with
// $fatal: parameters at time 0, signals at a clock edge. Unused data output bits read 0.
module ${name} #(
    parameter CASCADE_ORDER_A = "NONE",
    parameter CASCADE_ORDER_B = "NONE",
    parameter CLOCK_DOMAINS = "INDEPENDENT",
    parameter integer DOA_REG = 1,
    parameter integer DOB_REG = 1,
    parameter ENADDRENA = "FALSE",
    parameter ENADDRENB = "FALSE",
${eccParams}${initParams.join('\n')}
    parameter [${IW - 1}:0] INIT_A = ${IW}'h0,
    parameter [${IW - 1}:0] INIT_B = ${IW}'h0,
    parameter INIT_FILE = "NONE",
    parameter [0:0] IS_CLKARDCLK_INVERTED = 1'b0,
    parameter [0:0] IS_CLKBWRCLK_INVERTED = 1'b0,
    parameter [0:0] IS_ENARDEN_INVERTED = 1'b0,
    parameter [0:0] IS_ENBWREN_INVERTED = 1'b0,
    parameter [0:0] IS_RSTRAMARSTRAM_INVERTED = 1'b0,
    parameter [0:0] IS_RSTRAMB_INVERTED = 1'b0,
    parameter [0:0] IS_RSTREGARSTREG_INVERTED = 1'b0,
    parameter [0:0] IS_RSTREGB_INVERTED = 1'b0,
    parameter RDADDRCHANGEA = "FALSE",
    parameter RDADDRCHANGEB = "FALSE",
    parameter integer READ_WIDTH_A = 0,
    parameter integer READ_WIDTH_B = 0,
    parameter RSTREG_PRIORITY_A = "RSTREG",
    parameter RSTREG_PRIORITY_B = "RSTREG",
    parameter SIM_COLLISION_CHECK = "ALL",
    parameter SLEEP_ASYNC = "FALSE",
    parameter [${IW - 1}:0] SRVAL_A = ${IW}'h0,
    parameter [${IW - 1}:0] SRVAL_B = ${IW}'h0,
    parameter WRITE_MODE_A = "NO_CHANGE",
    parameter WRITE_MODE_B = "NO_CHANGE",
    parameter integer WRITE_WIDTH_A = 0,
    parameter integer WRITE_WIDTH_B = 0
) (
    output [${DW - 1}:0] CASDOUTA,
    output [${DW - 1}:0] CASDOUTB,
    output [${PW - 1}:0] CASDOUTPA,
    output [${PW - 1}:0] CASDOUTPB,
    output [${DW - 1}:0] DOUTADOUT,
    output [${DW - 1}:0] DOUTBDOUT,
    output [${PW - 1}:0] DOUTPADOUTP,
    output [${PW - 1}:0] DOUTPBDOUTP,
${eccPorts}    input [${AW - 1}:0] ADDRARDADDR,
    input [${AW - 1}:0] ADDRBWRADDR,
    input ADDRENA,
    input ADDRENB,
    input CASDIMUXA,
    input CASDIMUXB,
    input [${DW - 1}:0] CASDINA,
    input [${DW - 1}:0] CASDINB,
    input [${PW - 1}:0] CASDINPA,
    input [${PW - 1}:0] CASDINPB,
    input CASDOMUXA,
    input CASDOMUXB,
    input CASDOMUXEN_A,
    input CASDOMUXEN_B,
    input CASOREGIMUXA,
    input CASOREGIMUXB,
    input CASOREGIMUXEN_A,
    input CASOREGIMUXEN_B,
    input CLKARDCLK,
    input CLKBWRCLK,
    input [${DW - 1}:0] DINADIN,
    input [${DW - 1}:0] DINBDIN,
    input [${PW - 1}:0] DINPADINP,
    input [${PW - 1}:0] DINPBDINP,
    input ENARDEN,
    input ENBWREN,
    input REGCEAREGCE,
    input REGCEB,
    input RSTRAMARSTRAM,
    input RSTRAMB,
    input RSTREGARSTREG,
    input RSTREGB,
    input SLEEP,
    input [${WAW - 1}:0] WEA,
    input [${WBW - 1}:0] WEBWE
);
  localparam integer NB = ${NB};  // bytes (each with its parity bit)
  localparam integer DW = ${DW};
  localparam integer PW = ${PW};
  localparam integer WAW = ${WAW};
  localparam integer WBW = ${WBW};
  localparam integer SDPW = ${SDPW};
  localparam SDP_RD = READ_WIDTH_A == SDPW;
  localparam SDP_WR = WRITE_WIDTH_B == SDPW;
  localparam integer RW_A = READ_WIDTH_A, RW_B = READ_WIDTH_B, WW_A = WRITE_WIDTH_A, WW_B = WRITE_WIDTH_B;
  // Byte lanes of a port (widths 9 and up), and the address shift: the word index is the address
  // without its low log2(data bits) bits.
  localparam integer RL_A = RW_A / 9, RL_B = RW_B / 9, WL_A = WW_A < 9 ? 1 : WW_A / 9, WL_B = WW_B < 9 ? 1 : WW_B / 9;
  localparam integer RSH_A = shift(RW_A), RSH_B = shift(RW_B), WSH_A = shift(WW_A), WSH_B = shift(WW_B);

  function integer shift(input integer w);
    case (w)
      0, 1: shift = 0;
      2: shift = 1;
      4: shift = 2;
      9: shift = 3;
      18: shift = 4;
      36: shift = 5;
      default: shift = 6;
    endcase
  endfunction

  localparam [NB*8-1:0] INIT_ALL = {${initAll}};
  localparam [NB-1:0] INITP_ALL = {${initpAll}};

  reg [8:0] mem [0:NB-1];  // {parity, byte}

  reg [DW-1:0] lata_d, lata_hi_d, latb_d, rega_d, rega_hi_d, regb_d;
  reg [PW-1:0] lata_p, lata_hi_p, latb_p, rega_p, rega_hi_p, regb_p;
  // The last edge of each port: its time and the byte ranges it wrote and read, for collisions.
  time a_t, b_t;
  integer a_wr_lo, a_wr_hi, a_rd_lo, a_rd_hi, b_wr_lo, b_wr_hi, b_rd_lo, b_rd_hi;

  wire [DW-1:0] srvala_d = SRVAL_A[DW-1:0], srvalb_d = SRVAL_B[DW-1:0];
  wire [PW-1:0] srvala_p = SRVAL_A[DW+PW-1:DW], srvalb_p = SRVAL_B[DW+PW-1:DW];

  wire clk_a = CLKARDCLK ^ IS_CLKARDCLK_INVERTED;
  wire clk_b = CLKBWRCLK ^ IS_CLKBWRCLK_INVERTED;
  wire en_a = ENARDEN ^ IS_ENARDEN_INVERTED;
  wire en_b = ENBWREN ^ IS_ENBWREN_INVERTED;
  wire rstram_a = RSTRAMARSTRAM ^ IS_RSTRAMARSTRAM_INVERTED;
  wire rstram_b = RSTRAMB ^ IS_RSTRAMB_INVERTED;
  wire rstreg_a = RSTREGARSTREG ^ IS_RSTREGARSTREG_INVERTED;
  wire rstreg_b = RSTREGB ^ IS_RSTREGB_INVERTED;

  function ok_width(input integer w, input integer sdp);
    ok_width = w == 0 || w == 1 || w == 2 || w == 4 || w == 9 || w == 18${TDPMAX === 36 ? ' || w == 36' : ''} || (sdp != 0 && w == SDPW);
  endfunction

  integer i;
  initial begin
    if (CASCADE_ORDER_A != "NONE" || CASCADE_ORDER_B != "NONE") $fatal(1, "${name} model: %m: cascading (CASCADE_ORDER_A/B) is not supported");
${eccCheck}    if (INIT_FILE != "NONE") $fatal(1, "${name} model: %m: INIT_FILE is not supported");
    if (ENADDRENA != "FALSE" || ENADDRENB != "FALSE") $fatal(1, "${name} model: %m: ENADDRENA/B are not supported");
    if (RDADDRCHANGEA != "FALSE" || RDADDRCHANGEB != "FALSE") $fatal(1, "${name} model: %m: RDADDRCHANGEA/B are not supported");
    if (!ok_width(READ_WIDTH_A, 1) || !ok_width(READ_WIDTH_B, 0) || !ok_width(WRITE_WIDTH_A, 0) || !ok_width(WRITE_WIDTH_B, 1))
      $fatal(1, "${name} model: %m: unsupported widths READ_WIDTH_A=%0d READ_WIDTH_B=%0d WRITE_WIDTH_A=%0d WRITE_WIDTH_B=%0d", READ_WIDTH_A, READ_WIDTH_B, WRITE_WIDTH_A, WRITE_WIDTH_B);
    if (SDP_RD && (READ_WIDTH_B != 0 || WRITE_WIDTH_A != 0 || DOA_REG != DOB_REG))
      $fatal(1, "${name} model: %m: READ_WIDTH_A=%0d needs READ_WIDTH_B=0, WRITE_WIDTH_A=0 and DOA_REG=DOB_REG", SDPW);
    if (SDP_WR && (WRITE_WIDTH_A != 0 || READ_WIDTH_B != 0))
      $fatal(1, "${name} model: %m: WRITE_WIDTH_B=%0d needs WRITE_WIDTH_A=0 and READ_WIDTH_B=0", SDPW);
    if (DOA_REG < 0 || DOA_REG > 1 || DOB_REG < 0 || DOB_REG > 1)
      $fatal(1, "${name} model: %m: unsupported DOA_REG/DOB_REG");
    if ((WRITE_MODE_A != "READ_FIRST" && WRITE_MODE_A != "WRITE_FIRST" && WRITE_MODE_A != "NO_CHANGE") ||
        (WRITE_MODE_B != "READ_FIRST" && WRITE_MODE_B != "WRITE_FIRST" && WRITE_MODE_B != "NO_CHANGE"))
      $fatal(1, "${name} model: %m: unsupported WRITE_MODE_A/B");
    if ((WRITE_MODE_A == "WRITE_FIRST" && READ_WIDTH_A != 0 && WRITE_WIDTH_A != 0 && READ_WIDTH_A != WRITE_WIDTH_A) ||
        (WRITE_MODE_B == "WRITE_FIRST" && READ_WIDTH_B != 0 && WRITE_WIDTH_B != 0 && READ_WIDTH_B != WRITE_WIDTH_B))
      $fatal(1, "${name} model: %m: WRITE_FIRST with different read and write widths on one port is not supported");
    if ((RSTREG_PRIORITY_A != "RSTREG" && RSTREG_PRIORITY_A != "REGCE") || (RSTREG_PRIORITY_B != "RSTREG" && RSTREG_PRIORITY_B != "REGCE"))
      $fatal(1, "${name} model: %m: unsupported RSTREG_PRIORITY_A/B");
    for (i = 0; i < NB; i = i + 1) mem[i] = {INITP_ALL[i], INIT_ALL[8*i +: 8]};
    {lata_p, lata_d} = INIT_A[DW+PW-1:0];
    {rega_p, rega_d} = INIT_A[DW+PW-1:0];
    {lata_hi_p, lata_hi_d} = INIT_B[DW+PW-1:0];
    {rega_hi_p, rega_hi_d} = INIT_B[DW+PW-1:0];
    {latb_p, latb_d} = INIT_B[DW+PW-1:0];
    {regb_p, regb_d} = INIT_B[DW+PW-1:0];
    a_t = 0; b_t = 0;
    a_wr_lo = -1; a_wr_hi = -2; a_rd_lo = -1; a_rd_hi = -2;
    b_wr_lo = -1; b_wr_hi = -2; b_rd_lo = -1; b_rd_hi = -2;
  end

  assign DOUTADOUT = DOA_REG == 1 ? rega_d : lata_d;
  assign DOUTPADOUTP = DOA_REG == 1 ? rega_p : lata_p;
  assign DOUTBDOUT = SDP_RD ? (DOA_REG == 1 ? rega_hi_d : lata_hi_d) : (DOB_REG == 1 ? regb_d : latb_d);
  assign DOUTPBDOUTP = SDP_RD ? (DOA_REG == 1 ? rega_hi_p : lata_hi_p) : (DOB_REG == 1 ? regb_p : latb_p);
  assign CASDOUTA = {DW{1'b0}};
  assign CASDOUTB = {DW{1'b0}};
  assign CASDOUTPA = {PW{1'b0}};
  assign CASDOUTPB = {PW{1'b0}};
${eccAssign}${port('A')}${port('B')}endmodule
`;
}

const out = process.argv[2] ?? 'testbench/cells';
writeFileSync(`${out}/RAMB18E2.v`, model('RAMB18E2', { NB: 2048, AW: 14, DW: 16, PW: 2, WAW: 2, WBW: 4, TDPMAX: 18, SDPW: 36, NINIT: 64, NINITP: 8, ECC: false }));
writeFileSync(`${out}/RAMB36E2.v`, model('RAMB36E2', { NB: 4096, AW: 15, DW: 32, PW: 4, WAW: 4, WBW: 8, TDPMAX: 36, SDPW: 72, NINIT: 128, NINITP: 16, ECC: true }));
