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
    genvar p, i;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_pe
            wire [SIMD*PW-1:0] products;
            for (i = 0; i < SIMD; i = i + 1) begin : g_lane
                wire [AB-1:0] a    = act[i*AB +: AB];
                wire [WB-1:0] code = codes[(p*SIMD + i)*WB +: WB];
                reg  [PW-1:0] product;
                if (MODE_POT != 0) begin : g_shift
                    wire [WB-2:0] m         = code[WB-2:0];
                    wire [WB-2:0] shamt     = m - 1'b1;
                    wire [PW-1:0] magnitude = {{(PW - AB){1'b0}}, a} << shamt;
                    always @(posedge clk)
                        if (in_valid)
                            product <= (m == {(WB - 1){1'b0}}) ? {PW{1'b0}}
                                     : (code[WB-1] ? -magnitude : magnitude);
                end else begin : g_multiply
                    localparam integer FW = AB + WB + 1;
                    /* verilator lint_off UNUSEDSIGNAL */
                    wire signed [FW-1:0] full = $signed({1'b0, a}) * $signed(code);  // bits above PW are sign copies by the width bound
                    /* verilator lint_on UNUSEDSIGNAL */
                    always @(posedge clk)
                        if (in_valid) product <= full[PW-1:0];
                end
                assign products[i*PW +: PW] = product;
            end
            potgen_adder_tree #(.N(SIMD), .IW(PW), .OW(SW)) u_tree (
                .clk (clk),
                .in  (products),
                .sum (sums[p*SW +: SW])
            );
        end
    endgenerate
endmodule
`default_nettype wire
