// potgen_adder_tree: pipelined signed adder tree (hand-written library). Part of potgen.
//
// Sums N signed IW-bit inputs and N one-bit `ones` into a signed OW-bit output with one register
// per level, so the latency is LEVELS = ceil(log2 N) cycles (0 when N = 1: the input is passed
// through, extended). Contract: sum + one_left = sum(in) + sum(ones)  (mod 2^OW).
// Why ones: a PoT lane negates a product as ~x + 1. The ~x is a row of XOR gates; the + 1 would
// be a full carry chain per lane. Instead each adder takes one waiting one on its carry input,
// which costs no LUT, and the ones no adder at a level takes wait a level (in a register, to keep
// their timing). A binary tree of N leaves has N - 1 adders, so exactly one one is left over:
// one_left, which the caller adds on its own accumulator's carry input.
// Bounds: a node of level l holds the sum of at most 2^l inputs and at most 2^l - 1 ones, so if
// each input is the inverse or the value of a magnitude below 2^(IW-1), the node fits IW + l bits.
// Level l holds ceil(N / 2^l) nodes of min(IW + l, OW) bits: each level adds exactly the one bit
// of growth an addition needs, capped by OW, which the generator derives from the layer's
// worst-case bound, so no level can overflow.
// Storage: node i of level l sits, sign-extended to OW bits, in word BASE(l)+i of the net array
// `nodes`; the extension bits above a node's own width are copies of its sign, read only by the
// final output. One word per node, not one flat vector assembled from part-select drivers:
// Icarus turns such a vector into a strength-aware concatenation that every reader converts back
// bit by bit whenever any node changes, which made simulation time grow with the cube of N.
//
// Parameters and their ranges (checked at elaboration; mechanism: see potgen_window.v):
//   N >= 1    inputs;  IW >= 1 bits each
//   OW >= IW  output bits (a narrower output would cut every input short)
//   ONES      1: add `ones` as above;  0: ignore them (one_left = 0) and build no waiting registers,
//             which synthesis would otherwise keep even when they only ever hold 0
`default_nettype none
module potgen_adder_tree #(
    parameter integer N  = 4,
    parameter integer IW = 8,
    parameter integer OW = 10,
    parameter integer ONES = 1
) (
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire            clk,  // unused when N = 1 (no levels to register)
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [N*IW-1:0] in,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [N-1:0]    ones,  // unused when ONES = 0
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [OW-1:0]   sum,
    output wire            one_left
);
    localparam integer LEVELS = (N > 1) ? $clog2(N) : 0;

    // ---------------------------------------------------------------- parameter checks
    generate
        if (N < 1 || IW < 1) begin : g_bad_size
            localparam integer potgen_adder_tree__N_and_IW_must_be_at_least_1 = {N, IW, $random};
            wire invalid = potgen_adder_tree__N_and_IW_must_be_at_least_1[0];
        end
        if (ONES != 0 && ONES != 1) begin : g_bad_ones
            localparam integer potgen_adder_tree__ONES_must_be_0_or_1 = {ONES, $random};
            wire invalid = potgen_adder_tree__ONES_must_be_0_or_1[0];
        end
        if (OW < IW) begin : g_bad_ow
            localparam integer potgen_adder_tree__OW_must_be_at_least_IW = {OW, IW, $random};
            wire invalid = potgen_adder_tree__OW_must_be_at_least_IW[0];
        end
    endgenerate

    // Nodes at level l.
    function integer count_at(input integer l);
        count_at = (N + (1 << l) - 1) >> l;
    endfunction

    // First node index of level l in `nodes`.
    function integer base_of(input integer l);
        integer j;
        begin
            base_of = 0;
            for (j = 0; j < l; j = j + 1) base_of = base_of + count_at(j);
        end
    endfunction

    // Width of the nodes at level l.
    function integer width_at(input integer l);
        width_at = (IW + l < OW) ? IW + l : OW;
    endfunction

    // Adders at level l (the rest of the level's nodes pass their single input through).
    function integer adders_at(input integer l);
        adders_at = count_at(l - 1) / 2;
    endfunction

    localparam integer TOTAL = base_of(LEVELS + 1);

    // waiting[l]: the ones still to be added after level l, count_at(l) of them in its low bits.
    // Adder i of level l takes waiting[l-1][i]; the bits above adders_at(l) move up a level.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [N-1:0] waiting [0:LEVELS];  // bits above count_at(l) are zero and never read
    /* verilator lint_on UNUSEDSIGNAL */
    assign waiting[0] = (ONES != 0) ? ones : {N{1'b0}};

    /* verilator lint_off UNUSEDSIGNAL */
    wire [OW-1:0] nodes [0:TOTAL-1];  // sign-extension bits of inner nodes are never read
    /* verilator lint_on UNUSEDSIGNAL */

    genvar l, i;
    generate
        for (i = 0; i < N; i = i + 1) begin : g_leaf
            if (OW > IW) begin : g_ext
                assign nodes[i] = {{(OW - IW){in[i*IW + IW - 1]}}, in[i*IW +: IW]};
            end else begin : g_same
                assign nodes[i] = in[i*IW +: OW];
            end
        end
        for (l = 1; l <= LEVELS; l = l + 1) begin : g_level
            localparam integer W    = width_at(l);
            localparam integer BASE = base_of(l);
            localparam integer PREV = base_of(l - 1);
            localparam integer PCNT = count_at(l - 1);
            for (i = 0; i < count_at(l); i = i + 1) begin : g_node
                reg [W-1:0] r;
                if (2 * i + 1 < PCNT) begin : g_add
                    /* verilator lint_off UNUSEDSIGNAL */
                    wire [W:0] one = {{W{1'b0}}, waiting[l-1][i]};  // W + 1 bits: no empty replication when W = 1
                    /* verilator lint_on UNUSEDSIGNAL */
                    always @(posedge clk) r <= nodes[PREV + 2*i][W-1:0] + nodes[PREV + 2*i + 1][W-1:0] + one[W-1:0];
                end else begin : g_pass
                    always @(posedge clk) r <= nodes[PREV + 2*i][W-1:0];
                end
                if (OW > W) begin : g_ext
                    assign nodes[BASE + i] = {{(OW - W){r[W-1]}}, r};
                end else begin : g_same
                    assign nodes[BASE + i] = r;
                end
            end
            if (ONES != 0) begin : g_wait
                localparam integer ADD  = adders_at(l);
                localparam integer KEEP = count_at(l);  // = PCNT - ADD: the ones no adder took
                reg [KEEP-1:0] r;
                always @(posedge clk) r <= waiting[l-1][ADD +: KEEP];
                assign waiting[l] = {{(N - KEEP){1'b0}}, r};  // KEEP < N at every level l >= 1
            end else begin : g_no_wait
                assign waiting[l] = {N{1'b0}};
            end
        end
    endgenerate

    assign sum      = nodes[base_of(LEVELS)];
    assign one_left = waiting[LEVELS][0];
endmodule
`default_nettype wire
