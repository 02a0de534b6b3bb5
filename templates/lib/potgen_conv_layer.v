// potgen_conv_layer: streaming 2-D convolution + requantisation + ReLU (hand-written library).
// Part of potgen; a generated wrapper sets the parameters and supplies the bias ROM and the dot
// products: potgen_dot_array reading a weight ROM (weights stored as codes), or a generated
// module with the weights fixed into logic. Either takes dot_act on dot_valid and gives, DL
// cycles later, per PE a sum and a carry whose total is the step's dot product.
//
// Streams: one beat = one pixel, all channels, channel 0 in the low bits; pixels in raster order.
//   in : C channels of AB_IN unsigned bits;  out: OC channels of AB_OUT unsigned bits, tlast on
//   the last pixel of each frame. Input tlast is not needed: frames are counted.
//
// Arithmetic, per output pixel and channel o (exactly the reference model's):
//   acc   = sum over ky, kx, c of x[oy*S-PAD+ky][ox*S-PAD+kx][c] * w[o][ky][kx][c]   (x = 0 in the padding)
//   y     = saturate_AB_OUT(relu((acc + bias_round[o]) >>> SHIFT))
//   where bias_round = bias + 2^(SHIFT-1) comes from the bias ROM (round half up).
//
//   With RELU = 0 (a network's last layer, e.g. before arg-max) there is no ReLU and y saturates
//   to a signed AB_OUT-bit integer instead.
//
//   With MB > 0 (uniform weights with a real scale) requantisation goes through a fixed-point
//   multiplier M[o] (MB bits, unsigned) read from the bias ROM beside the bias:
//   y     = saturate_AB_OUT(relu((acc + bias[o]) * M[o] + 2^(SHIFT-1)) >>> SHIFT)
//   and the bias ROM holds the bias alone (the rounding offset is added after the multiply).
//
// Structure:
//   potgen_window — line buffer and sequencer: for each output pixel, F = PF * FIN steps in the
//                  loop order pe-group > ky > kx > simd-group; step f reads ROM word f (PE*SIMD
//                  codes) and SIMD lanes of the window: channels of one tap, or whole taps (see
//                  potgen_window.v), FIN = ceil(K/TY) * ceil(K/TX) * CG steps per accumulation.
//   dot products  — outside this module (ports dot_*), DL cycles from dot_valid to dot_sums.
//   pipeline      — read (1) | dot products (DL) | accumulate (1) |
//                  bias add (1) | [MB > 0: multiply by M, add 2^(SHIFT-1) (1)] |
//                  shift, ReLU, saturate into the output FIFO (1).
//
// Parameters and their ranges (checked at elaboration; mechanism: see potgen_window.v):
//   H, W, C, OC >= 1; AB_IN >= 1
//   K >= 1, S >= 1, 0 <= PAD < K, H + 2*PAD >= K, W + 2*PAD >= K
//   PE >= 1 dividing OC; SIMD >= 1 dividing C, or C*T with 1 < T < K, or C*K*m with 1 <= m <= K
//   DL >= 1 the dot products' latency;  SW >= 1 their width;  RQW >= SW (and >= 2 with RELU)
//   MB >= 0 (0: requantise by the shift alone);  0 <= SHIFT < RQW, or < RQW + MB + 1 with MB > 0;
//   RELU 0 or 1;  AB_OUT >= 1, and >= 2 without ReLU (a signed output)
//   R >= K and R >= K + S - 1 - PAD (line-buffer rows);  FIFO_DEPTH a power of two >= 2
//   SLIDE 0, or 1 for the whole window a step (SIMD = C*K*K, S < K) from a sliding register
//   window: S*K line-buffer reads a pixel, ceil(K/S) - 1 preload cycles a row (potgen_window.v)
//   T_, TX_, TY_, CG_, F_, FB_, PB_ derived; they must keep their defaults.
`default_nettype none
module potgen_conv_layer #(
    parameter integer H          = 8,
    parameter integer W          = 8,
    parameter integer C          = 1,
    parameter integer OC         = 1,
    parameter integer K          = 3,
    parameter integer S          = 1,
    parameter integer PAD        = 0,
    parameter integer PE         = 1,
    parameter integer SIMD       = 1,
    parameter integer AB_IN      = 8,
    parameter integer AB_OUT     = 8,
    parameter integer DL         = 1,
    parameter integer SW         = 20,
    parameter integer RQW        = 22,
    parameter integer MB         = 0,
    parameter integer SHIFT      = 0,
    parameter integer RELU       = 1,
    parameter integer R          = 8,
    parameter integer FIFO_DEPTH = 8,
    parameter integer SLIDE      = 0,
    // Derived; not to be overridden.
    parameter integer T_         = (SIMD > C) ? SIMD / C : 1,          // kernel taps per step
    parameter integer TX_        = (T_ < K) ? T_ : K,                  // taps per kernel row
    parameter integer TY_        = T_ / TX_,                           // kernel rows per step
    parameter integer CG_        = (SIMD <= C) ? C / SIMD : 1,         // steps per tap
    parameter integer F_         = (OC / PE) * ((K + TY_ - 1) / TY_) * ((K + TX_ - 1) / TX_) * CG_,
    parameter integer FB_        = (F_ > 1) ? $clog2(F_) : 1,
    parameter integer PB_        = (OC / PE > 1) ? $clog2(OC / PE) : 1
) (
    input  wire                   clk,
    input  wire                   rst_n,
    input  wire [C*AB_IN-1:0]     s_axis_tdata,
    input  wire                   s_axis_tvalid,
    output wire                   s_axis_tready,
    output wire [OC*AB_OUT-1:0]   m_axis_tdata,
    output wire                   m_axis_tvalid,
    input  wire                   m_axis_tready,
    output wire                   m_axis_tlast,
    // Step f of the pixel, issued one cycle before its data: a weight ROM's address and enable.
    output wire [FB_-1:0]         weight_addr,
    output wire                   weight_en,
    // Dot products: dot_act (SIMD lanes) on dot_valid; DL cycles later dot_sums + dot_carries.
    output wire                   dot_valid,
    output wire [SIMD*AB_IN-1:0]  dot_act,
    input  wire [PE*SW-1:0]       dot_sums,
    input  wire [PE-1:0]          dot_carries,
    // Bias ROM: registered read of the PE biases (with rounding offset) of group `bias_addr`.
    output wire [PB_-1:0]         bias_addr,
    output wire                   bias_en,
    input  wire [PE*(RQW+MB)-1:0] bias_q
);
    // ---------------------------------------------------------------- sizes
    localparam integer PF   = OC / PE;
    localparam integer D    = DL;                                          // dot-product latency
    localparam integer FIN  = F_ / PF;                                     // steps per accumulation
    localparam integer QB   = $clog2(FIFO_DEPTH) + 1;
    localparam integer CTLW = 5 + PB_;
    localparam integer BW   = RQW + MB;                                    // bias ROM lane: {M, bias}
    localparam integer QW   = (MB > 0) ? RQW + MB + 1 : RQW;               // width of the shifted value

    // ---------------------------------------------------------------- parameter checks
    generate
        if (H < 1 || W < 1 || C < 1 || OC < 1 || AB_IN < 1) begin : g_bad_size
            localparam integer potgen_conv_layer__H_W_C_OC_AB_IN_must_be_at_least_1 = {H, W, C, OC, AB_IN, $random};
            wire invalid = potgen_conv_layer__H_W_C_OC_AB_IN_must_be_at_least_1[0];
        end
        if (K < 1 || S < 1) begin : g_bad_kernel
            localparam integer potgen_conv_layer__K_and_S_must_be_at_least_1 = {K, S, $random};
            wire invalid = potgen_conv_layer__K_and_S_must_be_at_least_1[0];
        end
        if (PAD < 0 || PAD >= K) begin : g_bad_pad
            localparam integer potgen_conv_layer__PAD_must_be_at_least_0_and_less_than_K = {PAD, K, $random};
            wire invalid = potgen_conv_layer__PAD_must_be_at_least_0_and_less_than_K[0];
        end
        if (H + 2*PAD < K || W + 2*PAD < K) begin : g_bad_fit
            localparam integer potgen_conv_layer__K_must_fit_H_and_W_plus_2_PAD = {K, H, W, PAD, $random};
            wire invalid = potgen_conv_layer__K_must_fit_H_and_W_plus_2_PAD[0];
        end
        if (PE < 1 || OC % PE != 0) begin : g_bad_pe
            localparam integer potgen_conv_layer__PE_must_divide_OC = {PE, OC, $random};
            wire invalid = potgen_conv_layer__PE_must_divide_OC[0];
        end
        if (SIMD < 1 || !((SIMD <= C && C % SIMD == 0)
                          || (SIMD > C && SIMD % C == 0 && (SIMD / C < K
                              || ((SIMD / C) % K == 0 && SIMD / C / K <= K))))) begin : g_bad_simd
            localparam integer potgen_conv_layer__SIMD_must_divide_C_or_span_whole_kernel_taps = {SIMD, C, K, $random};
            wire invalid = potgen_conv_layer__SIMD_must_divide_C_or_span_whole_kernel_taps[0];
        end
        if (DL < 1 || SW < 1) begin : g_bad_dot
            localparam integer potgen_conv_layer__DL_and_SW_must_be_at_least_1 = {DL, SW, $random};
            wire invalid = potgen_conv_layer__DL_and_SW_must_be_at_least_1[0];
        end
        if (RQW < SW) begin : g_bad_rqw
            localparam integer potgen_conv_layer__RQW_must_be_at_least_SW = {RQW, SW, $random};
            wire invalid = potgen_conv_layer__RQW_must_be_at_least_SW[0];
        end
        if (RELU != 0 && RQW < 2) begin : g_bad_rqw_relu
            localparam integer potgen_conv_layer__RQW_must_be_at_least_2_with_RELU = {RQW, RELU, $random};
            wire invalid = potgen_conv_layer__RQW_must_be_at_least_2_with_RELU[0];
        end
        if (MB < 0) begin : g_bad_mb
            localparam integer potgen_conv_layer__MB_must_be_at_least_0 = {MB, $random};
            wire invalid = potgen_conv_layer__MB_must_be_at_least_0[0];
        end
        if (SHIFT < 0 || (MB == 0 && SHIFT >= RQW)) begin : g_bad_shift
            localparam integer potgen_conv_layer__SHIFT_must_be_at_least_0_and_less_than_RQW = {SHIFT, RQW, $random};
            wire invalid = potgen_conv_layer__SHIFT_must_be_at_least_0_and_less_than_RQW[0];
        end
        if (MB > 0 && SHIFT >= RQW + MB + 1) begin : g_bad_shift_mul
            localparam integer potgen_conv_layer__SHIFT_must_be_less_than_RQW_plus_MB_plus_1_with_a_multiplier = {SHIFT, RQW, MB, $random};
            wire invalid = potgen_conv_layer__SHIFT_must_be_less_than_RQW_plus_MB_plus_1_with_a_multiplier[0];
        end
        if (RELU != 0 && RELU != 1) begin : g_bad_relu
            localparam integer potgen_conv_layer__RELU_must_be_0_or_1 = {RELU, $random};
            wire invalid = potgen_conv_layer__RELU_must_be_0_or_1[0];
        end
        if (AB_OUT < 1 || (RELU == 0 && AB_OUT < 2)) begin : g_bad_ab_out
            localparam integer potgen_conv_layer__AB_OUT_must_be_at_least_1_and_at_least_2_without_RELU = {AB_OUT, RELU, $random};
            wire invalid = potgen_conv_layer__AB_OUT_must_be_at_least_1_and_at_least_2_without_RELU[0];
        end
        if (R < K || R < K + S - 1 - PAD) begin : g_bad_rows
            localparam integer potgen_conv_layer__R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD = {R, K, S, PAD, $random};
            wire invalid = potgen_conv_layer__R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD[0];
        end
        if (FIFO_DEPTH < 2 || (FIFO_DEPTH & (FIFO_DEPTH - 1)) != 0) begin : g_bad_depth
            localparam integer potgen_conv_layer__FIFO_DEPTH_must_be_a_power_of_two_at_least_2 = {FIFO_DEPTH, $random};
            wire invalid = potgen_conv_layer__FIFO_DEPTH_must_be_a_power_of_two_at_least_2[0];
        end
        if (T_ != ((SIMD > C) ? SIMD / C : 1) || TX_ != ((T_ < K) ? T_ : K) || TY_ != T_ / TX_
            || CG_ != ((SIMD <= C) ? C / SIMD : 1) || F_ != (OC / PE) * ((K + TY_ - 1) / TY_) * ((K + TX_ - 1) / TX_) * CG_
            || FB_ != ((F_ > 1) ? $clog2(F_) : 1) || PB_ != ((OC / PE > 1) ? $clog2(OC / PE) : 1)) begin : g_bad_derived
            localparam integer potgen_conv_layer__derived_T__TX__TY__CG__F__FB__PB__must_keep_their_defaults = {T_, TX_, TY_, CG_, F_, FB_, PB_, $random};
            wire invalid = potgen_conv_layer__derived_T__TX__TY__CG__F__FB__PB__must_keep_their_defaults[0];
        end
    endgenerate

    // ---------------------------------------------------------------- window: line buffer + sequencer
    wire [QB-1:0]         fifo_count;
    wire                  push;
    wire                  v1, pad1, first1, last1, pixlast1, framelast1;
    wire [PB_-1:0]        p1;
    wire [SIMD*AB_IN-1:0] act;
    potgen_window #(
        .H(H), .W(W), .C(C), .AB(AB_IN), .K(K), .S(S), .PAD(PAD), .SIMD(SIMD), .OUTER(PF),
        .R(R), .FIFO_DEPTH(FIFO_DEPTH), .SLIDE(SLIDE)
    ) u_window (
        .clk             (clk),
        .rst_n           (rst_n),
        .s_axis_tdata    (s_axis_tdata),
        .s_axis_tvalid   (s_axis_tvalid),
        .s_axis_tready   (s_axis_tready),
        .fifo_count      (fifo_count),
        .pixel_done      (push),
        .step_issue      (weight_en),
        .step_index      (weight_addr),
        .step_valid      (v1),
        .step_data       (act),
        .step_pad        (pad1),
        .step_first      (first1),
        .step_last       (last1),
        .step_outer      (p1),
        .step_pixel_last (pixlast1),
        .step_frame_last (framelast1)
    );

    // ---------------------------------------------------------------- stages 2..1+D: dot products
    // Steps wholly in the padding skip them (operand isolation) and add zero at the accumulator.
    wire [PE*SW-1:0] sums    = dot_sums;
    wire [PE-1:0]    carries = dot_carries;  // sums[li] + carries[li] is the step's dot product
    assign dot_valid = v1 && !pad1;
    assign dot_act   = act;

    reg [CTLW:0] ctl [1:D];
    integer di;
    always @(posedge clk) begin
        ctl[1] <= {(rst_n && v1), pad1, first1, last1, pixlast1, framelast1, p1};
        for (di = 2; di <= D; di = di + 1) ctl[di] <= rst_n ? ctl[di-1] : {(CTLW + 1){1'b0}};
    end
    wire           vd         = ctl[D][CTLW];
    wire           zd         = ctl[D][CTLW-1];
    /* verilator lint_off UNUSEDSIGNAL */
    wire           firstd     = ctl[D][CTLW-2];  // unused when every accumulation is one step
    /* verilator lint_on UNUSEDSIGNAL */
    wire           lastd      = ctl[D][CTLW-3];
    wire           pixlastd   = ctl[D][CTLW-4];
    wire           framelastd = ctl[D][PB_];
    wire [PB_-1:0] pd         = ctl[D][PB_-1:0];

    // ---------------------------------------------------------------- accumulate, bias, requantise
    reg  [PE*SW-1:0]  total;             // the finished accumulator of each lane
    reg               va, pixlasta, framelasta;
    reg  [PE*RQW-1:0] biased;
    reg               vb, pixlastb, framelastb;
    wire              vq, pixlastq, framelastq;  // the stage whose value is shifted into y
    reg  [PE*AB_OUT-1:0] y;
    assign bias_addr = pd;
    assign bias_en   = vd && lastd;

    genvar li;
    generate
        for (li = 0; li < PE; li = li + 1) begin : g_lane
            wire [SW-1:0] term  = zd ? {SW{1'b0}} : sums[li*SW +: SW];
            wire          carry = !zd && carries[li];
            wire          total_carry;  // a carry still to add, on the bias adder's carry input
            if (FIN > 1) begin : g_accumulate
                // The array's carry rides on this adder's carry input: one chain, no extra LUTs.
                reg  [SW-1:0] acc;
                wire [SW-1:0] base  = firstd ? {SW{1'b0}} : acc;
                wire [SW-1:0] next  = base + term + {{(SW - 1){1'b0}}, carry};
                always @(posedge clk) begin
                    if (vd) acc <= next;
                    if (vd && lastd) total[li*SW +: SW] <= next;
                end
                assign total_carry = 1'b0;
            end else begin : g_single_step
                // One step per accumulation (an unrolled layer): nothing to accumulate, and the
                // carry waits for the bias adder, so no adder is spent on it here.
                reg carry_q;
                always @(posedge clk) begin
                    if (vd) begin
                        total[li*SW +: SW] <= term;
                        carry_q            <= carry;
                    end
                end
                assign total_carry = carry_q;
            end
            wire [RQW-1:0] total_ext;
            if (RQW > SW) begin : g_ext
                assign total_ext = {{(RQW - SW){total[li*SW + SW - 1]}}, total[li*SW +: SW]};
            end else begin : g_same
                assign total_ext = total[li*SW +: RQW];
            end
            always @(posedge clk) begin
                if (va) biased[li*RQW +: RQW] <= total_ext + bias_q[li*BW +: RQW] + {{(RQW - 1){1'b0}}, total_carry};
            end
            wire [QW-1:0] pre;  // the value to shift: the biased sum, or it times M plus the rounding offset
            if (MB > 0) begin : g_mul
                reg  [MB-1:0]        m;
                reg  signed [QW-1:0] scaled;
                always @(posedge clk) begin
                    if (va) m <= bias_q[li*BW + RQW +: MB];
                end
                wire signed [QW-1:0] b_ext = {{(QW - RQW){biased[li*RQW + RQW - 1]}}, biased[li*RQW +: RQW]};
                wire signed [QW-1:0] m_ext = {{(QW - MB){1'b0}}, m};
                wire signed [QW-1:0] round_c;
                if (SHIFT > 0) begin : g_round
                    assign round_c = {{(QW - 1){1'b0}}, 1'b1} << (SHIFT - 1);
                end else begin : g_noround
                    assign round_c = {QW{1'b0}};
                end
                // |biased| < 2^(RQW-1) and M < 2^MB: the product and offset fit QW signed bits.
                always @(posedge clk) begin
                    if (vb) scaled <= b_ext * m_ext + round_c;
                end
                assign pre = scaled;
            end else begin : g_nomul
                assign pre = biased[li*RQW +: RQW];
            end
            // Shift, then ReLU and unsigned saturation, or signed saturation without ReLU.
            wire signed [QW-1:0] shifted = $signed(pre) >>> SHIFT;
            wire [AB_OUT-1:0]     y_lane;
            always @* y[li*AB_OUT +: AB_OUT] = y_lane;  // not a part-select assign: see potgen_dot_array.v
            if (RELU == 0) begin : g_signed
                if (QW > AB_OUT) begin : g_sat
                    // In range when every bit above the output's sign bit equals the sign.
                    wire high_ones  = &shifted[QW-1:AB_OUT-1];
                    wire high_zeros = ~|shifted[QW-1:AB_OUT-1];
                    assign y_lane = (high_ones || high_zeros) ? shifted[AB_OUT-1:0]
                                  : shifted[QW-1] ? {1'b1, {(AB_OUT - 1){1'b0}}}
                                  : {1'b0, {(AB_OUT - 1){1'b1}}};
                end else if (QW == AB_OUT) begin : g_same
                    assign y_lane = shifted;
                end else begin : g_widen
                    assign y_lane = {{(AB_OUT - QW){shifted[QW-1]}}, shifted};
                end
            end else if (QW - 1 > AB_OUT) begin : g_sat
                wire over = |shifted[QW-2:AB_OUT];
                assign y_lane = shifted[QW-1] ? {AB_OUT{1'b0}}
                              : over           ? {AB_OUT{1'b1}}
                              : shifted[AB_OUT-1:0];
            end else if (QW - 1 == AB_OUT) begin : g_nosat
                assign y_lane = shifted[QW-1] ? {AB_OUT{1'b0}} : shifted[AB_OUT-1:0];
            end else begin : g_widen
                assign y_lane = shifted[QW-1] ? {AB_OUT{1'b0}}
                              : {{(AB_OUT - QW + 1){1'b0}}, shifted[QW-2:0]};
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            va <= 1'b0;
            vb <= 1'b0;
        end else begin
            va <= vd && lastd;
            vb <= va;
        end
        pixlasta   <= pixlastd;
        framelasta <= framelastd;
        pixlastb   <= pixlasta;
        framelastb <= framelasta;
    end
    generate
        if (MB > 0) begin : g_mul_stage
            reg vc, pixlastc, framelastc;
            always @(posedge clk) begin
                if (!rst_n) vc <= 1'b0;
                else vc <= vb;
                pixlastc   <= pixlastb;
                framelastc <= framelastb;
            end
            assign vq = vc;
            assign pixlastq = pixlastc;
            assign framelastq = framelastc;
        end else begin : g_no_mul_stage
            assign vq = vb;
            assign pixlastq = pixlastb;
            assign framelastq = framelastb;
        end
    endgenerate

    // ---------------------------------------------------------------- output word and FIFO
    wire [OC*AB_OUT-1:0] word;
    assign push = vq && pixlastq;
    generate
        if (PF > 1) begin : g_fold
            reg [(PF-1)*PE*AB_OUT-1:0] partial;  // groups 0..PF-2 of the pixel being finished
            reg [PB_-1:0]              group;
            always @(posedge clk) begin
                if (!rst_n) group <= {PB_{1'b0}};
                else if (vq) group <= pixlastq ? {PB_{1'b0}} : group + 1'b1;
            end
            // One enable per group slot: constant part-selects, so no index arithmetic is built.
            genvar gs;
            for (gs = 0; gs < PF - 1; gs = gs + 1) begin : g_slot
                localparam integer GS = gs;
                always @(posedge clk) begin
                    if (vq && !pixlastq && group == GS[PB_-1:0]) partial[gs*PE*AB_OUT +: PE*AB_OUT] <= y;
                end
            end
            assign word = {y, partial};
        end else begin : g_single
            assign word = y;
        end
    endgenerate

    /* verilator lint_off PINCONNECTEMPTY */
    potgen_axis_fifo #(.WIDTH(OC*AB_OUT), .DEPTH(FIFO_DEPTH)) u_out (
        .clk     (clk),
        .rst_n   (rst_n),
        .s_valid (push),
        .s_ready (),                      // always ready for a push: the engine holds credits
        .s_data  (word),
        .s_last  (framelastq),
        .m_valid (m_axis_tvalid),
        .m_ready (m_axis_tready),
        .m_data  (m_axis_tdata),
        .m_last  (m_axis_tlast),
        .count   (fifo_count)
    );
    /* verilator lint_on PINCONNECTEMPTY */
endmodule
`default_nettype wire
