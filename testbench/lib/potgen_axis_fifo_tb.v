// potgen_axis_fifo_tb: self-checking testbench of the library AXI4-Stream FIFO. Part of potgen.
//
// The source follows AXI4-Stream (a beat, once valid, is held until accepted) and offers beats
// at random (s_valid); the sink pops at random (m_ready). A queue model in the testbench follows
// every handshake the DUT makes. Every cycle is one check: count equals the model's, s_ready is
// low exactly when the model is full, m_valid is high exactly when it is not empty, and then the
// head beat ({m_last, m_data}) is the model's oldest (order, data and last).
// The run is CYCLES checked cycles in ten equal segments of push/pop probability (percent):
//   90/10 fill, 50/50, 10/90 drain, 100/100 full rate, 100/0 fill and hold full, 0/100 empty,
//   75/75, 25/25, 60/40 opened by a two-cycle reset mid-stream, 0/100 final drain.
// Data are random with all-ones and all-zeros beats mixed in; last is random.
// Then four coverage checks: the FIFO was full, a push was held off by full, a push and a pop
// happened in the same cycle, and the final drain emptied the queue. So N = CYCLES + 4.
// The last line printed is "N passed, N failed"; any failure ends in $fatal, so `vvp -N` exits
// non-zero. A watchdog stops a hung run. Plusarg: +seed=<n> (default 1).
`default_nettype none
module potgen_axis_fifo_tb;
    parameter integer WIDTH    = 8;
    parameter integer DEPTH    = 16;
    parameter integer CYCLES   = 4000;   // checked cycles; at least 10 * (DEPTH + 2)
    parameter integer WATCHDOG = CYCLES + 1000;

    localparam integer AW            = $clog2(DEPTH);
    localparam integer SEG           = CYCLES / 10;
    localparam integer RESET_AT      = 8 * SEG;
    localparam integer PRE_RESET     = 3;
    localparam integer SHOW_FAILURES = 10;

    reg clk = 1'b0;
    always #5 clk = ~clk;

    reg              rst_n   = 1'b0;
    reg              s_valid = 1'b0;
    wire             s_ready;
    reg  [WIDTH-1:0] s_data  = {WIDTH{1'b0}};
    reg              s_last  = 1'b0;
    wire             m_valid;
    reg              m_ready = 1'b0;
    wire [WIDTH-1:0] m_data;
    wire             m_last;
    wire [AW:0]      count;

    potgen_axis_fifo #(.WIDTH(WIDTH), .DEPTH(DEPTH)) dut (
        .clk     (clk),
        .rst_n   (rst_n),
        .s_valid (s_valid),
        .s_ready (s_ready),
        .s_data  (s_data),
        .s_last  (s_last),
        .m_valid (m_valid),
        .m_ready (m_ready),
        .m_data  (m_data),
        .m_last  (m_last),
        .count   (count)
    );

    // Queue model: a ring of DEPTH {last, data} beats.
    reg [WIDTH:0] q_mem [0:DEPTH-1];
    integer       q_head  = 0;
    integer       q_count = 0;

    integer seed;
    integer c = -PRE_RESET - 1;       // cycle being driven / checked; checks for 0 .. CYCLES-1
    integer passed = 0;
    integer failed = 0;
    integer beats_in = 0;
    integer beats_out = 0;
    integer cov_full = 0, cov_stall = 0, cov_both = 0;
    integer push_pct, pop_pct, seg;
    reg     push_seen = 1'b0, pop_seen = 1'b0, rst_seen = 1'b1;
    reg     ok;
    reg     done = 1'b0;

    // WIDTH random bits, 32 at a time; one beat in eight all ones, one in eight all zeros.
    function [WIDTH-1:0] random_beat(input integer unused);
        integer b;
        reg [31:0] r;
        begin
            r = 32'd0;
            random_beat = {WIDTH{1'b0}};
            for (b = 0; b < WIDTH; b = b + 1) begin
                if (b % 32 == 0) r = $random(seed);
                random_beat[b] = r[b % 32];
            end
            r = {$random(seed)} % 8;
            if (r == 0) random_beat = {WIDTH{1'b1}};
            if (r == 1) random_beat = {WIDTH{1'b0}};
        end
    endfunction

    function chance(input integer percent);
        chance = ({$random(seed)} % 100) < percent;
    endfunction

    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        $display("potgen_axis_fifo_tb: WIDTH=%0d DEPTH=%0d CYCLES=%0d seed=%0d", WIDTH, DEPTH, CYCLES, seed);
        if (SEG < DEPTH + 2) begin
            $display("error: CYCLES = %0d is too short for DEPTH = %0d (need at least %0d)", CYCLES, DEPTH, 10 * (DEPTH + 2));
            $display("%0d passed, %0d failed", 0, 1);
            $fatal(1, "potgen_axis_fifo_tb: bad parameters");
        end
    end

    // Posedge: the model takes the handshakes of the cycle that ended, then the next cycle's
    // inputs are driven.
    always @(posedge clk) begin
        if (rst_seen) begin
            q_head  = 0;
            q_count = 0;
        end else begin
            if (pop_seen) begin
                if (q_count > 0) begin
                    q_head  = (q_head + 1) % DEPTH;
                    q_count = q_count - 1;
                end
                beats_out = beats_out + 1;
            end
            if (push_seen) begin
                if (q_count < DEPTH) begin
                    q_mem[(q_head + q_count) % DEPTH] = {s_last, s_data};
                    q_count = q_count + 1;
                end
                beats_in = beats_in + 1;
            end
        end

        c = c + 1;
        seg = (c < 0) ? 0 : c / SEG;
        case (seg)
            0: begin push_pct = 90;  pop_pct = 10;  end
            1: begin push_pct = 50;  pop_pct = 50;  end
            2: begin push_pct = 10;  pop_pct = 90;  end
            3: begin push_pct = 100; pop_pct = 100; end
            4: begin push_pct = 100; pop_pct = 0;   end
            5: begin push_pct = 0;   pop_pct = 100; end
            6: begin push_pct = 75;  pop_pct = 75;  end
            7: begin push_pct = 25;  pop_pct = 25;  end
            8: begin push_pct = 60;  pop_pct = 40;  end
            default: begin push_pct = 0; pop_pct = 100; end
        endcase
        if (c < 0 || c == RESET_AT || c == RESET_AT + 1) begin
            rst_n   <= 1'b0;   // no traffic in reset
            s_valid <= 1'b0;
            m_ready <= 1'b0;
        end else begin
            rst_n <= 1'b1;
            if (!s_valid || push_seen) begin
                if (chance(push_pct)) begin
                    s_valid <= 1'b1;
                    s_data  <= random_beat(0);
                    s_last  <= chance(25);
                end else begin
                    s_valid <= 1'b0;
                end
            end
            m_ready <= chance(pop_pct);
        end
    end

    // Negedge: compare the DUT with the model and note this cycle's handshakes.
    always @(negedge clk) begin
        if (c >= 0 && c < CYCLES) begin
            ok = 1'b1;
            if (count !== q_count) begin
                ok = 1'b0;
                if (failed < SHOW_FAILURES) $display("error: cycle %0d: count=%0d, expected %0d", c, count, q_count);
            end
            if (s_ready !== (q_count != DEPTH)) begin
                ok = 1'b0;
                if (failed < SHOW_FAILURES) $display("error: cycle %0d: s_ready=%b with %0d of %0d beats held", c, s_ready, q_count, DEPTH);
            end
            if (m_valid !== (q_count != 0)) begin
                ok = 1'b0;
                if (failed < SHOW_FAILURES) $display("error: cycle %0d: m_valid=%b with %0d beats held", c, m_valid, q_count);
            end
            if (q_count != 0 && {m_last, m_data} !== q_mem[q_head]) begin
                ok = 1'b0;
                if (failed < SHOW_FAILURES)
                    $display("error: cycle %0d: head beat %0d: expected last=%b data=%h, got last=%b data=%h",
                             c, beats_out, q_mem[q_head][WIDTH], q_mem[q_head][WIDTH-1:0], m_last, m_data);
            end
            if (ok) passed = passed + 1;
            else    failed = failed + 1;
            if (q_count == DEPTH) cov_full = cov_full + 1;
            if (s_valid && q_count == DEPTH) cov_stall = cov_stall + 1;
            if (s_valid && s_ready && m_valid && m_ready) cov_both = cov_both + 1;
            if (c == CYCLES - 1) done = 1'b1;
        end
        push_seen = s_valid === 1'b1 && s_ready === 1'b1;
        pop_seen  = m_valid === 1'b1 && m_ready === 1'b1;
        rst_seen  = !rst_n;
    end

    task check_coverage(input integer hits, input [8*48-1:0] what);
        if (hits > 0) begin
            passed = passed + 1;
        end else begin
            failed = failed + 1;
            $display("error: coverage: %0s never happened", what);
        end
    endtask

    initial begin
        wait (done || c >= WATCHDOG);
        @(posedge clk);  // the model takes the last cycle's handshakes
        #1;
        if (!done) begin
            $display("error: watchdog: %0d of %0d cycles checked", passed + failed, CYCLES);
            failed = failed + CYCLES - passed - failed;
        end
        $display("beats: %0d in, %0d out; cycles full %0d, pushes held off %0d, push with pop %0d",
                 beats_in, beats_out, cov_full, cov_stall, cov_both);
        check_coverage(cov_full, "a full FIFO");
        check_coverage(cov_stall, "a push held off by a full FIFO");
        check_coverage(cov_both, "a push and a pop in one cycle");
        check_coverage(q_count == 0 && beats_out > 0, "a final drain that empties the FIFO");
        $display("%0d passed, %0d failed", passed, failed);
        if (failed != 0) $fatal(1, "potgen_axis_fifo_tb: %0d check(s) failed", failed);
        $finish;
    end
endmodule
`default_nettype wire
