// potgen_dot_array: PE dot products of SIMD terms per cycle (hand-written library). Part of potgen.
//
// The activations and the codes are registered (on in_valid); lane (p, i) then multiplies
// activation i (unsigned AB bits) by weight code (p, i) (WB bits) into a signed PW-bit product
// and a one-bit `one`, and each PE's SIMD products and ones go through a pipelined adder tree
// into a signed SW-bit sum and a carry. Contract, per PE:
//   sums[p] + carries[p] = sum of its SIMD exact products  (mod 2^SW)
// and the caller adds the carry on its accumulator's carry input. Latency: 1 + ceil(log2 SIMD).
//
// MODE_POT = 1 — power of two (bitshift-and-accumulate): code = {sign, m}, m = WB-1 bits;
//   m = 0 is the weight zero, else the product is ±(a << (m - 1)). No multiplier exists here.
//   A negative product is ~(a << (m - 1)) with one = 1: the + 1 of the negation rides on a carry
//   input of the adder tree, so a lane is a shifter and a row of XORs, not a shifter and a carry
//   chain. The shift is (a << m) >> 1 rather than a << (m - 1): no decrement.
// MODE_POT = 0 — uniform: code is a WB-bit two's-complement integer and the product is a * code
//   (no ones).
//
// Operand isolation: the operand registers only load on in_valid, and a zero PoT weight gives 0
// (and one = 0, also for the negative zero), so pruned weights and idle cycles cause no toggling
// in the adder tree.
//
// Layout: act[i*AB +: AB]; codes[(p*SIMD + i)*WB +: WB]; sums[p*SW +: SW].
//
// Simulation speed: no vector here is assembled from several part-select drivers (continuous
// assigns or port connections). Icarus turns such a vector into a strength-aware concatenation
// that every reader converts back bit by bit whenever any part changes: PE x SIMD = 75 lanes
// then cost milliseconds per cycle. The operands are two whole registers, the products parts of
// one vector per PE written by one block per lane, and the PE sums are gathered by one
// combinational block each into a register vector.
//
// Parameters and their ranges (checked at elaboration; mechanism: see potgen_window.v):
//   PE >= 1, SIMD >= 1, AB >= 1;  MODE_POT 0 or 1
//   WB    PoT: 2..8 (a sign and at least one magnitude bit);  uniform: >= 2
//   PW    PoT: >= AB + 1 (the smallest nonzero weight, 1, already needs AB bits and a sign);
//         uniform: 1 .. AB + WB + 1 (the full product's width)
//   SW >= PW (the adder tree's output)
`default_nettype none
module potgen_dot_array #(
    parameter integer PE       = 1,
    parameter integer SIMD     = 1,
    parameter integer AB       = 8,
    parameter integer WB       = 4,
    parameter integer MODE_POT = 1,
    parameter integer PW       = 16,
    parameter integer SW       = 20
) (
    input  wire                  clk,
    input  wire                  in_valid,
    input  wire [SIMD*AB-1:0]    act,
    input  wire [PE*SIMD*WB-1:0] codes,
    output wire [PE*SW-1:0]      sums,
    output wire [PE-1:0]         carries
);
    // ---------------------------------------------------------------- parameter checks
    generate
        if (PE < 1 || SIMD < 1 || AB < 1) begin : g_bad_size
            localparam integer potgen_dot_array__PE_SIMD_AB_must_be_at_least_1 = {PE, SIMD, AB, $random};
            wire invalid = potgen_dot_array__PE_SIMD_AB_must_be_at_least_1[0];
        end
        if (MODE_POT != 0 && MODE_POT != 1) begin : g_bad_mode
            localparam integer potgen_dot_array__MODE_POT_must_be_0_or_1 = {MODE_POT, $random};
            wire invalid = potgen_dot_array__MODE_POT_must_be_0_or_1[0];
        end
        if (MODE_POT != 0 && (WB < 2 || WB > 8)) begin : g_bad_wb_pot
            localparam integer potgen_dot_array__WB_must_be_2_to_8_for_PoT = {WB, $random};
            wire invalid = potgen_dot_array__WB_must_be_2_to_8_for_PoT[0];
        end
        if (MODE_POT == 0 && WB < 2) begin : g_bad_wb_uniform
            localparam integer potgen_dot_array__WB_must_be_at_least_2 = {WB, $random};
            wire invalid = potgen_dot_array__WB_must_be_at_least_2[0];
        end
        if (MODE_POT != 0 && PW < AB + 1) begin : g_bad_pw_pot
            localparam integer potgen_dot_array__PW_must_be_at_least_AB_plus_1_for_PoT = {PW, AB, $random};
            wire invalid = potgen_dot_array__PW_must_be_at_least_AB_plus_1_for_PoT[0];
        end
        if (MODE_POT == 0 && (PW < 1 || PW > AB + WB + 1)) begin : g_bad_pw_uniform
            localparam integer potgen_dot_array__PW_must_be_1_to_AB_plus_WB_plus_1 = {PW, AB, WB, $random};
            wire invalid = potgen_dot_array__PW_must_be_1_to_AB_plus_WB_plus_1[0];
        end
        if (SW < PW) begin : g_bad_sw
            localparam integer potgen_dot_array__SW_must_be_at_least_PW = {SW, PW, $random};
            wire invalid = potgen_dot_array__SW_must_be_at_least_PW[0];
        end
    endgenerate

    // The operands are registered, not the products: SIMD activations shared by every PE and one
    // WB-bit code per lane, where a product register would hold PW bits per lane (PoT-4 at 8 x 8
    // lanes: 320 flip-flops instead of 960, and 128 fewer LUTs; uniform-8: 576 instead of 1024).
    // They load only on in_valid, so the products below change only on valid steps.
    reg [SIMD*AB-1:0]    act_q;
    reg [PE*SIMD*WB-1:0] codes_q;
    always @(posedge clk)
        if (in_valid) begin
            act_q   <= act;
            codes_q <= codes;
        end

    reg [PE*SW-1:0] sums_r;
    reg [PE-1:0]    carries_r;
    genvar p, i;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_pe
            reg  [SIMD*PW-1:0] products;  // the SIMD products of this PE (combinational)
            /* verilator lint_off UNDRIVEN */
            /* verilator lint_off UNUSEDSIGNAL */
            reg  [SIMD-1:0]    ones;      // the + 1 of each negated product (PoT only; unused when uniform)
            /* verilator lint_on UNUSEDSIGNAL */
            /* verilator lint_on UNDRIVEN */
            wire [SW-1:0]      tree_sum;
            wire               tree_one;
            for (i = 0; i < SIMD; i = i + 1) begin : g_lane
                wire [AB-1:0] a    = act_q[i*AB +: AB];
                wire [WB-1:0] code = codes_q[(p*SIMD + i)*WB +: WB];
                if (MODE_POT != 0) begin : g_shift
                    wire [WB-2:0] m    = code[WB-2:0];
                    wire          sign = code[WB-1];
                    wire          zero = m == {(WB - 1){1'b0}};
                    /* verilator lint_off UNUSEDSIGNAL */
                    wire [PW:0]   wide = {{(PW + 1 - AB){1'b0}}, a} << m;  // bit 0 is never read
                    /* verilator lint_on UNUSEDSIGNAL */
                    wire [PW-1:0] magnitude = wide[PW:1];
                    always @* begin
                        products[i*PW +: PW] = zero ? {PW{1'b0}} : magnitude ^ {PW{sign}};
                        ones[i]              = sign && !zero;
                    end
                end else begin : g_multiply
                    localparam integer FW = AB + WB + 1;
                    /* verilator lint_off UNUSEDSIGNAL */
                    wire signed [FW-1:0] full = $signed({1'b0, a}) * $signed(code);  // bits above PW are sign copies by the width bound
                    /* verilator lint_on UNUSEDSIGNAL */
                    always @* products[i*PW +: PW] = full[PW-1:0];
                end
            end
            potgen_adder_tree #(.N(SIMD), .IW(PW), .OW(SW), .ONES(MODE_POT)) u_tree (
                .clk      (clk),
                .in       (products),
                .ones     (ones),
                .sum      (tree_sum),
                .one_left (tree_one)
            );
            always @* begin
                sums_r[p*SW +: SW] = tree_sum;
                carries_r[p]       = tree_one;
            end
        end
    endgenerate
    assign sums    = sums_r;
    assign carries = carries_r;
endmodule
`default_nettype wire
