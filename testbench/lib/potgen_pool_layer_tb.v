// potgen_pool_layer_tb: self-checking testbench of the library pooling layer. Part of potgen.
//
// FRAMES random images of H x W pixels, C channels of AB unsigned bits (frame 0 all at the largest
// value, so the largest sums occur; then one pixel in eight all ones, one in eight all zeros)
// stream in over AXI4-Stream with random bubbles (a beat, once offered, is held until taken) while
// the sink pulls with random back-pressure. The rates change from frame to frame (percent of
// cycles offering an input beat / with m_axis_tready high): 100/100, 50/100, 100/20, 40/40.
// Behavioural model, per output pixel (oy, ox) and channel c, over the K x K window at
// (oy*S - PAD, ox*S - PAD) with zeros outside the map:
//   MODE = 0: y = the largest value;
//   MODE = 1: y = ((sum * RECIP + R0) >> RSHIFT) mod 2^AB, R0 = 2^(RSHIFT-1) if RSHIFT > 0 else 0,
//             computed at 128 bits (RECIP and RSHIFT as given: the formula, not a division).
// Every output beat is one check: all C channels, and tlast high exactly on a frame's last pixel.
// A beat after the last expected one is a failure too. So N = FRAMES * OH * OW.
// The last line printed is "N passed, N failed"; any failure ends in $fatal, so `vvp -N` exits
// non-zero. A watchdog stops a hung run. Plusarg: +seed=<n> (default 1).
`default_nettype none
module potgen_pool_layer_tb;
    parameter integer H          = 6;
    parameter integer W          = 7;
    parameter integer C          = 2;
    parameter integer AB         = 8;
    parameter integer K          = 2;
    parameter integer S          = 2;
    parameter integer PAD        = 0;
    parameter integer R          = 2*K + 2*S;
    parameter integer FIFO_DEPTH = 4;
    parameter integer MODE       = 0;
    parameter integer RECIP      = 1;
    parameter integer RSHIFT     = 0;
    parameter integer FRAMES     = 4;

    localparam integer OH       = (H + 2*PAD - K) / S + 1;
    localparam integer OW       = (W + 2*PAD - K) / S + 1;
    localparam integer BEATS    = FRAMES * H * W;
    localparam integer OUTS     = FRAMES * OH * OW;
    localparam integer WATCHDOG = 20 * FRAMES * (H * W + OH * OW * (K * K + 8)) + 2000;  // cycles
    localparam integer SHOW_FAILURES = 10;

    reg clk = 1'b0;
    always #5 clk = ~clk;

    reg                 rst_n         = 1'b0;
    reg  [C*AB-1:0]     s_axis_tdata  = {C*AB{1'b0}};
    reg                 s_axis_tvalid = 1'b0;
    wire                s_axis_tready;
    wire [C*AB-1:0]     m_axis_tdata;
    wire                m_axis_tvalid;
    reg                 m_axis_tready = 1'b0;
    wire                m_axis_tlast;

    potgen_pool_layer #(
        .H(H), .W(W), .C(C), .AB(AB), .K(K), .S(S), .PAD(PAD), .R(R), .FIFO_DEPTH(FIFO_DEPTH),
        .MODE(MODE), .RECIP(RECIP), .RSHIFT(RSHIFT)
    ) dut (
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
    reg [C*AB-1:0] image    [0:BEATS-1];   // frame-major, then raster order
    reg [C*AB-1:0] expected [0:OUTS-1];
    reg [127:0]    sum, y;
    reg [AB-1:0]   v, best;
    integer seed;
    integer fr, oy, ox, ky, kx, iy, ix, ch, b, k, r;

    function chance(input integer percent);
        chance = ({$random(seed)} % 100) < percent;
    endfunction

    function integer input_percent(input integer frame);
        case (frame % 4)
            0: input_percent = 100;
            1: input_percent = 50;
            2: input_percent = 100;
            default: input_percent = 40;
        endcase
    endfunction

    function integer ready_percent(input integer frame);
        case (frame % 4)
            0: ready_percent = 100;
            1: ready_percent = 100;
            2: ready_percent = 20;
            default: ready_percent = 40;
        endcase
    endfunction

    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        $display("potgen_pool_layer_tb: H=%0d W=%0d C=%0d AB=%0d K=%0d S=%0d PAD=%0d R=%0d FIFO_DEPTH=%0d MODE=%0d RECIP=%0d RSHIFT=%0d FRAMES=%0d seed=%0d",
                 H, W, C, AB, K, S, PAD, R, FIFO_DEPTH, MODE, RECIP, RSHIFT, FRAMES, seed);
        for (k = 0; k < BEATS; k = k + 1) begin
            for (b = 0; b < C*AB; b = b + 1) begin
                if (b % 32 == 0) r = $random(seed);
                image[k][b] = r[b % 32];
            end
            r = {$random(seed)} % 8;
            if (r == 0 || k < H * W) image[k] = {C*AB{1'b1}};
            if (r == 1 && k >= H * W) image[k] = {C*AB{1'b0}};
        end
        for (fr = 0; fr < FRAMES; fr = fr + 1)
            for (oy = 0; oy < OH; oy = oy + 1)
                for (ox = 0; ox < OW; ox = ox + 1)
                    for (ch = 0; ch < C; ch = ch + 1) begin
                        sum  = 128'd0;
                        best = {AB{1'b0}};
                        for (ky = 0; ky < K; ky = ky + 1)
                            for (kx = 0; kx < K; kx = kx + 1) begin
                                iy = oy * S - PAD + ky;
                                ix = ox * S - PAD + kx;
                                v = (iy < 0 || iy >= H || ix < 0 || ix >= W) ? {AB{1'b0}}
                                  : image[(fr * H + iy) * W + ix][ch*AB +: AB];
                                sum = sum + v;
                                if (v > best) best = v;
                            end
                        y = sum * RECIP + ((RSHIFT > 0) ? (128'd1 << (RSHIFT - 1)) : 128'd0);
                        y = y >> RSHIFT;
                        expected[(fr * OH + oy) * OW + ox][ch*AB +: AB] = (MODE == 0) ? best : y[AB-1:0];
                    end
    end

    // ---------------------------------------------------------------- drivers
    integer cyc     = -4;                // cycle number; reset during cycles -4 .. -1
    integer in_next = 0;                 // next input beat to offer
    integer out_next = 0;                // next output beat expected
    integer passed = 0, failed = 0, stalls = 0, held = 0;
    reg     in_fire_seen = 1'b0;
    reg     done = 1'b0;
    integer quiet = 0;

    always @(posedge clk) begin
        cyc   <= cyc + 1;
        rst_n <= (cyc >= -1);
        if (in_fire_seen) in_next = in_next + 1;
        if (cyc < 0) begin
            s_axis_tvalid <= 1'b0;
            m_axis_tready <= 1'b0;
        end else begin
            if (!s_axis_tvalid || in_fire_seen) begin
                if (in_next < BEATS && chance(input_percent(in_next / (H * W)))) begin
                    s_axis_tvalid <= 1'b1;
                    s_axis_tdata  <= image[in_next];
                end else begin
                    s_axis_tvalid <= 1'b0;
                end
            end
            m_axis_tready <= chance(ready_percent(out_next / (OH * OW)));
        end
    end

    // ---------------------------------------------------------------- checks (mid-cycle)
    always @(negedge clk) begin
        if (cyc >= 0 && !done) begin
            if (m_axis_tvalid === 1'b1 && m_axis_tready === 1'b1) begin
                if (out_next >= OUTS) begin
                    failed = failed + 1;
                    if (failed <= SHOW_FAILURES) $display("error: cycle %0d: an output beat after the last of %0d", cyc, OUTS);
                end else if (m_axis_tdata === expected[out_next]
                             && m_axis_tlast === ((out_next % (OH * OW)) == OH * OW - 1)) begin
                    passed = passed + 1;
                end else begin
                    failed = failed + 1;
                    if (failed <= SHOW_FAILURES)
                        $display("error: cycle %0d: output %0d (frame %0d, oy %0d, ox %0d): expected data=%h last=%b, got data=%h last=%b",
                                 cyc, out_next, out_next / (OH * OW), (out_next % (OH * OW)) / OW, out_next % OW,
                                 expected[out_next], (out_next % (OH * OW)) == OH * OW - 1, m_axis_tdata, m_axis_tlast);
                end
                out_next = out_next + 1;
            end
            if (s_axis_tvalid && !s_axis_tready) stalls = stalls + 1;
            if (m_axis_tvalid && !m_axis_tready) held = held + 1;
            quiet = (out_next >= OUTS) ? quiet + 1 : 0;
            if (quiet == 40) done = 1'b1;   // time for stray beats to show
        end
        in_fire_seen = s_axis_tvalid === 1'b1 && s_axis_tready === 1'b1 && cyc >= 0;
    end

    initial begin
        wait (done || cyc >= WATCHDOG);
        if (!done) begin
            $display("error: watchdog: %0d of %0d output beats after %0d cycles (%0d of %0d input beats taken)",
                     out_next, OUTS, cyc, in_next, BEATS);
            if (out_next < OUTS) failed = failed + OUTS - out_next;
        end
        $display("cycles %0d; input stalled %0d cycles; output held by back-pressure %0d cycles", cyc, stalls, held);
        $display("%0d passed, %0d failed", passed, failed);
        if (failed != 0) $fatal(1, "potgen_pool_layer_tb: %0d check(s) failed", failed);
        $finish;
    end
endmodule
`default_nettype wire
