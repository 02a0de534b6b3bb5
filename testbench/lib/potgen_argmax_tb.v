// potgen_argmax_tb: self-checking testbench of the library arg-max. Part of potgen.
//
// NVEC input beats of N values x AB bits (signed when SIGNED = 1) go in over AXI4-Stream with
// random bubbles (a beat, once offered, is held until taken) and the results come out under
// random back-pressure (percent of cycles offering / ready change every NVEC/4 beats: 100/100,
// 50/100, 100/30, 40/40). Vectors: extremes first (all equal, all the smallest value, all the
// largest, the largest first, the largest last, the smallest everywhere but one zero), then random
// ones, half of them with ties: the maximum copied to one to three other places.
// Behavioural model: the index of the largest value, compared as signed or unsigned numbers, the
// lowest index on ties. Every output beat is one check: the index zero-extended to OB bits, and
// tlast high. A beat after the last expected one is a failure too. So N = NVEC.
// The last line printed is "N passed, N failed"; any failure ends in $fatal, so `vvp -N` exits
// non-zero. A watchdog stops a hung run. Plusarg: +seed=<n> (default 1).
`default_nettype none
module potgen_argmax_tb;
    parameter integer N      = 10;
    parameter integer AB     = 8;
    parameter integer SIGNED = 1;
    parameter integer OB     = 8;
    parameter integer NVEC   = 1000;

    localparam integer N_EXTREME     = 6;
    localparam integer WATCHDOG      = 20 * NVEC + 1000;  // cycles
    localparam integer SHOW_FAILURES = 10;

    reg clk = 1'b0;
    always #5 clk = ~clk;

    reg               rst_n         = 1'b0;
    reg  [N*AB-1:0]   s_axis_tdata  = {N*AB{1'b0}};
    reg               s_axis_tvalid = 1'b0;
    wire              s_axis_tready;
    wire [OB-1:0]     m_axis_tdata;
    wire              m_axis_tvalid;
    reg               m_axis_tready = 1'b0;
    wire              m_axis_tlast;

    potgen_argmax #(.N(N), .AB(AB), .SIGNED(SIGNED), .OB(OB)) dut (
        .clk           (clk),
        .rst_n         (rst_n),
        .s_axis_tdata  (s_axis_tdata),
        .s_axis_tvalid (s_axis_tvalid),
        .s_axis_tready (s_axis_tready),
        .m_axis_tdata  (m_axis_tdata),
        .m_axis_tvalid (m_axis_tvalid),
        .m_axis_tready (m_axis_tready),
        .m_axis_tlast  (m_axis_tlast)
    );

    // ---------------------------------------------------------------- stimulus and model
    reg [N*AB-1:0] vec      [0:NVEC-1];
    integer        expected [0:NVEC-1];
    reg [AB-1:0]   smallest, largest, top;
    integer seed;
    integer i, j, k, b, r, copies, ties = 0;

    // a > b as the DUT should compare them.
    function greater(input [AB-1:0] a, input [AB-1:0] bb);
        greater = (SIGNED != 0) ? ($signed(a) > $signed(bb)) : (a > bb);
    endfunction

    function chance(input integer percent);
        chance = ({$random(seed)} % 100) < percent;
    endfunction

    function integer input_percent(input integer index);
        case ((4 * index / NVEC) % 4)
            0: input_percent = 100;
            1: input_percent = 50;
            2: input_percent = 100;
            default: input_percent = 40;
        endcase
    endfunction

    function integer ready_percent(input integer index);
        case ((4 * index / NVEC) % 4)
            0: ready_percent = 100;
            1: ready_percent = 100;
            2: ready_percent = 30;
            default: ready_percent = 40;
        endcase
    endfunction

    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        $display("potgen_argmax_tb: N=%0d AB=%0d SIGNED=%0d OB=%0d NVEC=%0d seed=%0d", N, AB, SIGNED, OB, NVEC, seed);
        smallest = {AB{1'b0}};
        if (SIGNED != 0) smallest[AB-1] = 1'b1;
        largest = ~smallest;
        for (k = 0; k < NVEC; k = k + 1) begin
            for (i = 0; i < N; i = i + 1) begin
                for (b = 0; b < AB; b = b + 1) begin
                    if (b % 32 == 0) r = $random(seed);
                    vec[k][i*AB + b] = r[b % 32];
                end
                r = {$random(seed)} % 16;
                if (r == 0) vec[k][i*AB +: AB] = smallest;
                if (r == 1) vec[k][i*AB +: AB] = largest;
            end
            case ((k < N_EXTREME) ? k : N_EXTREME)
                0: for (i = 0; i < N; i = i + 1) vec[k][i*AB +: AB] = vec[k][AB-1:0];
                1: for (i = 0; i < N; i = i + 1) vec[k][i*AB +: AB] = smallest;
                2: for (i = 0; i < N; i = i + 1) vec[k][i*AB +: AB] = largest;
                3: vec[k][AB-1:0] = largest;
                4: vec[k][(N-1)*AB +: AB] = largest;
                5: begin
                    for (i = 0; i < N; i = i + 1) vec[k][i*AB +: AB] = smallest;
                    vec[k][(N/2)*AB +: AB] = {AB{1'b0}};
                end
                default: if (k % 2 == 0 && N > 1) begin
                    // A tie: the maximum copied to one to three other indices.
                    top = vec[k][AB-1:0];
                    for (i = 1; i < N; i = i + 1)
                        if (greater(vec[k][i*AB +: AB], top)) top = vec[k][i*AB +: AB];
                    copies = 1 + {$random(seed)} % 3;
                    for (j = 0; j < copies; j = j + 1) vec[k][({$random(seed)} % N)*AB +: AB] = top;
                end
            endcase
            expected[k] = 0;
            for (i = 1; i < N; i = i + 1)
                if (greater(vec[k][i*AB +: AB], vec[k][expected[k]*AB +: AB])) expected[k] = i;
            for (i = 0; i < N; i = i + 1)
                if (i != expected[k] && vec[k][i*AB +: AB] == vec[k][expected[k]*AB +: AB]) begin
                    ties = ties + 1;
                    i = N;
                end
        end
    end

    // ---------------------------------------------------------------- drivers
    integer cyc      = -4;               // cycle number; reset during cycles -4 .. -1
    integer in_next  = 0;
    integer out_next = 0;
    integer passed = 0, failed = 0, held = 0;
    reg     in_fire_seen = 1'b0;
    reg     done = 1'b0;
    integer quiet = 0;
    reg [OB-1:0] want;

    always @(posedge clk) begin
        cyc   <= cyc + 1;
        rst_n <= (cyc >= -1);
        if (in_fire_seen) in_next = in_next + 1;
        if (cyc < 0) begin
            s_axis_tvalid <= 1'b0;
            m_axis_tready <= 1'b0;
        end else begin
            if (!s_axis_tvalid || in_fire_seen) begin
                if (in_next < NVEC && chance(input_percent(in_next))) begin
                    s_axis_tvalid <= 1'b1;
                    s_axis_tdata  <= vec[in_next];
                end else begin
                    s_axis_tvalid <= 1'b0;
                end
            end
            m_axis_tready <= chance(ready_percent(out_next));
        end
    end

    // ---------------------------------------------------------------- checks (mid-cycle)
    always @(negedge clk) begin
        if (cyc >= 0 && !done) begin
            if (m_axis_tvalid === 1'b1 && m_axis_tready === 1'b1) begin
                if (out_next >= NVEC) begin
                    failed = failed + 1;
                    if (failed <= SHOW_FAILURES) $display("error: cycle %0d: an output beat after the last of %0d", cyc, NVEC);
                end else begin
                    want = expected[out_next];
                    if (m_axis_tdata === want && m_axis_tlast === 1'b1) begin
                        passed = passed + 1;
                    end else begin
                        failed = failed + 1;
                        if (failed <= SHOW_FAILURES)
                            $display("error: cycle %0d: vector %0d = %h: expected index %0d, got %0d (last=%b)",
                                     cyc, out_next, vec[out_next], want, m_axis_tdata, m_axis_tlast);
                    end
                end
                out_next = out_next + 1;
            end
            if (m_axis_tvalid && !m_axis_tready) held = held + 1;
            quiet = (out_next >= NVEC) ? quiet + 1 : 0;
            if (quiet == 20) done = 1'b1;   // time for stray beats to show
        end
        in_fire_seen = s_axis_tvalid === 1'b1 && s_axis_tready === 1'b1 && cyc >= 0;
    end

    initial begin
        wait (done || cyc >= WATCHDOG);
        if (!done) begin
            $display("error: watchdog: %0d of %0d results after %0d cycles", out_next, NVEC, cyc);
            if (out_next < NVEC) failed = failed + NVEC - out_next;
        end
        $display("vectors with a tie for the maximum: %0d of %0d; output held by back-pressure %0d cycles", ties, NVEC, held);
        $display("%0d passed, %0d failed", passed, failed);
        if (failed != 0) $fatal(1, "potgen_argmax_tb: %0d check(s) failed", failed);
        $finish;
    end
endmodule
`default_nettype wire
