// potgen_window: line buffer and sliding-window sequencer shared by every windowed layer
// (convolution, pooling, dense). Hand-written library; part of potgen.
//
// Input stream: one beat = one pixel of C channels x AB bits, channel 0 in the low bits, raster
// order; frames are counted (no tlast needed).
//
// Line buffer: a ring of R whole input rows; row r of a frame lives at {slot, column}, so
// addresses are concatenations, never products. `occ` counts the complete rows held from the
// oldest row still needed (`base_row`); the input stalls only when the ring is full, and a frame's
// unused tail rows are released as they arrive.
//
// Sequencer: for each output pixel (oy, ox) it issues F = OUTER * FIN steps, FIN = SY * SX * CG
// per accumulation, in the loop order outer > ky (steps of TY) > kx (steps of TX) > channel group,
// where OUTER repeats the window (a conv layer's output-channel groups) and a step carries SIMD
// lanes of AB bits, with
//   CG = (SIMD <= C) ? C / SIMD : 1    channel groups per tap
//   T  = (SIMD > C) ? SIMD / C : 1     taps per step: TY rows of TX taps,
//   TX = (T < K) ? T : K,  TY = T / TX
//   SX = ceil(K / TX), SY = ceil(K / TY)   steps along a kernel row, and down the kernel
// So SIMD dividing C gives one tap (T = 1) in CG channel groups, and SIMD = C * T, T > 1, gives T
// taps of all C channels: T < K is part of one kernel row (TY = 1), T = K * m with m <= K is m
// whole rows (TX = K). Spanning taps keeps a wide dot-product array busy on a layer with few
// channels (a first conv layer's C = 1), and any T lets a folding match its target closely: when
// T does not divide K, a row's last step (or the kernel's last rows, for m not dividing K) runs
// past the kernel, and those taps are outside it: zeros, flagged like taps in the padding, and the
// consumer's weights for them are never used.
// Tap t = 0..T-1 of a step is kernel position (ky + t / TX, kx + t % TX), so a step's lanes are a
// run of the pixel's im2col vector over the kernel widened to SY*TY rows of SX*TX taps
// [ky][kx][c] (channels innermost). One step per cycle:
//   issue cycle  : step_issue = 1, step_index = f (0..F-1), e.g. a ROM address;
//   next cycle   : step_valid = 1 with step_data (tap t in [t*C*AB +: C*AB], or for T = 1 the SIMD
//                  channels of group g; zeros for a tap in the padding or past the kernel),
//                  step_pad (every tap of the
//                  step in the padding: the consumer may skip it), step_first / step_last (first and
//                  last step of one accumulation, FIN steps), step_outer, step_pixel_last,
//                  step_frame_last.
// Each tap is its own read of the line buffer in the issue cycle (one memory, T read ports); a
// pixel's K rows are all in the ring before it starts, whatever T is.
// SLIDE = 1 (whole window a step, T = K*K, S < K) keeps the taps as a window of registers that
// slides along the row: a pixel's first step shifts it by S columns and reads only the S new
// columns (S*K read ports, not K*K), and each output row starts with P = ceil(K/S) - 1 preload
// cycles that fill the window's first columns (no step issued). It costs P cycles a row, so the
// generator chooses it only where the engine waits for the input anyway (OW*F + P <= S*W).
// A pixel starts only when its rows are in the ring and the consumer's output FIFO (FIFO_DEPTH,
// occupancy fifo_count) has room for every pixel in flight; the consumer pulses pixel_done as it
// pushes a pixel, so back-pressure never has to stop a pipeline.
//
// Parameters and their ranges (checked at elaboration, see below):
//   H, W >= 1        input map; C >= 1 channels of AB >= 1 bits
//   K >= 1, S >= 1   square kernel and stride; 0 <= PAD < K zeros on every side, and the padded
//                    map must hold the kernel: H + 2*PAD >= K, W + 2*PAD >= K
//   SIMD >= 1        lanes per step: a divisor of C, or C * T with 1 < T < K, or C * K * m with
//                    1 <= m <= K (T = K * m);  OUTER >= 1 window repeats per pixel
//   SLIDE            0, or 1 with SIMD = C * K * K, K > 1 and S < K
//   R                rows in the ring: R >= K (a pixel needs K rows at once) and
//                    R >= K + S - 1 - PAD (the most rows released at once, at the end of a frame)
//   FIFO_DEPTH >= 1  the consumer's FIFO depth (the credit limit)
//   OH_ .. QB_       derived; they must keep their defaults.
//
// Parameter checks: each rule is a generate-if on the broken rule. Inside, a localparam named
// <module>__<rule> is given the offending parameter values and $random, which no tool can evaluate
// at elaboration, so elaboration fails with the rule in the message: Icarus prints
//   error: Unable to evaluate parameter potgen_window__OUTER_must_be_at_least_1 value: {<OUTER=32'sd0, wid=32>, $random()}
// In Verilator the error is "Expecting expression to be constant, but can't convert a RAND to
// constant", quoting the line; in Yosys "Parameter ... does not evaluate to constant value!" (the
// wire that reads the localparam makes Yosys evaluate it). An untaken generate branch is never
// elaborated, so valid parameters leave no trace in any tool; unlike a missing-module instance
// (Verilator resolves it even in an untaken branch) or $fatal in a generate block (SystemVerilog
// elaboration syntax, which Icarus 11 rejects, and only a warning in Verilator 5.006).
`default_nettype none
module potgen_window #(
    parameter integer H          = 8,
    parameter integer W          = 8,
    parameter integer C          = 1,
    parameter integer AB         = 8,
    parameter integer K          = 3,
    parameter integer S          = 1,
    parameter integer PAD        = 0,
    parameter integer SIMD       = 1,
    parameter integer OUTER      = 1,
    parameter integer R          = 8,
    parameter integer FIFO_DEPTH = 8,
    parameter integer SLIDE      = 0,
    // Derived; not to be overridden. F_ = OUTER * SY * SX * CG (see the header), by cases:
    // T = 1; T < K (TY = 1, TX = T); T >= K (TX = K, TY = T / K). K < 1 only avoids a division by 0.
    parameter integer OH_        = (H + 2*PAD - K) / S + 1,
    parameter integer OW_        = (W + 2*PAD - K) / S + 1,
    parameter integer F_         = OUTER * ((SIMD <= C) ? K * K * (C / SIMD) : (SIMD / C < K || K < 1) ? K * ((K + SIMD / C - 1) / (SIMD / C)) : (K + SIMD / C / K - 1) / (SIMD / C / K)),
    parameter integer FB_        = (F_ > 1) ? $clog2(F_) : 1,
    parameter integer PB_        = (OUTER > 1) ? $clog2(OUTER) : 1,
    parameter integer QB_        = $clog2(FIFO_DEPTH) + 1
) (
    input  wire                  clk,
    input  wire                  rst_n,
    input  wire [C*AB-1:0]       s_axis_tdata,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire [QB_-1:0]        fifo_count,
    input  wire                  pixel_done,
    output wire                  step_issue,
    output wire [FB_-1:0]        step_index,
    output reg                   step_valid,
    output wire [SIMD*AB-1:0]    step_data,
    output reg                   step_pad,     // the AND of the taps' flag flops (the one flop for T = 1)
    output reg                   step_first,
    output reg                   step_last,
    output reg  [PB_-1:0]        step_outer,
    output reg                   step_pixel_last,
    output reg                   step_frame_last
);
    localparam integer OH   = OH_;
    localparam integer OWD  = OW_;
    localparam integer PF   = OUTER;
    // Taps per step (T = TY rows of TX taps) and channel groups per tap; one of T and CG is 1.
    // (The K < 1 guard only keeps an invalid K from dividing by zero before its check fires.)
    localparam integer T    = (SIMD > C) ? SIMD / C : 1;
    localparam integer TX   = (T < K || K < 1) ? T : K;
    localparam integer TY   = T / TX;
    localparam integer CG   = (SIMD <= C) ? C / SIMD : 1;
    localparam integer SX   = (K + TX - 1) / TX;                 // steps along a kernel row
    localparam integer SY   = (K + TY - 1) / TY;                 // steps down the kernel
    localparam integer FIN  = SY * SX * CG;
    localparam integer F    = F_;
    localparam integer CB   = (W > 1) ? $clog2(W) : 1;
    localparam integer RB   = (R > 1) ? $clog2(R) : 1;
    localparam integer KB   = (K > 1) ? $clog2(K) : 1;
    localparam integer GB   = (CG > 1) ? $clog2(CG) : 1;
    localparam integer NB   = (FIN > 1) ? $clog2(FIN) : 1;
    localparam integer XB   = (OWD > 1) ? $clog2(OWD) : 1;
    localparam integer YB_O = (OH > 1) ? $clog2(OH) : 1;
    localparam integer YB   = $clog2(2*H + 2*W + 4*K + 4*S + 2*R + 4) + 2;  // signed row/column arithmetic
    localparam integer QB   = QB_;
    // SLIDE: preload cycles at the start of each output row, and the first load's column.
    localparam integer P    = (SLIDE == 1 && S > 0) ? (K + S - 1) / S - 1 : 0;
    localparam integer PRB  = (P > 1) ? $clog2(P + 1) : 1;
    localparam integer X0_I = -(PAD + P * S);

    // Constants at the widths they are compared with (part-selects keep Verilog-2001 lint clean).
    localparam integer H_I = H, W_I = W, R_I = R, S_I = S, KM1_I = K - 1, PAD_I = PAD, ONE_I = 1, ZERO_I = 0;
    localparam integer W_LAST = W - 1, R_LAST = R - 1, CG_LAST = CG - 1, FIN_LAST = FIN - 1;
    // Steps of the first tap and its last position; a step of K (T >= K, or K*K) is never taken.
    localparam integer TX_I = TX, TY_I = TY, KX_LAST = (SX - 1) * TX, KY_LAST = (SY - 1) * TY;
    localparam integer F_LAST = F - 1, PF_LAST = PF - 1, OW_LAST = OWD - 1, OH_LAST = OH - 1;
    localparam integer DEPTH_I = FIFO_DEPTH;
    localparam signed [YB-1:0] S_H    = H_I[YB-1:0];
    localparam signed [YB-1:0] S_W    = W_I[YB-1:0];
    localparam signed [YB-1:0] S_R    = R_I[YB-1:0];
    localparam signed [YB-1:0] S_S    = S_I[YB-1:0];
    localparam signed [YB-1:0] S_KM1  = KM1_I[YB-1:0];
    localparam signed [YB-1:0] S_PAD  = PAD_I[YB-1:0];
    localparam signed [YB-1:0] S_X0   = X0_I[YB-1:0];      // a row's first column: -PAD, less the preloads'
    localparam signed [YB-1:0] S_ONE  = ONE_I[YB-1:0];
    localparam signed [YB-1:0] S_ZERO = ZERO_I[YB-1:0];

    // ---------------------------------------------------------------- parameter checks (see the header)
    generate
        if (H < 1 || W < 1 || C < 1 || AB < 1) begin : g_bad_size
            localparam integer potgen_window__H_W_C_AB_must_be_at_least_1 = {H, W, C, AB, $random};
            wire invalid = potgen_window__H_W_C_AB_must_be_at_least_1[0];
        end
        if (K < 1 || S < 1) begin : g_bad_kernel
            localparam integer potgen_window__K_and_S_must_be_at_least_1 = {K, S, $random};
            wire invalid = potgen_window__K_and_S_must_be_at_least_1[0];
        end
        if (PAD < 0 || PAD >= K) begin : g_bad_pad
            localparam integer potgen_window__PAD_must_be_at_least_0_and_less_than_K = {PAD, K, $random};
            wire invalid = potgen_window__PAD_must_be_at_least_0_and_less_than_K[0];
        end
        if (H + 2*PAD < K || W + 2*PAD < K) begin : g_bad_fit
            localparam integer potgen_window__K_must_fit_H_and_W_plus_2_PAD = {K, H, W, PAD, $random};
            wire invalid = potgen_window__K_must_fit_H_and_W_plus_2_PAD[0];
        end
        // SIMD > C: C must divide SIMD and T = TX * TY with TX = T < K, TY = 1 (part of a row) or
        // TX = K, TY <= K (whole rows).
        if (SIMD < 1 || (SIMD <= C ? C % SIMD != 0
                                   : SIMD % C != 0 || TX * TY != T || TY > K)) begin : g_bad_simd
            localparam integer potgen_window__SIMD_must_divide_C_or_be_C_times_up_to_K_taps_or_K_rows = {SIMD, C, K, $random};
            wire invalid = potgen_window__SIMD_must_divide_C_or_be_C_times_up_to_K_taps_or_K_rows[0];
        end
        if (OUTER < 1) begin : g_bad_outer
            localparam integer potgen_window__OUTER_must_be_at_least_1 = {OUTER, $random};
            wire invalid = potgen_window__OUTER_must_be_at_least_1[0];
        end
        if (R < K || R < K + S - 1 - PAD) begin : g_bad_rows
            localparam integer potgen_window__R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD = {R, K, S, PAD, $random};
            wire invalid = potgen_window__R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD[0];
        end
        if (SLIDE != 0 && (SLIDE != 1 || SIMD != C * K * K || K < 2 || S >= K)) begin : g_bad_slide
            localparam integer potgen_window__SLIDE_must_be_0_or_1_with_SIMD_C_K_K_and_S_below_K = {SLIDE, SIMD, C, K, S, $random};
            wire invalid = potgen_window__SLIDE_must_be_0_or_1_with_SIMD_C_K_K_and_S_below_K[0];
        end
        if (FIFO_DEPTH < 1) begin : g_bad_depth
            localparam integer potgen_window__FIFO_DEPTH_must_be_at_least_1 = {FIFO_DEPTH, $random};
            wire invalid = potgen_window__FIFO_DEPTH_must_be_at_least_1[0];
        end
        if (OH_ != (H + 2*PAD - K) / S + 1 || OW_ != (W + 2*PAD - K) / S + 1
            || F_ != OUTER * ((SIMD <= C) ? K * K * (C / SIMD) : (SIMD / C < K || K < 1) ? K * ((K + SIMD / C - 1) / (SIMD / C)) : (K + SIMD / C / K - 1) / (SIMD / C / K))
            || FB_ != ((F_ > 1) ? $clog2(F_) : 1) || PB_ != ((OUTER > 1) ? $clog2(OUTER) : 1)
            || QB_ != $clog2(FIFO_DEPTH) + 1) begin : g_bad_derived
            localparam integer potgen_window__derived_OH__OW__F__FB__PB__QB__must_keep_their_defaults = {OH_, OW_, F_, FB_, PB_, QB_, $random};
            wire invalid = potgen_window__derived_OH__OW__F__FB__PB__QB__must_keep_their_defaults[0];
        end
    endgenerate

    // ---------------------------------------------------------------- line buffer (input side)
    // The memory itself, its write port and its T read ports are under "storage" below.
    reg  [CB-1:0]      in_col;
    reg  [RB-1:0]      wr_slot;
    reg  signed [YB-1:0] occ;          // complete rows held, counted from base_row (may dip below 0)
    wire               in_fire  = s_axis_tvalid && s_axis_tready;
    wire               row_done = in_fire && (in_col == W_LAST[CB-1:0]);
    assign s_axis_tready = occ < S_R;

    always @(posedge clk) begin
        if (!rst_n) begin
            in_col  <= {CB{1'b0}};
            wr_slot <= {RB{1'b0}};
        end else if (in_fire) begin
            in_col  <= row_done ? {CB{1'b0}} : in_col + 1'b1;
            if (row_done) wr_slot <= (wr_slot == R_LAST[RB-1:0]) ? {RB{1'b0}} : wr_slot + 1'b1;
        end
    end

    // ---------------------------------------------------------------- engine counters
    reg  [FB_-1:0]       f;
    reg  [NB-1:0]        fin;
    reg  [PB_-1:0]       p;
    reg  [KB-1:0]        ky, kx;        // kernel position of the step's first tap
    reg  [GB-1:0]        g;
    reg  [XB-1:0]        ox;
    reg  [YB_O-1:0]      oy;
    reg  signed [YB-1:0] ox_s, oy_s;    // ox*S - PAD (SLIDE: also the preloads' columns), oy*S - PAD
    reg  signed [YB-1:0] base_row;      // oldest row of this frame still held
    reg  [RB-1:0]        base_slot;     // its slot in the ring

    wire signed [YB-1:0] iy0 = oy_s + $signed({{(YB - KB){1'b0}}, ky});  // the first tap's row and column
    wire signed [YB-1:0] ix0 = ox_s + $signed({{(YB - KB){1'b0}}, kx});

    // A pixel may start once its last needed row is complete and the FIFO has room for it.
    wire signed [YB-1:0] last_needed = (oy_s + S_KM1 < S_H) ? oy_s + S_KM1 : S_H - S_ONE;
    wire                 rows_ready  = occ > last_needed - base_row;
    reg  [QB-1:0]        pending;       // pixels started but not yet in the consumer's FIFO
    wire                 credit_ok   = ({1'b0, pending} + {1'b0, fifo_count}) < DEPTH_I[QB:0];
    wire                 at_start    = f == {FB_{1'b0}};
    // SLIDE: a row's first pixel waits for its P preload cycles (pre counts them).
    reg  [PRB-1:0]       pre;
    wire                 row_first   = ox == {XB{1'b0}};
    wire                 preloaded   = SLIDE == 0 || !row_first || pre == P[PRB-1:0];
    wire                 preload     = SLIDE != 0 && at_start && rows_ready && !preloaded;
    wire                 issue       = at_start ? (rows_ready && credit_ok && preloaded) : 1'b1;
    // The cycles the taps are read: every issue; with SLIDE a pixel's first step and the preloads.
    wire                 load        = (SLIDE == 0) ? issue : preload || (issue && at_start);
    wire                 pixel_end   = issue && (f == F_LAST[FB_-1:0]);
    wire                 frame_end   = pixel_end && (ox == OW_LAST[XB-1:0]) && (oy == OH_LAST[YB_O-1:0]);

    // Rows released when the engine moves to the next output row (or frame).
    wire signed [YB-1:0] next_oy_s   = oy_s + S_S;
    wire signed [YB-1:0] next_base   = (next_oy_s > S_ZERO) ? next_oy_s : S_ZERO;
    wire                 row_end     = pixel_end && (ox == OW_LAST[XB-1:0]);
    wire signed [YB-1:0] released    = !row_end ? S_ZERO : frame_end ? S_H - base_row : next_base - base_row;
    wire [RB:0]          base_sum    = {1'b0, base_slot} + released[RB:0];
    wire [RB-1:0]        base_wrap   = base_sum[RB-1:0] - R_I[RB-1:0];

    always @(posedge clk) begin
        if (!rst_n) begin
            occ <= S_ZERO;
        end else begin
            occ <= occ + (row_done ? S_ONE : S_ZERO) - released;
        end
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            f <= {FB_{1'b0}}; fin <= {NB{1'b0}}; p <= {PB_{1'b0}};
            ky <= {KB{1'b0}}; kx <= {KB{1'b0}}; g <= {GB{1'b0}};
            ox <= {XB{1'b0}}; oy <= {YB_O{1'b0}};
            ox_s <= S_X0; oy_s <= -S_PAD;
            base_row <= S_ZERO; base_slot <= {RB{1'b0}};
        end else if (issue) begin
            f   <= pixel_end ? {FB_{1'b0}} : f + 1'b1;
            fin <= (fin == FIN_LAST[NB-1:0]) ? {NB{1'b0}} : fin + 1'b1;
            if (g != CG_LAST[GB-1:0]) begin
                g <= g + 1'b1;
            end else begin
                g <= {GB{1'b0}};
                if (kx != KX_LAST[KB-1:0]) begin
                    kx <= kx + TX_I[KB-1:0];  // the next TX taps of the row
                end else begin
                    kx <= {KB{1'b0}};
                    if (ky != KY_LAST[KB-1:0]) begin
                        ky <= ky + TY_I[KB-1:0];  // the next TY rows
                    end else begin
                        ky <= {KB{1'b0}};
                        p  <= (p == PF_LAST[PB_-1:0]) ? {PB_{1'b0}} : p + 1'b1;
                    end
                end
            end
            if (pixel_end) begin
                if (ox != OW_LAST[XB-1:0]) begin
                    ox   <= ox + 1'b1;
                    ox_s <= ox_s + S_S;
                end else begin
                    ox   <= {XB{1'b0}};
                    ox_s <= S_X0;
                    if (frame_end) begin
                        oy       <= {YB_O{1'b0}};
                        oy_s     <= -S_PAD;
                        base_row <= S_ZERO;
                    end else begin
                        oy       <= oy + 1'b1;
                        oy_s     <= next_oy_s;
                        base_row <= next_base;
                    end
                    base_slot <= (base_sum >= R_I[RB:0]) ? base_wrap : base_sum[RB-1:0];
                end
            end
        end else if (preload) begin
            ox_s <= ox_s + S_S;
        end
    end

    always @(posedge clk) begin
        if (!rst_n)                   pre <= {PRB{1'b0}};
        else if (preload)             pre <= pre + 1'b1;
        else if (row_end)             pre <= {PRB{1'b0}};
    end

    // ---------------------------------------------------------------- reads (one cycle after issue)
    // Tap t = dy * TX + dx reads pixel (iy0 + dy, ix0 + dx) into taps_q[t*C*AB +: C*AB] (a tap in
    // the padding reads nothing) and keeps its padding flag in pads_q[t]. Each tap block writes
    // only its own part of these registers; the rows are computed once for their TX taps. A tap
    // past the kernel (in a row's or the kernel's last step, when TX or TY does not divide K)
    // counts as padding; only the last step can hold one, so the test is one compare.
    reg  [T*C*AB-1:0] taps_q;
    reg  [T-1:0]      pads_q;
    // With SLIDE the shifted taps have no read port: their bits are tied off and never read.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [T*(RB+CB)-1:0] tap_addr;  // tap t's word {slot, column} in [t*(RB+CB) +: RB+CB]
    wire [T-1:0]         tap_read;  // tap t reads this cycle (issued and not in the padding)
    /* verilator lint_on UNUSEDSIGNAL */
    genvar dy, dx;
    generate
        for (dy = 0; dy < TY; dy = dy + 1) begin : g_row
            localparam integer DY_I = dy;
            localparam signed [YB-1:0] S_DY = DY_I[YB-1:0];
            wire signed [YB-1:0] iy       = iy0 + S_DY;
            wire                 row_out  = (KY_LAST + dy >= K) && ky == KY_LAST[KB-1:0];  // past the kernel
            wire                 row_pad  = row_out || iy < S_ZERO || iy >= S_H;
            wire [RB:0]          rel      = iy[RB:0] - base_row[RB:0];  // 0..K-1 whenever the row is read
            wire [RB:0]          slot_sum = {1'b0, base_slot} + rel;
            wire [RB-1:0]        slot_wrap = slot_sum[RB-1:0] - R_I[RB-1:0];
            wire [RB-1:0]        slot     = (slot_sum >= R_I[RB:0]) ? slot_wrap : slot_sum[RB-1:0];
            for (dx = 0; dx < TX; dx = dx + 1) begin : g_tap
                localparam integer DX_I = dx, TAP = dy * TX + dx;
                localparam signed [YB-1:0] S_DX = DX_I[YB-1:0];
                if (SLIDE != 0 && dx < K - S) begin : g_shifted  // no read: the flag S columns to its right
                    assign tap_addr[TAP*(RB+CB) +: RB+CB] = {(RB+CB){1'b0}};
                    assign tap_read[TAP] = 1'b0;
                    always @(posedge clk) if (load) pads_q[TAP] <= pads_q[TAP + S];
                end else begin : g_read
                    wire signed [YB-1:0] ix  = ix0 + S_DX;
                    wire                 col_out = (KX_LAST + dx >= K) && kx == KX_LAST[KB-1:0];
                    wire                 pad = row_pad || col_out || ix < S_ZERO || ix >= S_W;
                    assign tap_addr[TAP*(RB+CB) +: RB+CB] = {slot, ix[CB-1:0]};
                    assign tap_read[TAP] = load && !pad;
                    if (SLIDE == 0) begin : g_every_cycle
                        always @(posedge clk) pads_q[TAP] <= pad;
                    end else begin : g_on_load
                        always @(posedge clk) if (load) pads_q[TAP] <= pad;
                    end
                end
            end
        end
    endgenerate

    // ---------------------------------------------------------------- storage
    // With several taps a step (T > 1) every tap is a read port of the memory. Block RAM has two
    // ports, so a tool must copy it once per read (Yosys ran out of memory mapping LeNet-5's
    // 25-tap conv1 that way); distributed RAM in LUTs gives each read port for a few LUTs. With one
    // tap a step the tools choose (block RAM for a large buffer). The two branches differ only in
    // that attribute.
    genvar rt;
    generate
        if (T > 1) begin : g_taps_in_luts
            (* ram_style = "distributed" *) reg [C*AB-1:0] buffer [0:R*(1 << CB)-1];
            always @(posedge clk) begin
                if (in_fire) buffer[{wr_slot, in_col}] <= s_axis_tdata;
            end
            for (rt = 0; rt < T; rt = rt + 1) begin : g_read
                if (SLIDE != 0 && rt % K < K - S) begin : g_shift  // SLIDE: no read port, the tap S columns on
                    always @(posedge clk) begin
                        if (load) taps_q[rt*C*AB +: C*AB] <= taps_q[(rt + S)*C*AB +: C*AB];
                    end
                end else begin : g_port
                    always @(posedge clk) begin
                        if (tap_read[rt]) taps_q[rt*C*AB +: C*AB] <= buffer[tap_addr[rt*(RB+CB) +: RB+CB]];
                    end
                end
            end
        end else begin : g_one_tap
            reg [C*AB-1:0] buffer [0:R*(1 << CB)-1];
            always @(posedge clk) begin
                if (in_fire) buffer[{wr_slot, in_col}] <= s_axis_tdata;
            end
            always @(posedge clk) begin
                if (tap_read[0]) taps_q[C*AB-1:0] <= buffer[tap_addr[RB+CB-1:0]];
            end
        end
    endgenerate
    assign step_index = f;
    assign step_issue = issue;

    // Control travelling with the data.
    always @(posedge clk) begin
        if (!rst_n) step_valid <= 1'b0;
        else        step_valid <= issue;
        step_first      <= fin == {NB{1'b0}};
        step_last       <= fin == FIN_LAST[NB-1:0];
        step_pixel_last <= pixel_end;
        step_frame_last <= frame_end;
        step_outer      <= p;
    end

    // The taps gathered by one block (not by a part-select assign per tap: see potgen_dot_array.v),
    // zeros for a tap in the padding. The step is padding only if all its taps are: a partly padded
    // step still has taps to multiply. For T = 1 this is the former single read: step_pad is the
    // tap's flag flop, and the data its read with the padding zeroed.
    reg [T*C*AB-1:0] taps;
    integer          ti;
    always @* begin
        step_pad = &pads_q;
        for (ti = 0; ti < T; ti = ti + 1)
            taps[ti*C*AB +: C*AB] = pads_q[ti] ? {C*AB{1'b0}} : taps_q[ti*C*AB +: C*AB];
    end

    // T = 1 with channel groups: the SIMD channels of group g of the tap (CG = 1 whenever T > 1).
    generate
        if (CG > 1) begin : g_select
            reg  [GB-1:0]         g1;
            wire [SIMD*AB-1:0] groups [0:CG-1];
            always @(posedge clk) g1 <= g;
            genvar gi;
            for (gi = 0; gi < CG; gi = gi + 1) begin : g_group
                assign groups[gi] = taps[gi*SIMD*AB +: SIMD*AB];
            end
            assign step_data = groups[g1];
        end else begin : g_whole
            assign step_data = taps;
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) pending <= {QB{1'b0}};
        else        pending <= pending + {{(QB - 1){1'b0}}, issue && at_start} - {{(QB - 1){1'b0}}, pixel_done};
    end
endmodule
`default_nettype wire
