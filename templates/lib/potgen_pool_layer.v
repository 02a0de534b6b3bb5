// potgen_pool_layer: streaming max or average pooling (hand-written library). Part of potgen.
//
// Streams as potgen_conv_layer: one beat = one pixel, C channels x AB unsigned bits, channel 0 in
// the low bits; tlast on the last output pixel of each frame. x = 0 in the padding.
//   MODE = 0, max:     y[oy][ox][c] = max over ky, kx < K of x[oy*S-PAD+ky][ox*S-PAD+kx][c]
//   MODE = 1, average: sum = the sum over the same K*K values (AB + ceil(log2 K*K) unsigned bits),
//                      y   = (sum * RECIP + R0) >> RSHIFT, truncated to AB bits,
//                      where R0 = 2^(RSHIFT-1) if RSHIFT > 0, else 0.
// Zero padding is exact for max pooling because the inputs are unsigned (they follow a ReLU). For
// average pooling the padding counts as zeros and the divisor is always N = K*K (PyTorch's
// count_include_pad=True): the generator passes RECIP ~ 2^RSHIFT / N (RECIP = 1, RSHIFT = log2 N
// when N is a power of two, a plain rounding shift) and guarantees y <= 2^AB - 1, which is checked
// at elaboration for the largest sum, K*K*(2^AB - 1).
// The constant multiply has no multiplier: sum * RECIP is a sum of shifted copies of `sum`, one per
// nonzero digit of RECIP in canonical signed-digit form (2^a - 2^b instead of runs of ones), added
// by a balanced tree of ceil(log2(T + 1)) levels, T the number of digits, with R0 as one more
// operand. The arithmetic is modulo 2^(RSHIFT + AB), which keeps the result bits exact: a
// subtracted copy v is added as its complement (-v = ~v + 1), and the +1s are folded into the
// constant operand. With RECIP = 1 this is one rounding addition and a shift.
//
// potgen_window walks the K*K taps of each output pixel, one per cycle, all channels at once.
// Pipeline, and the latency from a tap's step_issue to the FIFO write of its pixel:
//   MODE = 0: read (1) | running maximum into the FIFO (1):              2 cycles; the push is in
//             the cycle step_valid is high with step_last.
//   MODE = 1: read (1) | running sum (1) | constant multiply into the FIFO (1): 3 cycles; the push
//             is one cycle after step_valid with step_last.
//
// Parameters and their ranges (checked at elaboration; mechanism: see potgen_window.v):
//   H, W, C >= 1; AB >= 1; K >= 1, S >= 1, 0 <= PAD < K, H + 2*PAD >= K, W + 2*PAD >= K
//   R >= K and R >= K + S - 1 - PAD (line-buffer rows); FIFO_DEPTH a power of two >= 2
//   MODE 0 or 1;  with MODE = 1: AB <= 32, RECIP 1 .. 2^31 - 1, RSHIFT 0 .. 64, and
//   ((K*K*(2^AB - 1)) * RECIP + R0) >> RSHIFT <= 2^AB - 1 (the largest mean fits AB bits).
`default_nettype none
module potgen_pool_layer #(
    parameter integer H          = 8,
    parameter integer W          = 8,
    parameter integer C          = 1,
    parameter integer AB         = 8,
    parameter integer K          = 2,
    parameter integer S          = 2,
    parameter integer PAD        = 0,
    parameter integer R          = 8,
    parameter integer FIFO_DEPTH = 4,
    parameter integer MODE       = 0,
    parameter integer RECIP      = 1,
    parameter integer RSHIFT     = 0
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [C*AB-1:0] s_axis_tdata,
    input  wire            s_axis_tvalid,
    output wire            s_axis_tready,
    output wire [C*AB-1:0] m_axis_tdata,
    output wire            m_axis_tvalid,
    input  wire            m_axis_tready,
    output wire            m_axis_tlast
);
    localparam integer QB = $clog2(FIFO_DEPTH) + 1;
    localparam integer KK = K * K;

    // y for the largest sum, n * (2^bits - 1), exactly at 128 bits.
    function [127:0] largest_mean(input integer n, input integer bits, input integer recip, input integer shift);
        reg [127:0] n_w, recip_w;
        begin
            n_w           = 128'd0;
            n_w[31:0]     = n;
            recip_w       = 128'd0;
            recip_w[31:0] = recip;
            largest_mean  = n_w * ((128'd1 << bits) - 128'd1) * recip_w;
            if (shift > 0) largest_mean = largest_mean + (128'd1 << (shift - 1));
            largest_mean  = largest_mean >> shift;
        end
    endfunction
    localparam [127:0] AMAX_L   = (128'd1 << AB) - 128'd1;
    localparam [127:0] MEAN_MAX = largest_mean(KK, AB, RECIP, RSHIFT);

    // ---------------------------------------------------------------- parameter checks
    generate
        if (H < 1 || W < 1 || C < 1 || AB < 1) begin : g_bad_size
            localparam integer potgen_pool_layer__H_W_C_AB_must_be_at_least_1 = {H, W, C, AB, $random};
            wire invalid = potgen_pool_layer__H_W_C_AB_must_be_at_least_1[0];
        end
        if (K < 1 || S < 1) begin : g_bad_kernel
            localparam integer potgen_pool_layer__K_and_S_must_be_at_least_1 = {K, S, $random};
            wire invalid = potgen_pool_layer__K_and_S_must_be_at_least_1[0];
        end
        if (PAD < 0 || PAD >= K) begin : g_bad_pad
            localparam integer potgen_pool_layer__PAD_must_be_at_least_0_and_less_than_K = {PAD, K, $random};
            wire invalid = potgen_pool_layer__PAD_must_be_at_least_0_and_less_than_K[0];
        end
        if (H + 2*PAD < K || W + 2*PAD < K) begin : g_bad_fit
            localparam integer potgen_pool_layer__K_must_fit_H_and_W_plus_2_PAD = {K, H, W, PAD, $random};
            wire invalid = potgen_pool_layer__K_must_fit_H_and_W_plus_2_PAD[0];
        end
        if (R < K || R < K + S - 1 - PAD) begin : g_bad_rows
            localparam integer potgen_pool_layer__R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD = {R, K, S, PAD, $random};
            wire invalid = potgen_pool_layer__R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD[0];
        end
        if (FIFO_DEPTH < 2 || (FIFO_DEPTH & (FIFO_DEPTH - 1)) != 0) begin : g_bad_depth
            localparam integer potgen_pool_layer__FIFO_DEPTH_must_be_a_power_of_two_at_least_2 = {FIFO_DEPTH, $random};
            wire invalid = potgen_pool_layer__FIFO_DEPTH_must_be_a_power_of_two_at_least_2[0];
        end
        if (MODE != 0 && MODE != 1) begin : g_bad_mode
            localparam integer potgen_pool_layer__MODE_must_be_0_or_1 = {MODE, $random};
            wire invalid = potgen_pool_layer__MODE_must_be_0_or_1[0];
        end
        if (MODE == 1 && (RECIP < 1 || RSHIFT < 0 || RSHIFT > 64 || AB > 32)) begin : g_bad_recip
            localparam integer potgen_pool_layer__RECIP_must_be_at_least_1_RSHIFT_0_to_64_and_AB_at_most_32_for_MODE_1 = {RECIP, RSHIFT, AB, $random};
            wire invalid = potgen_pool_layer__RECIP_must_be_at_least_1_RSHIFT_0_to_64_and_AB_at_most_32_for_MODE_1[0];
        end
        if (MODE == 1 && RECIP >= 1 && RSHIFT >= 0 && RSHIFT <= 64 && AB <= 32 && MEAN_MAX > AMAX_L) begin : g_bad_mean
            localparam integer potgen_pool_layer__RECIP_and_RSHIFT_must_keep_the_mean_of_K_times_K_values_within_AB_bits = {RECIP, RSHIFT, K, AB, $random};
            wire invalid = potgen_pool_layer__RECIP_and_RSHIFT_must_keep_the_mean_of_K_times_K_values_within_AB_bits[0];
        end
    endgenerate

    wire [QB-1:0]   fifo_count;
    wire            push;
    wire            valid, first, last, frame_last;
    wire [C*AB-1:0] data;

    /* verilator lint_off PINCONNECTEMPTY */
    potgen_window #(
        .H(H), .W(W), .C(C), .AB(AB), .K(K), .S(S), .PAD(PAD), .SIMD(C), .OUTER(1),
        .R(R), .FIFO_DEPTH(FIFO_DEPTH)
    ) u_window (
        .clk             (clk),
        .rst_n           (rst_n),
        .s_axis_tdata    (s_axis_tdata),
        .s_axis_tvalid   (s_axis_tvalid),
        .s_axis_tready   (s_axis_tready),
        .fifo_count      (fifo_count),
        .pixel_done      (push),
        .step_issue      (),            // no ROM to address
        .step_index      (),
        .step_valid      (valid),
        .step_data       (data),        // zeros in the padding
        .step_pad        (),
        .step_first      (first),
        .step_last       (last),
        .step_outer      (),
        .step_pixel_last (),            // = step_last: one accumulation per pixel
        .step_frame_last (frame_last)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    wire [C*AB-1:0] word;               // the pixel pushed into the FIFO
    wire            word_last;
    genvar c, l, i;
    generate
        if (MODE == 0) begin : g_max
            // Each channel's block writes its part of one register vector: a vector assembled from
            // C part-select assigns would become, in Icarus, a concatenation that every reader
            // converts back bit by bit on every channel's change (see potgen_dot_array.v), and one
            // block looping over every channel would rerun them all on any change (measured slower).
            reg  [C*AB-1:0] best;
            reg  [C*AB-1:0] merged;
            for (c = 0; c < C; c = c + 1) begin : g_channel
                wire [AB-1:0] x = data[c*AB +: AB];
                wire [AB-1:0] b = best[c*AB +: AB];
                always @* merged[c*AB +: AB] = (first || x > b) ? x : b;
            end
            always @(posedge clk) begin
                if (valid) best <= merged;
            end
            assign push      = valid && last;
            assign word      = merged;
            assign word_last = frame_last;
        end else begin : g_average
            // The running sum holds a pixel's complete sum for the one cycle after its last tap,
            // the cycle in which it is multiplied and pushed; the next pixel's first tap replaces
            // it at the end of that cycle.
            localparam integer SB = AB + ((KK > 1) ? $clog2(KK) : 0);  // sum bits
            localparam integer MB = RSHIFT + AB;                       // multiply bits (modulo)
            localparam integer T  = digit_count(RECIP, MB);           // shifted copies of the sum
            localparam integer N_OPS = T + 1;                          // and the constant
            localparam integer LEVELS = $clog2(N_OPS);
            localparam [127:0] CONSTANT = constant_operand(RECIP, MB, RSHIFT);
            reg [C*AB-1:0] mean;                                       // every channel's y
            reg push_q, last_q;
            always @(posedge clk) begin
                if (!rst_n) push_q <= 1'b0;
                else        push_q <= valid && last;
                if (valid && last) last_q <= frame_last;
            end
            assign push      = push_q;
            assign word_last = last_q;
            for (c = 0; c < C; c = c + 1) begin : g_channel
                reg  [SB-1:0] acc;
                wire [SB-1:0] x = {{(SB - AB){1'b0}}, data[c*AB +: AB]};
                always @(posedge clk) begin
                    if (valid) acc <= first ? x : acc + x;
                end
                wire [MB-1:0] sum_m;                       // the sum modulo 2^MB
                if (MB > SB) begin : g_widen
                    assign sum_m = {{(MB - SB){1'b0}}, acc};
                end else begin : g_cut
                    assign sum_m = acc[MB-1:0];
                end
                // The tree: node i of level l is g_level[l].g_node[i].value. Level 0 holds the
                // operands: t < T, the sum shifted to digit t's position, complemented when the
                // digit is negative; T, the constant. Each level above adds pairs of the one below.
                // One net per node, not vectors assembled from part-select assigns, which Icarus
                // turns into concatenations that every reader converts back bit by bit whenever
                // any part changes (see potgen_dot_array.v).
                for (l = 0; l <= LEVELS; l = l + 1) begin : g_level
                    localparam integer PCNT = (l > 0) ? node_count(N_OPS, l - 1) : 0;
                    for (i = 0; i < node_count(N_OPS, l); i = i + 1) begin : g_node
                        wire [MB-1:0] value;
                        if (l == 0 && i == T) begin : g_constant
                            assign value = CONSTANT[MB-1:0];
                        end else if (l == 0) begin : g_term
                            localparam integer POS = digit_position(RECIP, MB, i);
                            wire [MB-1:0] shifted = sum_m << POS;
                            if (digit_sign(RECIP, POS) > 0) begin : g_add
                                assign value = shifted;
                            end else begin : g_subtract
                                assign value = ~shifted;
                            end
                        end else if (2 * i + 1 < PCNT) begin : g_add
                            assign value = g_level[l-1].g_node[2*i].value + g_level[l-1].g_node[2*i + 1].value;
                        end else begin : g_pass
                            assign value = g_level[l-1].g_node[2*i].value;
                        end
                    end
                end
                /* verilator lint_off UNUSEDSIGNAL */
                wire [MB-1:0] product = g_level[LEVELS].g_node[0].value;  // its low RSHIFT bits are dropped
                /* verilator lint_on UNUSEDSIGNAL */
                // Gathered by a block, not a part-select assign, for the same reason.
                always @* mean[c*AB +: AB] = product[RSHIFT +: AB];
            end
            assign word = mean;
        end
    endgenerate

    // ---------------------------------------------------------------- constant-multiply plan
    // Digit `pos` of `value` in canonical signed-digit (non-adjacent) form: +1, -1 or 0.
    function integer digit_sign(input integer value, input integer pos);
        reg [33:0] v;
        integer j;
        begin
            v = {2'b00, value};
            digit_sign = 0;
            for (j = 0; j <= pos; j = j + 1) begin
                if (v[0] == 1'b0)      digit_sign = 0;
                else if (v[1] == 1'b0) digit_sign = 1;
                else                   digit_sign = -1;
                if (digit_sign == 1)  v = v - 34'd1;
                if (digit_sign == -1) v = v + 34'd1;
                v = v >> 1;
            end
        end
    endfunction

    // Nonzero digits of `value` below bit `bits` (higher ones vanish modulo 2^bits).
    function integer digit_count(input integer value, input integer bits);
        integer j;
        begin
            digit_count = 0;
            for (j = 0; j < bits && j < 34; j = j + 1)
                if (digit_sign(value, j) != 0) digit_count = digit_count + 1;
        end
    endfunction

    // Position of the nonzero digit number `index` (from the lowest) below bit `bits`.
    function integer digit_position(input integer value, input integer bits, input integer index);
        integer j, seen;
        begin
            digit_position = 0;
            seen = 0;
            for (j = 0; j < bits && j < 34; j = j + 1) begin
                if (digit_sign(value, j) != 0) begin
                    if (seen == index) digit_position = j;
                    seen = seen + 1;
                end
            end
        end
    endfunction

    // R0 plus one for every complemented (subtracted) copy (reduced modulo 2^bits where it is used).
    function [127:0] constant_operand(input integer value, input integer bits, input integer shift);
        integer j;
        begin
            constant_operand = (shift > 0) ? (128'd1 << (shift - 1)) : 128'd0;
            for (j = 0; j < bits && j < 34; j = j + 1)
                if (digit_sign(value, j) < 0) constant_operand = constant_operand + 128'd1;
        end
    endfunction

    // Nodes at level `level` of a tree over n operands (level 0: the operands).
    function integer node_count(input integer n, input integer level);
        node_count = (n + (1 << level) - 1) >> level;
    endfunction

    /* verilator lint_off PINCONNECTEMPTY */
    potgen_axis_fifo #(.WIDTH(C*AB), .DEPTH(FIFO_DEPTH)) u_out (
        .clk     (clk),
        .rst_n   (rst_n),
        .s_valid (push),
        .s_ready (),                    // always ready for a push: the window holds credits
        .s_data  (word),
        .s_last  (word_last),
        .m_valid (m_axis_tvalid),
        .m_ready (m_axis_tready),
        .m_data  (m_axis_tdata),
        .m_last  (m_axis_tlast),
        .count   (fifo_count)
    );
    /* verilator lint_on PINCONNECTEMPTY */
endmodule
`default_nettype wire
