// potgen_dot_array_tb: self-checking testbench of the library dot array. Part of potgen.
//
// One vector (in_valid, act, codes) per cycle. The behavioural model keeps each lane's product
// register: on in_valid it loads
//   PoT     (MODE_POT = 1): code = {s, m}, m = WB-1 bits: m == 0 ? 0 : (s ? -1 : 1) * (a << (m - 1))
//   uniform (MODE_POT = 0): a * code, code a WB-bit two's-complement integer
// (a = activation, unsigned AB bits), and otherwise holds it. Each PE's sum of its SIMD products,
// computed at a width nothing can overflow, must appear D = 1 + ceil(log2 SIMD) cycles later as
// sums[p*SW +: SW] + carries[p], sign-extended from SW bits (the array leaves one carry per PE
// for the caller's accumulator): every cycle after the first D is checked, PE by PE.
// PW and SW default to the worst-case widths (overflow-free):
//   PW = AB + (2^(WB-1) - 2) + 1 for PoT, AB + WB for uniform; SW = PW + ceil(log2 SIMD).
// Stimulus: extreme vectors first (all activations at max or 0, codes at the largest positive
// and negative weights, zero and PoT negative-zero weights, the smallest weights), then random
// vectors, in_valid low one cycle in four and a quarter of the lanes pinned to extremes.
// The last line printed is "N passed, N failed" (N = NVEC * PE checks); any failure ends in
// $fatal, so `vvp -N` exits non-zero. A watchdog stops a hung run. Plusarg: +seed=<n> (default 1).
`default_nettype none
module potgen_dot_array_tb;
    parameter integer PE       = 1;
    parameter integer SIMD     = 1;
    parameter integer AB       = 8;
    parameter integer WB       = 4;
    parameter integer MODE_POT = 1;
    parameter integer PW       = (MODE_POT != 0) ? AB + ((1 << (WB - 1)) - 2) + 1 : AB + WB;
    parameter integer SW       = PW + ((SIMD > 1) ? $clog2(SIMD) : 0);
    parameter integer NVEC     = 1500;
    parameter integer WATCHDOG = NVEC + 1000;  // cycles

    localparam integer LV            = (SIMD > 1) ? $clog2(SIMD) : 0;
    localparam integer D             = 1 + LV;
    localparam integer MW            = AB + (1 << (WB - 1)) + WB + LV + 4;  // model width: never overflows
    localparam integer LANES         = PE * SIMD;
    localparam integer N_EXTREME     = 9;
    localparam integer SHOW_FAILURES = 10;

    reg clk = 1'b0;
    always #5 clk = ~clk;

    reg                in_valid = 1'b0;
    reg  [SIMD*AB-1:0] act      = {SIMD*AB{1'b0}};
    reg  [LANES*WB-1:0] codes   = {LANES*WB{1'b0}};
    wire [PE*SW-1:0]   sums;
    wire [PE-1:0]      carries;
    reg  [SW-1:0]      got_sw;

    potgen_dot_array #(
        .PE(PE), .SIMD(SIMD), .AB(AB), .WB(WB), .MODE_POT(MODE_POT), .PW(PW), .SW(SW)
    ) dut (
        .clk      (clk),
        .in_valid (in_valid),
        .act      (act),
        .codes    (codes),
        .sums     (sums),
        .carries  (carries)
    );

    reg                 valid_mem [0:NVEC-1];
    reg [SIMD*AB-1:0]   act_mem   [0:NVEC-1];
    reg [LANES*WB-1:0]  code_mem  [0:NVEC-1];
    reg signed [MW-1:0] exp_mem   [0:NVEC*PE-1];  // expected sum of PE p after vector k: [k*PE + p]
    reg signed [MW-1:0] prod_m    [0:LANES-1];    // model product registers
    reg signed [MW-1:0] acc, av, cv, got;
    reg [AB-1:0]        a, a_max;
    reg [WB-1:0]        code, c_pos, c_neg, c_negzero, c_one;
    reg [WB-2:0]        m;
    integer seed;
    integer cycle = 0;
    integer k, p, i, t, r;
    integer passed = 0;
    integer failed = 0;
    integer valid_count = 0;
    reg     done = 1'b0;

    // AB random bits, 32 at a time.
    function [AB-1:0] random_act(input integer unused);
        integer b;
        reg [31:0] rr;
        begin
            rr = 32'd0;
            random_act = {AB{1'b0}};
            for (b = 0; b < AB; b = b + 1) begin
                if (b % 32 == 0) rr = $random(seed);
                random_act[b] = rr[b % 32];
            end
        end
    endfunction

    // The product of activation aa and code cc at model width.
    function signed [MW-1:0] product(input [AB-1:0] aa, input [WB-1:0] cc);
        reg [WB-2:0] mm;
        begin
            product = {MW{1'b0}};
            if (MODE_POT != 0) begin
                mm = cc[WB-2:0];
                if (mm != 0) begin
                    product[AB-1:0] = aa;
                    product = product << (mm - 1);
                    if (cc[WB-1]) product = -product;
                end
            end else begin
                av = {MW{1'b0}};
                av[AB-1:0] = aa;            // unsigned activation
                cv = $signed(cc);           // sign-extended code
                product = av * cv;
            end
        end
    endfunction

    // Vector kk: the extremes first, then random.
    task make_vector(input integer kk);
        begin
            valid_mem[kk] = (kk < N_EXTREME) ? (kk != N_EXTREME - 1) : (({$random(seed)} % 4) != 0);
            for (i = 0; i < SIMD; i = i + 1) begin
                case ((kk < N_EXTREME) ? kk : N_EXTREME)
                    3:       a = {AB{1'b0}};
                    6:       begin a = {AB{1'b0}}; a[0] = 1'b1; end
                    0, 1, 2, 4, 5, 7: a = a_max;
                    default: begin
                        r = {$random(seed)} % 8;
                        a = (r == 0) ? a_max : (r == 1) ? {AB{1'b0}} : random_act(0);
                    end
                endcase
                act_mem[kk][i*AB +: AB] = a;
            end
            for (i = 0; i < LANES; i = i + 1) begin
                case ((kk < N_EXTREME) ? kk : N_EXTREME)
                    0:       code = c_pos;
                    1:       code = c_neg;
                    2:       code = (i % 2 == 0) ? c_pos : c_neg;
                    3:       code = c_neg;
                    4:       code = {WB{1'b0}};
                    5:       code = c_negzero;
                    6:       code = (i % 2 == 0) ? c_one : (MODE_POT != 0) ? (c_one | c_negzero) : {WB{1'b1}};
                    7:       code = {WB{1'b1}};
                    default: begin
                        r = {$random(seed)};
                        code = r[WB-1:0];
                        if (((r >> 16) & 3) == 0) begin
                            case ((r >> 20) & 3)
                                0: code = c_pos;
                                1: code = c_neg;
                                2: code = {WB{1'b0}};
                                default: code = c_negzero;
                            endcase
                        end
                    end
                endcase
                code_mem[kk][i*WB +: WB] = code;
            end
        end
    endtask

    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        $display("potgen_dot_array_tb: PE=%0d SIMD=%0d AB=%0d WB=%0d MODE_POT=%0d PW=%0d SW=%0d latency=%0d NVEC=%0d seed=%0d",
                 PE, SIMD, AB, WB, MODE_POT, PW, SW, D, NVEC, seed);
        a_max = {AB{1'b1}};
        c_negzero = {WB{1'b0}};
        c_negzero[WB-1] = 1'b1;
        c_one = {WB{1'b0}};
        c_one[0] = 1'b1;
        if (MODE_POT != 0) begin
            c_pos = ~c_negzero;        // {0, m = max}: the largest positive weight
            c_neg = {WB{1'b1}};        // {1, m = max}: the largest negative weight
        end else begin
            c_pos = ~c_negzero;        // 2^(WB-1) - 1
            c_neg = c_negzero;         // -2^(WB-1)
        end
        for (k = 0; k < NVEC; k = k + 1) begin
            make_vector(k);
            if (valid_mem[k]) valid_count = valid_count + 1;
            for (p = 0; p < PE; p = p + 1) begin
                acc = {MW{1'b0}};
                for (i = 0; i < SIMD; i = i + 1) begin
                    if (valid_mem[k])
                        prod_m[p*SIMD + i] = product(act_mem[k][i*AB +: AB], code_mem[k][(p*SIMD + i)*WB +: WB]);
                    acc = acc + prod_m[p*SIMD + i];
                end
                exp_mem[k*PE + p] = acc;
            end
        end
    end

    // Vector t is on the inputs during cycle t (from posedge t to posedge t+1).
    always @(posedge clk) begin
        if (cycle < NVEC) begin
            in_valid <= valid_mem[cycle];
            act      <= act_mem[cycle];
            codes    <= code_mem[cycle];
        end else begin
            in_valid <= 1'b0;
        end
        cycle <= cycle + 1;
    end

    // Mid-cycle: the sums of cycle t belong to vector t - D (cycle has advanced to t + 1).
    always @(negedge clk) begin
        t = cycle - 1 - D;
        if (!done && t >= 0 && t < NVEC) begin
            for (p = 0; p < PE; p = p + 1) begin
                got_sw = sums[p*SW +: SW] + {{(SW - 1){1'b0}}, carries[p]};
                got    = $signed(got_sw);
                if (^exp_mem[t*PE + p] !== 1'bx && got === exp_mem[t*PE + p]) begin  // unknown expected: a failure too
                    passed = passed + 1;
                end else begin
                    failed = failed + 1;
                    if (failed <= SHOW_FAILURES)
                        $display("error: vector %0d PE %0d: in_valid=%b act=%h codes=%h expected sum=%0d, got %0d (%h + %b)",
                                 t, p, valid_mem[t], act_mem[t], code_mem[t][p*SIMD*WB +: SIMD*WB],
                                 exp_mem[t*PE + p], got, sums[p*SW +: SW], carries[p]);
                end
            end
            if (t == NVEC - 1) done = 1'b1;
        end
    end

    initial begin
        wait (done || cycle >= WATCHDOG);
        if (!done) begin
            $display("error: watchdog: %0d of %0d checks after %0d cycles", passed + failed, NVEC * PE, cycle);
            failed = failed + NVEC * PE - passed - failed;
        end
        $display("vectors with in_valid high: %0d of %0d", valid_count, NVEC);
        $display("%0d passed, %0d failed", passed, failed);
        if (failed != 0) $fatal(1, "potgen_dot_array_tb: %0d check(s) failed", failed);
        $finish;
    end
endmodule
`default_nettype wire
