// potgen_adder_tree_tb: self-checking testbench of the library adder tree. Part of potgen.
//
// One input vector (N inputs and N ones) per cycle; LEVELS = ceil(log2 N) cycles later (0 when
// N = 1) sum + one_left must equal the behavioural model: the sum of the N sign-extended IW-bit
// inputs and the N ones, computed here at a
// width no level can overflow and compared in its low OW bits. When OW >= IW + LEVELS the sum
// always fits, so this is the exact signed sum; when OW is capped lower (the generator's bound
// keeps real sums inside OW bits) the tree's arithmetic is still exact modulo 2^OW, which is
// what is checked, and vectors whose sum fits are counted separately in the log.
// Stimulus: extreme vectors first (all max with all ones, all min with none, all -1, alternating
// max/min, one max among mins, zeros with all ones), then random inputs, a quarter of them biased
// to the extremes, with random ones. one_left is also checked on its own to be 0 or 1 (never x).
// The last line printed is "N passed, N failed" (N = NVEC checks); any failure ends in $fatal,
// so `vvp -N` exits non-zero. A watchdog stops a hung run. Plusarg: +seed=<n> (default 1).
`default_nettype none
module potgen_adder_tree_tb;
    parameter integer N        = 4;
    parameter integer IW       = 8;
    parameter integer OW       = 10;
    parameter integer ONES     = 1;  // 0: the tree ignores ones, so none are driven and one_left must stay 0
    parameter integer NVEC     = 2000;
    parameter integer WATCHDOG = NVEC + 1000;  // cycles

    localparam integer LEVELS        = (N > 1) ? $clog2(N) : 0;
    localparam integer MW            = ((IW > OW) ? IW : OW) + LEVELS + 2;  // model width: never overflows
    localparam integer N_EXTREME     = 8;
    localparam integer SHOW_FAILURES = 10;

    reg clk = 1'b0;
    always #5 clk = ~clk;

    reg  [N*IW-1:0] in;
    reg  [N-1:0]    ones;
    wire [OW-1:0]   sum;
    wire            one_left;
    wire [OW-1:0]   total = sum + {{(OW - 1){1'b0}}, one_left};

    potgen_adder_tree #(.N(N), .IW(IW), .OW(OW), .ONES(ONES)) dut (
        .clk      (clk),
        .in       (in),
        .ones     (ones),
        .sum      (sum),
        .one_left (one_left)
    );

    reg [OW-1:0]        exp_mem [0:NVEC-1];   // expected output of vector k
    reg                 fits_mem [0:NVEC-1];  // the exact sum of vector k fits in OW bits
    reg [N*IW-1:0]      in_mem [0:NVEC-1];
    reg [N-1:0]         ones_mem [0:NVEC-1];
    reg signed [MW-1:0] acc;
    reg signed [MW-1:0] lim_hi, lim_lo;
    reg [IW-1:0]        x;
    reg [IW-1:0]        max_v, min_v, one_v;
    integer seed;
    integer cycle = 0;
    integer k, i, t;
    integer passed = 0;
    integer failed = 0;
    integer fitting = 0;
    reg     done = 1'b0;

    // Vector kk: extremes first, then random (a quarter of the lanes pinned to max/min/0/-1).
    task make_vector(input integer kk);
        integer r;
        begin
            for (i = 0; i < N; i = i + 1) begin
                case ((kk < N_EXTREME) ? kk : N_EXTREME)
                    0:       x = max_v;
                    1:       x = min_v;
                    2:       x = {IW{1'b1}};
                    3:       x = (i % 2 == 0) ? max_v : min_v;
                    4:       x = (i == N - 1) ? max_v : min_v;
                    5:       x = (i == 0) ? min_v : max_v;
                    6:       x = {IW{1'b0}};
                    7:       x = (i % 2 == 0) ? min_v : one_v;
                    default: begin
                        r = $random(seed);
                        x = random_bits(0);
                        if ((r & 3) == 0) begin
                            case ((r >> 2) & 3)
                                0: x = max_v;
                                1: x = min_v;
                                2: x = {IW{1'b1}};
                                default: x = {IW{1'b0}};
                            endcase
                        end
                    end
                endcase
                in_mem[kk][i*IW +: IW] = x;
                case ((kk < N_EXTREME) ? kk : N_EXTREME)
                    0, 6:    ones_mem[kk][i] = 1'b1;
                    1:       ones_mem[kk][i] = 1'b0;
                    3, 7:    ones_mem[kk][i] = i % 2;
                    default: ones_mem[kk][i] = $random(seed) & 1;
                endcase
                if (ONES == 0) ones_mem[kk][i] = 1'b0;
            end
        end
    endtask

    // IW random bits, 32 at a time.
    function [IW-1:0] random_bits(input integer unused);
        integer b;
        reg [31:0] r;
        begin
            r = 32'd0;
            random_bits = {IW{1'b0}};
            for (b = 0; b < IW; b = b + 1) begin
                if (b % 32 == 0) r = $random(seed);
                random_bits[b] = r[b % 32];
            end
        end
    endfunction

    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        $display("potgen_adder_tree_tb: N=%0d IW=%0d OW=%0d LEVELS=%0d NVEC=%0d seed=%0d", N, IW, OW, LEVELS, NVEC, seed);
        min_v = {IW{1'b0}};
        min_v[IW-1] = 1'b1;
        max_v = ~min_v;
        one_v = {IW{1'b0}};
        one_v[0] = 1'b1;
        lim_hi = 1;
        lim_hi = (lim_hi <<< (OW - 1)) - 1;
        lim_lo = -lim_hi - 1;
        for (k = 0; k < NVEC; k = k + 1) begin
            make_vector(k);
            acc = 0;
            for (i = 0; i < N; i = i + 1) begin
                acc = acc + $signed(in_mem[k][i*IW +: IW]);  // apart: an unsigned operand would make
                if (ones_mem[k][i]) acc = acc + 1;           // the sum unsigned, zero-extending in_mem
            end
            exp_mem[k]  = acc[OW-1:0];
            fits_mem[k] = acc <= lim_hi && acc >= lim_lo;
            if (fits_mem[k]) fitting = fitting + 1;
        end
    end

    // Vector t is on `in` during cycle t (from posedge t to posedge t+1).
    always @(posedge clk) begin
        if (cycle < NVEC) begin
            in   <= in_mem[cycle];
            ones <= ones_mem[cycle];
        end else begin
            in   <= {N*IW{1'b0}};
            ones <= {N{1'b0}};
        end
        cycle <= cycle + 1;
    end

    // Mid-cycle: the output of cycle t belongs to vector t - LEVELS (cycle has advanced to t + 1).
    always @(negedge clk) begin
        t = cycle - 1 - LEVELS;
        if (!done && t >= 0 && t < NVEC) begin
            if (^exp_mem[t] !== 1'bx && (one_left === 1'b0 || one_left === 1'b1) && total === exp_mem[t]) begin  // unknowns fail
                passed = passed + 1;
            end else begin
                failed = failed + 1;
                if (failed <= SHOW_FAILURES)
                    $display("error: vector %0d: in=%h ones=%b expected sum + one_left=%h, got %h + %b", t, in_mem[t], ones_mem[t], exp_mem[t], sum, one_left);
            end
            if (t == NVEC - 1) done = 1'b1;
        end
    end

    initial begin
        wait (done || cycle >= WATCHDOG);
        if (!done) begin
            $display("error: watchdog: %0d of %0d vectors checked after %0d cycles", passed + failed, NVEC, cycle);
            failed = failed + NVEC - passed - failed;
        end
        $display("vectors whose exact sum fits in OW bits: %0d of %0d", fitting, NVEC);
        $display("%0d passed, %0d failed", passed, failed);
        if (failed != 0) $fatal(1, "potgen_adder_tree_tb: %0d check(s) failed", failed);
        $finish;
    end
endmodule
`default_nettype wire
