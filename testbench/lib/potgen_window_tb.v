// potgen_window_tb: self-checking testbench of the library line buffer and window sequencer.
// Part of potgen.
//
// The bench streams FRAMES random images (C channels of AB bits per pixel, one in eight pixels all
// ones, one in eight all zeros) into the window with random input bubbles, and plays the consumer
// the window is built for: every pixel_done is the push of a pixel into an emulated output FIFO of
// FIFO_DEPTH beats, LAT cycles after the pixel's last step (a consumer's pipeline), and the FIFO
// drains at random, so fifo_count and pixel_done behave as potgen_axis_fifo's and a layer's would.
// The rates change from frame to frame (percent of cycles offering an input beat / popping the
// FIFO, F = steps per pixel): 100/100 (full rate), 55/100 (input bubbles), 100/max(1, 33/F) (a
// consumer three times slower than the window), 35/max(2, 70/F) (both).
//
// Behavioural model, written from the im2col order rather than from the window's taps: the kernel
// is widened to KYP rows of KXP taps, the least multiples of the rows and taps a step spans (TY
// and TX: SIMD = C*T is T taps of a row for T < K, else T/K whole rows) that hold it, so every
// step is a whole run of it; a pixel's im2col vector over it has lanes j = (ky*KXP + kx)*C + c
// (ky < KYP, kx < KXP, c < C), and step n (0..FIN-1, FIN = KYP*KXP*C/SIMD) of each accumulation
// carries lanes n*SIMD .. n*SIMD+SIMD-1, lane l of the step in step_data[l*AB +: AB]. SIMD
// dividing C gives one tap's channel group (KYP = KXP = K). For frame, oy < OH, ox < OW,
// outer < OUTER, n < FIN (in this nesting) one step; with, per lane, iy = oy*S - PAD + ky,
// ix = ox*S - PAD + kx:
//   step_data       channel c of pixel (iy, ix) in each lane, or 0 for a lane outside the map or
//                   past the kernel (ky >= K or kx >= K)
//   step_pad        every lane of the step outside the map or past the kernel
//   step_first/last n = 0 / n = FIN-1
//   step_outer      outer
//   step_pixel_last the pixel's last step; step_frame_last that, on the frame's last pixel
//   step_index      (issued the cycle before step_valid) outer*FIN + n
// Every valid step is one check of all these fields, in order. Also failures, each counted: a
// step_valid without step_issue the cycle before (or the reverse), a step after the last one, and
// a pixel_done into a full FIFO (the window started a pixel without a credit for it). At the end,
// one more check: every input beat was accepted. So N = FRAMES*OH*OW*OUTER*FIN + 1.
// The last line printed is "N passed, N failed"; any failure ends in $fatal, so `vvp -N` exits
// non-zero. A watchdog stops a hung run. Plusarg: +seed=<n> (default 1).
`default_nettype none
module potgen_window_tb;
    parameter integer H          = 5;
    parameter integer W          = 7;
    parameter integer C          = 3;
    parameter integer AB         = 8;
    parameter integer K          = 3;
    parameter integer S          = 1;
    parameter integer PAD        = 1;
    parameter integer SIMD       = 1;
    parameter integer OUTER      = 2;
    parameter integer R          = 2*K + 2*S;
    parameter integer FIFO_DEPTH = 4;
    parameter integer LAT        = 2;        // cycles from a pixel's last step to its pixel_done, 0..15
    parameter integer FRAMES     = 4;
    parameter integer SLIDE      = 0;        // the window's sliding register window (same steps, other timing)

    localparam integer OH       = (H + 2*PAD - K) / S + 1;
    localparam integer OW       = (W + 2*PAD - K) / S + 1;
    localparam integer TSTEP    = (SIMD > C) ? SIMD / C : 1;                 // taps a step spans
    localparam integer KXP      = (TSTEP < K) ? (K + TSTEP - 1) / TSTEP * TSTEP : K;
    localparam integer KYP      = (TSTEP < K) ? K : (K + TSTEP / K - 1) / (TSTEP / K) * (TSTEP / K);
    localparam integer FIN      = KYP * KXP * C / SIMD;   // steps per accumulation
    localparam integer F        = OUTER * FIN;
    localparam integer FB       = (F > 1) ? $clog2(F) : 1;
    localparam integer PB       = (OUTER > 1) ? $clog2(OUTER) : 1;
    localparam integer QB       = $clog2(FIFO_DEPTH) + 1;
    localparam integer STEPS    = FRAMES * OH * OW * F;
    localparam integer BEATS    = FRAMES * H * W;
    localparam integer WATCHDOG = 20 * FRAMES * (H * W + OH * (OW * (F + 8) + K)) + 2000;  // cycles
    localparam integer SHOW_FAILURES = 10;

    reg clk = 1'b0;
    always #5 clk = ~clk;

    reg                 rst_n         = 1'b0;
    reg  [C*AB-1:0]     s_axis_tdata  = {C*AB{1'b0}};
    reg                 s_axis_tvalid = 1'b0;
    wire                s_axis_tready;
    reg  [QB-1:0]       fifo_count    = {QB{1'b0}};
    wire                pixel_done;
    wire                step_issue;
    wire [FB-1:0]       step_index;
    wire                step_valid;
    wire [SIMD*AB-1:0]  step_data;
    wire                step_pad, step_first, step_last, step_pixel_last, step_frame_last;
    wire [PB-1:0]       step_outer;

    potgen_window #(
        .H(H), .W(W), .C(C), .AB(AB), .K(K), .S(S), .PAD(PAD), .SIMD(SIMD), .OUTER(OUTER),
        .R(R), .FIFO_DEPTH(FIFO_DEPTH), .SLIDE(SLIDE)
    ) dut (
        .clk             (clk),
        .rst_n           (rst_n),
        .s_axis_tdata    (s_axis_tdata),
        .s_axis_tvalid   (s_axis_tvalid),
        .s_axis_tready   (s_axis_tready),
        .fifo_count      (fifo_count),
        .pixel_done      (pixel_done),
        .step_issue      (step_issue),
        .step_index      (step_index),
        .step_valid      (step_valid),
        .step_data       (step_data),
        .step_pad        (step_pad),
        .step_first      (step_first),
        .step_last       (step_last),
        .step_outer      (step_outer),
        .step_pixel_last (step_pixel_last),
        .step_frame_last (step_frame_last)
    );

    // ---------------------------------------------------------------- stimulus
    reg [C*AB-1:0] image [0:BEATS-1];    // frame-major, then raster order
    integer seed;
    integer b, k, r;

    function chance(input integer percent);
        chance = ({$random(seed)} % 100) < percent;
    endfunction

    function integer input_percent(input integer frame);
        case (frame % 4)
            0: input_percent = 100;
            1: input_percent = 55;
            2: input_percent = 100;
            default: input_percent = 35;
        endcase
    endfunction

    // A slow consumer pops about three times slower than the window makes pixels (one per F cycles).
    function integer pop_percent(input integer frame);
        case (frame % 4)
            0: pop_percent = 100;
            1: pop_percent = 100;
            2: pop_percent = (33 / F > 1) ? 33 / F : 1;
            default: pop_percent = (70 / F > 2) ? 70 / F : 2;
        endcase
    endfunction

    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        $display("potgen_window_tb: H=%0d W=%0d C=%0d AB=%0d K=%0d S=%0d PAD=%0d SIMD=%0d OUTER=%0d R=%0d FIFO_DEPTH=%0d LAT=%0d FRAMES=%0d seed=%0d",
                 H, W, C, AB, K, S, PAD, SIMD, OUTER, R, FIFO_DEPTH, LAT, FRAMES, seed);
        for (k = 0; k < BEATS; k = k + 1) begin
            for (b = 0; b < C*AB; b = b + 1) begin
                if (b % 32 == 0) r = $random(seed);
                image[k][b] = r[b % 32];
            end
            r = {$random(seed)} % 8;
            if (r == 0) image[k] = {C*AB{1'b1}};
            if (r == 1) image[k] = {C*AB{1'b0}};
        end
    end

    // ---------------------------------------------------------------- input driver and consumer
    integer cyc       = -4;              // cycle number; reset during cycles -4 .. -1
    integer in_next   = 0;               // next input beat to offer
    integer in_frame  = 0;
    integer fcount    = 0;               // emulated output FIFO occupancy
    integer out_frame = 0;               // frame of the next step expected
    integer stalls    = 0, full_cycles = 0, max_count = 0;
    reg     in_fire_seen = 1'b0, push_seen = 1'b0, pop_seen = 1'b0;
    reg     pop_enable   = 1'b0;
    reg     [15:0] done_line = 16'd0;
    wire    pixel_end = step_valid && step_pixel_last;
    assign  pixel_done = (LAT == 0) ? pixel_end : done_line[(LAT > 0 ? LAT - 1 : 0)];

    always @(posedge clk) begin
        cyc <= cyc + 1;
        rst_n <= (cyc >= -1);
        done_line <= (cyc < 0) ? 16'd0 : {done_line[14:0], pixel_end};
        // The FIFO takes this cycle's push and pop.
        fcount = fcount + (push_seen ? 1 : 0) - (pop_seen ? 1 : 0);
        if (fcount > FIFO_DEPTH) fcount = FIFO_DEPTH;   // a push into a full FIFO is lost (and reported)
        fifo_count <= fcount[QB-1:0];
        if (fcount > max_count) max_count = fcount;
        pop_enable <= chance(pop_percent(out_frame));
        // The source keeps an offered beat until it is taken.
        if (in_fire_seen) in_next = in_next + 1;
        in_frame = in_next / (H * W);
        if (cyc < 0) begin
            s_axis_tvalid <= 1'b0;
        end else if (!s_axis_tvalid || in_fire_seen) begin
            if (in_next < BEATS && chance(input_percent(in_frame))) begin
                s_axis_tvalid <= 1'b1;
                s_axis_tdata  <= image[in_next];
            end else begin
                s_axis_tvalid <= 1'b0;
            end
        end
    end

    // ---------------------------------------------------------------- checks (mid-cycle)
    integer passed = 0, failed = 0, steps_seen = 0;
    integer e_frame = 0, e_oy = 0, e_ox = 0, e_outer = 0, e_n = 0;
    integer e_j, e_ky, e_kx, e_c, e_iy, e_ix, e_index, e_pixel, l;
    reg     e_pad, e_first, e_last, e_pixel_last, e_frame_last;
    reg     [SIMD*AB-1:0] e_data;
    reg     issue_seen = 1'b0;
    reg     [FB-1:0] index_seen = {FB{1'b0}};
    reg     ok;
    reg     done = 1'b0;
    integer quiet = 0;

    // The expected step number steps_seen, from the model's counters, lane by lane.
    task expect_step;
        begin
            e_pad = 1'b1;
            for (l = 0; l < SIMD; l = l + 1) begin
                e_j   = e_n * SIMD + l;
                e_c   = e_j % C;
                e_kx  = (e_j / C) % KXP;
                e_ky  = e_j / (C * KXP);
                e_iy  = e_oy * S - PAD + e_ky;
                e_ix  = e_ox * S - PAD + e_kx;
                if (e_ky >= K || e_kx >= K || e_iy < 0 || e_iy >= H || e_ix < 0 || e_ix >= W) begin
                    e_data[l*AB +: AB] = {AB{1'b0}};
                end else begin
                    e_pixel = (e_frame * H + e_iy) * W + e_ix;
                    e_data[l*AB +: AB] = image[e_pixel][e_c*AB +: AB];
                    e_pad = 1'b0;
                end
            end
            // The step's first lane, for the messages.
            e_j  = e_n * SIMD;
            e_c  = e_j % C;
            e_kx = (e_j / C) % KXP;
            e_ky = e_j / (C * KXP);
            e_first = e_n == 0;
            e_last  = e_n == FIN - 1;
            e_pixel_last = e_last && e_outer == OUTER - 1;
            e_frame_last = e_pixel_last && e_ox == OW - 1 && e_oy == OH - 1;
            e_index = e_outer * FIN + e_n;
        end
    endtask

    task advance;
        begin
            e_n = e_n + 1;
            if (e_n == FIN) begin e_n = 0; e_outer = e_outer + 1; end
            if (e_outer == OUTER) begin e_outer = 0; e_ox = e_ox + 1; end
            if (e_ox == OW) begin e_ox = 0; e_oy = e_oy + 1; end
            if (e_oy == OH) begin e_oy = 0; e_frame = e_frame + 1; end
            out_frame = e_frame;
        end
    endtask

    always @(negedge clk) begin
        if (cyc >= 0 && !done) begin
            if (step_valid !== issue_seen) begin
                failed = failed + 1;
                if (failed <= SHOW_FAILURES)
                    $display("error: cycle %0d: step_valid=%b, but step_issue was %b the cycle before", cyc, step_valid, issue_seen);
            end
            if (step_valid === 1'b1) begin
                if (steps_seen >= STEPS) begin
                    failed = failed + 1;
                    if (failed <= SHOW_FAILURES) $display("error: cycle %0d: a step after the last of %0d", cyc, STEPS);
                end else begin
                    expect_step;
                    ok = step_data === e_data && step_pad === e_pad && step_first === e_first && step_last === e_last
                      && step_outer === e_outer[PB-1:0] && step_pixel_last === e_pixel_last
                      && step_frame_last === e_frame_last && index_seen === e_index[FB-1:0];
                    if (ok) begin
                        passed = passed + 1;
                    end else begin
                        failed = failed + 1;
                        if (failed <= SHOW_FAILURES)
                            $display("error: cycle %0d: step %0d (frame %0d, oy %0d, ox %0d, outer %0d, n %0d from ky %0d, kx %0d, c %0d): expected data=%h pad=%b first=%b last=%b outer=%0d pixel_last=%b frame_last=%b index=%0d, got data=%h pad=%b first=%b last=%b outer=%0d pixel_last=%b frame_last=%b index=%0d",
                                     cyc, steps_seen, e_frame, e_oy, e_ox, e_outer, e_n, e_ky, e_kx, e_c,
                                     e_data, e_pad, e_first, e_last, e_outer, e_pixel_last, e_frame_last, e_index,
                                     step_data, step_pad, step_first, step_last, step_outer, step_pixel_last, step_frame_last, index_seen);
                    end
                    advance;
                end
                steps_seen = steps_seen + 1;
            end
            if (pixel_done === 1'b1 && fcount >= FIFO_DEPTH) begin
                failed = failed + 1;
                if (failed <= SHOW_FAILURES)
                    $display("error: cycle %0d: pixel_done into a full FIFO (%0d of %0d): a pixel started without a credit", cyc, fcount, FIFO_DEPTH);
            end
            if (s_axis_tvalid && !s_axis_tready) stalls = stalls + 1;
            if (fcount == FIFO_DEPTH) full_cycles = full_cycles + 1;
            quiet = (steps_seen >= STEPS && in_next == BEATS) ? quiet + 1 : 0;
            if (quiet == 2 * (LAT + 20)) done = 1'b1;   // time for stray steps to show
        end
        issue_seen = step_issue === 1'b1 && cyc >= 0;
        index_seen = step_index;
        in_fire_seen = s_axis_tvalid === 1'b1 && s_axis_tready === 1'b1;
        push_seen = pixel_done === 1'b1 && cyc >= 0;
        pop_seen  = pop_enable && fcount > 0;
    end

    initial begin
        wait (done || cyc >= WATCHDOG);
        if (!done) begin
            $display("error: watchdog: %0d of %0d steps after %0d cycles (%0d of %0d input beats taken)",
                     steps_seen, STEPS, cyc, in_next, BEATS);
            if (steps_seen < STEPS) failed = failed + STEPS - steps_seen;
        end
        if (in_next == BEATS) begin
            passed = passed + 1;
        end else begin
            failed = failed + 1;
            $display("error: %0d of %0d input beats were taken", in_next, BEATS);
        end
        $display("cycles %0d; input stalled %0d cycles; FIFO full %0d cycles, at most %0d of %0d beats",
                 cyc, stalls, full_cycles, max_count, FIFO_DEPTH);
        $display("%0d passed, %0d failed", passed, failed);
        if (failed != 0) $fatal(1, "potgen_window_tb: %0d check(s) failed", failed);
        $finish;
    end
endmodule
`default_nettype wire
