// Behavioural simulation model of the UltraScale+ RAMB18E2 block RAM, for gate-level simulation of
// Yosys netlists (Yosys's cells_sim.v has only a blackbox). Port and parameter names and defaults
// are the primitive's (UG573, UG974). The RAMB18E2 and RAMB36E2 files
// share one body, written by scripts/bram-models.js (edit that, not this file). It models what Yosys's memory_libmap emits:
//   - INIT_xx / INITP_xx contents (data byte i is INIT bits [8i+7:8i], its parity bit INITP bit i);
//   - true dual port widths 1, 2, 4, 9, 18 per port and direction, and the 36-bit simple
//     dual port (READ_WIDTH_A = 36: data on {DOUTBDOUT, DOUTADOUT}, parity on {DOUTPBDOUTP,
//     DOUTPADOUTP}; WRITE_WIDTH_B = 36: {DINBDIN, DINADIN}, {DINPBDINP, DINPADINP}, WEBWE byte
//     enables); the address is the high bits of ADDRARDADDR/ADDRBWRADDR, the low bits are ignored;
//   - ENARDEN/ENBWREN, WEA/WEBWE byte enables, WRITE_MODE READ_FIRST / WRITE_FIRST / NO_CHANGE on
//     the same port, and same-edge reads of the other port's write (old data) in READ_FIRST mode;
//   - the output latch with RSTRAMARSTRAM/RSTRAMB (to SRVAL) and DOA_REG/DOB_REG output registers
//     with REGCE, RSTREG and RSTREG_PRIORITY; INIT_A/INIT_B as the values at time 0; the IS_*_INVERTED
//     parameters. INIT_A/B and SRVAL_A/B are {parity, data} as on the pins.
// Anything else (cascade, ECC, SLEEP, INIT_FILE, ENADDRENA/B, RDADDRCHANGE, unknown control values,
// write/write or non-READ_FIRST read/write collisions of the two ports) stops the simulation with
// $fatal: parameters at time 0, signals at a clock edge. Unused data output bits read 0.
module RAMB18E2 #(
    parameter CASCADE_ORDER_A = "NONE",
    parameter CASCADE_ORDER_B = "NONE",
    parameter CLOCK_DOMAINS = "INDEPENDENT",
    parameter integer DOA_REG = 1,
    parameter integer DOB_REG = 1,
    parameter ENADDRENA = "FALSE",
    parameter ENADDRENB = "FALSE",
    parameter [255:0] INIT_00 = 256'h0,
    parameter [255:0] INIT_01 = 256'h0,
    parameter [255:0] INIT_02 = 256'h0,
    parameter [255:0] INIT_03 = 256'h0,
    parameter [255:0] INIT_04 = 256'h0,
    parameter [255:0] INIT_05 = 256'h0,
    parameter [255:0] INIT_06 = 256'h0,
    parameter [255:0] INIT_07 = 256'h0,
    parameter [255:0] INIT_08 = 256'h0,
    parameter [255:0] INIT_09 = 256'h0,
    parameter [255:0] INIT_0A = 256'h0,
    parameter [255:0] INIT_0B = 256'h0,
    parameter [255:0] INIT_0C = 256'h0,
    parameter [255:0] INIT_0D = 256'h0,
    parameter [255:0] INIT_0E = 256'h0,
    parameter [255:0] INIT_0F = 256'h0,
    parameter [255:0] INIT_10 = 256'h0,
    parameter [255:0] INIT_11 = 256'h0,
    parameter [255:0] INIT_12 = 256'h0,
    parameter [255:0] INIT_13 = 256'h0,
    parameter [255:0] INIT_14 = 256'h0,
    parameter [255:0] INIT_15 = 256'h0,
    parameter [255:0] INIT_16 = 256'h0,
    parameter [255:0] INIT_17 = 256'h0,
    parameter [255:0] INIT_18 = 256'h0,
    parameter [255:0] INIT_19 = 256'h0,
    parameter [255:0] INIT_1A = 256'h0,
    parameter [255:0] INIT_1B = 256'h0,
    parameter [255:0] INIT_1C = 256'h0,
    parameter [255:0] INIT_1D = 256'h0,
    parameter [255:0] INIT_1E = 256'h0,
    parameter [255:0] INIT_1F = 256'h0,
    parameter [255:0] INIT_20 = 256'h0,
    parameter [255:0] INIT_21 = 256'h0,
    parameter [255:0] INIT_22 = 256'h0,
    parameter [255:0] INIT_23 = 256'h0,
    parameter [255:0] INIT_24 = 256'h0,
    parameter [255:0] INIT_25 = 256'h0,
    parameter [255:0] INIT_26 = 256'h0,
    parameter [255:0] INIT_27 = 256'h0,
    parameter [255:0] INIT_28 = 256'h0,
    parameter [255:0] INIT_29 = 256'h0,
    parameter [255:0] INIT_2A = 256'h0,
    parameter [255:0] INIT_2B = 256'h0,
    parameter [255:0] INIT_2C = 256'h0,
    parameter [255:0] INIT_2D = 256'h0,
    parameter [255:0] INIT_2E = 256'h0,
    parameter [255:0] INIT_2F = 256'h0,
    parameter [255:0] INIT_30 = 256'h0,
    parameter [255:0] INIT_31 = 256'h0,
    parameter [255:0] INIT_32 = 256'h0,
    parameter [255:0] INIT_33 = 256'h0,
    parameter [255:0] INIT_34 = 256'h0,
    parameter [255:0] INIT_35 = 256'h0,
    parameter [255:0] INIT_36 = 256'h0,
    parameter [255:0] INIT_37 = 256'h0,
    parameter [255:0] INIT_38 = 256'h0,
    parameter [255:0] INIT_39 = 256'h0,
    parameter [255:0] INIT_3A = 256'h0,
    parameter [255:0] INIT_3B = 256'h0,
    parameter [255:0] INIT_3C = 256'h0,
    parameter [255:0] INIT_3D = 256'h0,
    parameter [255:0] INIT_3E = 256'h0,
    parameter [255:0] INIT_3F = 256'h0,
    parameter [255:0] INITP_00 = 256'h0,
    parameter [255:0] INITP_01 = 256'h0,
    parameter [255:0] INITP_02 = 256'h0,
    parameter [255:0] INITP_03 = 256'h0,
    parameter [255:0] INITP_04 = 256'h0,
    parameter [255:0] INITP_05 = 256'h0,
    parameter [255:0] INITP_06 = 256'h0,
    parameter [255:0] INITP_07 = 256'h0,
    parameter [17:0] INIT_A = 18'h0,
    parameter [17:0] INIT_B = 18'h0,
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
    parameter [17:0] SRVAL_A = 18'h0,
    parameter [17:0] SRVAL_B = 18'h0,
    parameter WRITE_MODE_A = "NO_CHANGE",
    parameter WRITE_MODE_B = "NO_CHANGE",
    parameter integer WRITE_WIDTH_A = 0,
    parameter integer WRITE_WIDTH_B = 0
) (
    output [15:0] CASDOUTA,
    output [15:0] CASDOUTB,
    output [1:0] CASDOUTPA,
    output [1:0] CASDOUTPB,
    output [15:0] DOUTADOUT,
    output [15:0] DOUTBDOUT,
    output [1:0] DOUTPADOUTP,
    output [1:0] DOUTPBDOUTP,
    input [13:0] ADDRARDADDR,
    input [13:0] ADDRBWRADDR,
    input ADDRENA,
    input ADDRENB,
    input CASDIMUXA,
    input CASDIMUXB,
    input [15:0] CASDINA,
    input [15:0] CASDINB,
    input [1:0] CASDINPA,
    input [1:0] CASDINPB,
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
    input [15:0] DINADIN,
    input [15:0] DINBDIN,
    input [1:0] DINPADINP,
    input [1:0] DINPBDINP,
    input ENARDEN,
    input ENBWREN,
    input REGCEAREGCE,
    input REGCEB,
    input RSTRAMARSTRAM,
    input RSTRAMB,
    input RSTREGARSTREG,
    input RSTREGB,
    input SLEEP,
    input [1:0] WEA,
    input [3:0] WEBWE
);
  localparam integer NB = 2048;  // bytes (each with its parity bit)
  localparam integer DW = 16;
  localparam integer PW = 2;
  localparam integer WAW = 2;
  localparam integer WBW = 4;
  localparam integer SDPW = 36;
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

  localparam [NB*8-1:0] INIT_ALL = {INIT_3F, INIT_3E, INIT_3D, INIT_3C, INIT_3B, INIT_3A, INIT_39, INIT_38, INIT_37, INIT_36, INIT_35, INIT_34, INIT_33, INIT_32, INIT_31, INIT_30, INIT_2F, INIT_2E, INIT_2D, INIT_2C, INIT_2B, INIT_2A, INIT_29, INIT_28, INIT_27, INIT_26, INIT_25, INIT_24, INIT_23, INIT_22, INIT_21, INIT_20, INIT_1F, INIT_1E, INIT_1D, INIT_1C, INIT_1B, INIT_1A, INIT_19, INIT_18, INIT_17, INIT_16, INIT_15, INIT_14, INIT_13, INIT_12, INIT_11, INIT_10, INIT_0F, INIT_0E, INIT_0D, INIT_0C, INIT_0B, INIT_0A, INIT_09, INIT_08, INIT_07, INIT_06, INIT_05, INIT_04, INIT_03, INIT_02, INIT_01, INIT_00};
  localparam [NB-1:0] INITP_ALL = {INITP_07, INITP_06, INITP_05, INITP_04, INITP_03, INITP_02, INITP_01, INITP_00};

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
    ok_width = w == 0 || w == 1 || w == 2 || w == 4 || w == 9 || w == 18 || (sdp != 0 && w == SDPW);
  endfunction

  integer i;
  initial begin
    if (CASCADE_ORDER_A != "NONE" || CASCADE_ORDER_B != "NONE") $fatal(1, "RAMB18E2 model: %m: cascading (CASCADE_ORDER_A/B) is not supported");
    if (INIT_FILE != "NONE") $fatal(1, "RAMB18E2 model: %m: INIT_FILE is not supported");
    if (ENADDRENA != "FALSE" || ENADDRENB != "FALSE") $fatal(1, "RAMB18E2 model: %m: ENADDRENA/B are not supported");
    if (RDADDRCHANGEA != "FALSE" || RDADDRCHANGEB != "FALSE") $fatal(1, "RAMB18E2 model: %m: RDADDRCHANGEA/B are not supported");
    if (!ok_width(READ_WIDTH_A, 1) || !ok_width(READ_WIDTH_B, 0) || !ok_width(WRITE_WIDTH_A, 0) || !ok_width(WRITE_WIDTH_B, 1))
      $fatal(1, "RAMB18E2 model: %m: unsupported widths READ_WIDTH_A=%0d READ_WIDTH_B=%0d WRITE_WIDTH_A=%0d WRITE_WIDTH_B=%0d", READ_WIDTH_A, READ_WIDTH_B, WRITE_WIDTH_A, WRITE_WIDTH_B);
    if (SDP_RD && (READ_WIDTH_B != 0 || WRITE_WIDTH_A != 0 || DOA_REG != DOB_REG))
      $fatal(1, "RAMB18E2 model: %m: READ_WIDTH_A=%0d needs READ_WIDTH_B=0, WRITE_WIDTH_A=0 and DOA_REG=DOB_REG", SDPW);
    if (SDP_WR && (WRITE_WIDTH_A != 0 || READ_WIDTH_B != 0))
      $fatal(1, "RAMB18E2 model: %m: WRITE_WIDTH_B=%0d needs WRITE_WIDTH_A=0 and READ_WIDTH_B=0", SDPW);
    if (DOA_REG < 0 || DOA_REG > 1 || DOB_REG < 0 || DOB_REG > 1)
      $fatal(1, "RAMB18E2 model: %m: unsupported DOA_REG/DOB_REG");
    if ((WRITE_MODE_A != "READ_FIRST" && WRITE_MODE_A != "WRITE_FIRST" && WRITE_MODE_A != "NO_CHANGE") ||
        (WRITE_MODE_B != "READ_FIRST" && WRITE_MODE_B != "WRITE_FIRST" && WRITE_MODE_B != "NO_CHANGE"))
      $fatal(1, "RAMB18E2 model: %m: unsupported WRITE_MODE_A/B");
    if ((WRITE_MODE_A == "WRITE_FIRST" && READ_WIDTH_A != 0 && WRITE_WIDTH_A != 0 && READ_WIDTH_A != WRITE_WIDTH_A) ||
        (WRITE_MODE_B == "WRITE_FIRST" && READ_WIDTH_B != 0 && WRITE_WIDTH_B != 0 && READ_WIDTH_B != WRITE_WIDTH_B))
      $fatal(1, "RAMB18E2 model: %m: WRITE_FIRST with different read and write widths on one port is not supported");
    if ((RSTREG_PRIORITY_A != "RSTREG" && RSTREG_PRIORITY_A != "REGCE") || (RSTREG_PRIORITY_B != "RSTREG" && RSTREG_PRIORITY_B != "REGCE"))
      $fatal(1, "RAMB18E2 model: %m: unsupported RSTREG_PRIORITY_A/B");
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

  // ---- port A: clock edge ----
  always @(posedge clk_a) begin : port_a
    integer l, k, base, off, nb;
    reg [63:0] rdata, wdata;
    reg [7:0] rpar, wpar, wlanes;
    reg [8:0] word9;
    reg writing;
    if (SLEEP === 1'b1) $fatal(1, "RAMB18E2 model: %m: SLEEP is not supported");
    if (CASDIMUXA === 1'b1 || CASDOMUXA === 1'b1 || CASOREGIMUXA === 1'b1) $fatal(1, "RAMB18E2 model: %m: cascade multiplexers are not supported");
    if ((RW_A != 0 || WW_A != 0) && en_a !== 1'b1 && en_a !== 1'b0) $fatal(1, "RAMB18E2 model: %m: ENARDEN is %b at a clock edge", en_a);
    if (rstram_a === 1'b1 && en_a !== 1'b1) $fatal(1, "RAMB18E2 model: %m: RSTRAMARSTRAM without ENARDEN is not modelled");
    // Output register: takes the latch value from before this edge.
    if (DOA_REG == 1) begin
      if (rstreg_a === 1'b1 && (RSTREG_PRIORITY_A == "RSTREG" || REGCEAREGCE === 1'b1)) begin
        rega_d <= srvala_d; rega_p <= srvala_p;
        if (SDP_RD) begin rega_hi_d <= srvalb_d; rega_hi_p <= srvalb_p; end
      end else if (REGCEAREGCE === 1'b1) begin
        rega_d <= lata_d; rega_p <= lata_p;
        if (SDP_RD) begin rega_hi_d <= lata_hi_d; rega_hi_p <= lata_hi_p; end
      end else if (REGCEAREGCE !== 1'b0) $fatal(1, "RAMB18E2 model: %m: REGCEAREGCE is %b at a clock edge", REGCEAREGCE);
    end
    writing = 1'b0;
    a_t = $time;
    a_wr_lo = -1; a_wr_hi = -2; a_rd_lo = -1; a_rd_hi = -2;
    if (en_a === 1'b1) begin
      // Write (before reading, on copies: the memory itself changes after this edge).
      wdata = 64'd0; wpar = 8'd0; wlanes = 8'd0;
      if (WW_A != 0) begin
        wdata = DINADIN; wpar = DINPADINP;
        if (WW_A < 9) begin
          if (WEA[0] === 1'b1) wlanes = 8'd1;
          else if (WEA[0] !== 1'b0) $fatal(1, "RAMB18E2 model: %m: WEA[0] is %b at a clock edge", WEA[0]);
        end else begin
          for (k = 0; k < WAW; k = k + 1) if (WEA[k] !== WEA[k % WL_A]) $fatal(1, "RAMB18E2 model: %m: WEA=%b is not %0d byte enable(s) repeated", WEA, WL_A);
          wlanes = WEA;
        end
        if (^ADDRARDADDR === 1'bx) begin
          if (wlanes != 0) $fatal(1, "RAMB18E2 model: %m: write with unknown address %b", ADDRARDADDR);
        end else if (wlanes != 0) begin
          writing = 1'b1;
          if (WW_A < 9) begin
            base = ((ADDRARDADDR >> WSH_A) * WW_A) / 8;
            off = ((ADDRARDADDR >> WSH_A) * WW_A) % 8;
            word9 = mem[base];
            for (k = 0; k < 4; k = k + 1) if (k < WW_A) word9[off + k] = wdata[k];
            mem[base] <= word9;
            a_wr_lo = base; a_wr_hi = base;
          end else begin
            base = (ADDRARDADDR >> WSH_A) * WL_A;
            for (l = 0; l < 8; l = l + 1)
              if (l < WL_A && wlanes[l]) mem[base + l] <= {wpar[l], wdata[8*l +: 8]};
            a_wr_lo = base; a_wr_hi = base + WL_A - 1;
          end
        end
      end
      // Read into the output latch.
      if (RW_A != 0) begin
        if (rstram_a === 1'b1) begin
          lata_d <= srvala_d; lata_p <= srvala_p;
          if (SDP_RD) begin lata_hi_d <= srvalb_d; lata_hi_p <= srvalb_p; end
        end else if (!(writing && WRITE_MODE_A == "NO_CHANGE")) begin
          rdata = 64'd0; rpar = 8'd0;
          if (^ADDRARDADDR === 1'bx) begin
            $fatal(1, "RAMB18E2 model: %m: read with unknown address %b", ADDRARDADDR);
          end else if (RW_A < 9) begin
            base = ((ADDRARDADDR >> RSH_A) * RW_A) / 8;
            off = ((ADDRARDADDR >> RSH_A) * RW_A) % 8;
            for (k = 0; k < 4; k = k + 1) if (k < RW_A) rdata[k] = mem[base][off + k];
            if (writing && WRITE_MODE_A == "WRITE_FIRST") rdata = wdata & ((64'd1 << RW_A) - 64'd1);
            a_rd_lo = base; a_rd_hi = base;
          end else begin
            base = (ADDRARDADDR >> RSH_A) * RL_A;
            for (l = 0; l < 8; l = l + 1)
              if (l < RL_A) begin
                word9 = mem[base + l];
                if (writing && WRITE_MODE_A == "WRITE_FIRST" && wlanes[l]) word9 = {wpar[l], wdata[8*l +: 8]};
                rdata[8*l +: 8] = word9[7:0];
                rpar[l] = word9[8];
              end
            a_rd_lo = base; a_rd_hi = base + RL_A - 1;
          end
          lata_d <= rdata[DW-1:0];
          lata_p <= rpar[PW-1:0];
        if (SDP_RD) begin
          lata_hi_d <= rdata[2*DW-1:DW];
          lata_hi_p <= rpar[2*PW-1:PW];
        end
        end
      end
    end
    // Same-time accesses of both ports to the same bytes: only READ_FIRST reads of old data are modelled.
    if (b_t == $time) begin
      if (a_wr_lo <= b_wr_hi && b_wr_lo <= a_wr_hi)
        $fatal(1, "RAMB18E2 model: %m: both ports write the same bytes at the same time");
      if ((a_wr_lo <= b_rd_hi && b_rd_lo <= a_wr_hi) || (b_wr_lo <= a_rd_hi && a_rd_lo <= b_wr_hi))
        if (WRITE_MODE_A != "READ_FIRST" || WRITE_MODE_B != "READ_FIRST")
          $fatal(1, "RAMB18E2 model: %m: read/write collision between the ports outside READ_FIRST mode");
    end
  end

  // ---- port B: clock edge ----
  always @(posedge clk_b) begin : port_b
    integer l, k, base, off, nb;
    reg [63:0] rdata, wdata;
    reg [7:0] rpar, wpar, wlanes;
    reg [8:0] word9;
    reg writing;
    if (SLEEP === 1'b1) $fatal(1, "RAMB18E2 model: %m: SLEEP is not supported");
    if (CASDIMUXB === 1'b1 || CASDOMUXB === 1'b1 || CASOREGIMUXB === 1'b1) $fatal(1, "RAMB18E2 model: %m: cascade multiplexers are not supported");
    if ((RW_B != 0 || WW_B != 0) && en_b !== 1'b1 && en_b !== 1'b0) $fatal(1, "RAMB18E2 model: %m: ENBWREN is %b at a clock edge", en_b);
    if (rstram_b === 1'b1 && en_b !== 1'b1) $fatal(1, "RAMB18E2 model: %m: RSTRAMB without ENBWREN is not modelled");
    // Output register: takes the latch value from before this edge.
    if (DOB_REG == 1) begin
      if (rstreg_b === 1'b1 && (RSTREG_PRIORITY_B == "RSTREG" || REGCEB === 1'b1)) begin
        regb_d <= srvalb_d; regb_p <= srvalb_p;
        
      end else if (REGCEB === 1'b1) begin
        regb_d <= latb_d; regb_p <= latb_p;
        
      end else if (REGCEB !== 1'b0) $fatal(1, "RAMB18E2 model: %m: REGCEB is %b at a clock edge", REGCEB);
    end
    writing = 1'b0;
    b_t = $time;
    b_wr_lo = -1; b_wr_hi = -2; b_rd_lo = -1; b_rd_hi = -2;
    if (en_b === 1'b1) begin
      // Write (before reading, on copies: the memory itself changes after this edge).
      wdata = 64'd0; wpar = 8'd0; wlanes = 8'd0;
      if (WW_B != 0) begin
        if (SDP_WR) begin wdata = {DINBDIN, DINADIN}; wpar = {DINPBDINP, DINPADINP}; end
        else begin wdata = DINBDIN; wpar = DINPBDINP; end
        if (WW_B < 9) begin
          if (WEBWE[0] === 1'b1) wlanes = 8'd1;
          else if (WEBWE[0] !== 1'b0) $fatal(1, "RAMB18E2 model: %m: WEBWE[0] is %b at a clock edge", WEBWE[0]);
        end else begin
          if (SDP_WR) wlanes = WEBWE;
          else begin
            for (k = 0; k < WAW; k = k + 1) if (WEBWE[k] !== WEBWE[k % WL_B]) $fatal(1, "RAMB18E2 model: %m: WEBWE=%b is not %0d byte enable(s) repeated", WEBWE, WL_B);
            wlanes = WEBWE[WAW-1:0];
          end
        end
        if (^ADDRBWRADDR === 1'bx) begin
          if (wlanes != 0) $fatal(1, "RAMB18E2 model: %m: write with unknown address %b", ADDRBWRADDR);
        end else if (wlanes != 0) begin
          writing = 1'b1;
          if (WW_B < 9) begin
            base = ((ADDRBWRADDR >> WSH_B) * WW_B) / 8;
            off = ((ADDRBWRADDR >> WSH_B) * WW_B) % 8;
            word9 = mem[base];
            for (k = 0; k < 4; k = k + 1) if (k < WW_B) word9[off + k] = wdata[k];
            mem[base] <= word9;
            b_wr_lo = base; b_wr_hi = base;
          end else begin
            base = (ADDRBWRADDR >> WSH_B) * WL_B;
            for (l = 0; l < 8; l = l + 1)
              if (l < WL_B && wlanes[l]) mem[base + l] <= {wpar[l], wdata[8*l +: 8]};
            b_wr_lo = base; b_wr_hi = base + WL_B - 1;
          end
        end
      end
      // Read into the output latch.
      if (RW_B != 0) begin
        if (rstram_b === 1'b1) begin
          latb_d <= srvalb_d; latb_p <= srvalb_p;
          
        end else if (!(writing && WRITE_MODE_B == "NO_CHANGE")) begin
          rdata = 64'd0; rpar = 8'd0;
          if (^ADDRBWRADDR === 1'bx) begin
            $fatal(1, "RAMB18E2 model: %m: read with unknown address %b", ADDRBWRADDR);
          end else if (RW_B < 9) begin
            base = ((ADDRBWRADDR >> RSH_B) * RW_B) / 8;
            off = ((ADDRBWRADDR >> RSH_B) * RW_B) % 8;
            for (k = 0; k < 4; k = k + 1) if (k < RW_B) rdata[k] = mem[base][off + k];
            if (writing && WRITE_MODE_B == "WRITE_FIRST") rdata = wdata & ((64'd1 << RW_B) - 64'd1);
            b_rd_lo = base; b_rd_hi = base;
          end else begin
            base = (ADDRBWRADDR >> RSH_B) * RL_B;
            for (l = 0; l < 8; l = l + 1)
              if (l < RL_B) begin
                word9 = mem[base + l];
                if (writing && WRITE_MODE_B == "WRITE_FIRST" && wlanes[l]) word9 = {wpar[l], wdata[8*l +: 8]};
                rdata[8*l +: 8] = word9[7:0];
                rpar[l] = word9[8];
              end
            b_rd_lo = base; b_rd_hi = base + RL_B - 1;
          end
          latb_d <= rdata[DW-1:0];
          latb_p <= rpar[PW-1:0];
        end
      end
    end
    // Same-time accesses of both ports to the same bytes: only READ_FIRST reads of old data are modelled.
    if (a_t == $time) begin
      if (b_wr_lo <= a_wr_hi && a_wr_lo <= b_wr_hi)
        $fatal(1, "RAMB18E2 model: %m: both ports write the same bytes at the same time");
      if ((b_wr_lo <= a_rd_hi && a_rd_lo <= b_wr_hi) || (a_wr_lo <= b_rd_hi && b_rd_lo <= a_wr_hi))
        if (WRITE_MODE_A != "READ_FIRST" || WRITE_MODE_B != "READ_FIRST")
          $fatal(1, "RAMB18E2 model: %m: read/write collision between the ports outside READ_FIRST mode");
    end
  end
endmodule
