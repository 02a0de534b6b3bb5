// potgen_dot_array: PE dot products of SIMD terms per cycle (hand-written library). Part of potgen.
//
// Lane (p, i) multiplies activation i (unsigned AB bits) by weight code (p, i) (WB bits) into a
// signed PW-bit product register; each PE's SIMD products then go through a pipelined adder tree
// into a signed SW-bit sum. Latency: 1 + ceil(log2 SIMD) cycles.
//
// MODE_POT = 1 — power of two (bitshift-and-accumulate): code = {sign, m}, m = WB-1 bits;
//   m = 0 is the weight zero, else the product is ±(a << (m - 1)). No multiplier exists here.
// MODE_POT = 0 — uniform: code is a WB-bit two's-complement integer and the product is a * code.
//
// Operand isolation: product registers only load on in_valid, and a zero PoT weight loads 0, so
// pruned weights and idle cycles cause no toggling in the adder tree.
//
// Layout: act[i*AB +: AB]; codes[(p*SIMD + i)*WB +: WB]; sums[p*SW +: SW].
//
// Simulation speed: no vector here is assembled from several part-select drivers (continuous
// assigns or port connections). Icarus turns such a vector into a strength-aware concatenation
// that every reader converts back bit by bit whenever any part changes: PE x SIMD = 75 lanes
// then cost milliseconds per cycle. The product registers are parts of one register vector per
// PE, and the PE sums are gathered by one combinational block each into a register vector.
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
    output wire [PE*SW-1:0]      sums
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

    reg [PE*SW-1:0] sums_r;
    genvar p, i;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_pe
            reg  [SIMD*PW-1:0] products;  // the SIMD product registers of this PE
            wire [SW-1:0]      tree_sum;
            for (i = 0; i < SIMD; i = i + 1) begin : g_lane
                wire [AB-1:0] a    = act[i*AB +: AB];
                wire [WB-1:0] code = codes[(p*SIMD + i)*WB +: WB];
                if (MODE_POT != 0) begin : g_shift
                    wire [WB-2:0] m         = code[WB-2:0];
                    wire [WB-2:0] shamt     = m - 1'b1;
                    wire [PW-1:0] magnitude = {{(PW - AB){1'b0}}, a} << shamt;
                    always @(posedge clk)
                        if (in_valid)
                            products[i*PW +: PW] <= (m == {(WB - 1){1'b0}}) ? {PW{1'b0}}
                                                  : (code[WB-1] ? -magnitude : magnitude);
                end else begin : g_multiply
                    localparam integer FW = AB + WB + 1;
                    /* verilator lint_off UNUSEDSIGNAL */
                    wire signed [FW-1:0] full = $signed({1'b0, a}) * $signed(code);  // bits above PW are sign copies by the width bound
                    /* verilator lint_on UNUSEDSIGNAL */
                    always @(posedge clk)
                        if (in_valid) products[i*PW +: PW] <= full[PW-1:0];
                end
            end
            potgen_adder_tree #(.N(SIMD), .IW(PW), .OW(SW)) u_tree (
                .clk (clk),
                .in  (products),
                .sum (tree_sum)
            );
            always @* sums_r[p*SW +: SW] = tree_sum;
        end
    endgenerate
    assign sums = sums_r;
endmodule
`default_nettype wire
