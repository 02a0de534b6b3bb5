// potgen_conv_layer: streaming 2-D convolution + requantisation + ReLU (hand-written library).
// Part of potgen; a generated wrapper sets the parameters and supplies the weight and bias ROMs.
//
// Streams: one beat = one pixel, all channels, channel 0 in the low bits; pixels in raster order.
//   in : C channels of AB_IN unsigned bits;  out: OC channels of AB_OUT unsigned bits, tlast on
//   the last pixel of each frame. Input tlast is not needed: frames are counted.
//
// Arithmetic, per output pixel and channel o (exactly the reference model's):
//   acc   = sum over ky, kx, c of x[oy*S-PAD+ky][ox*S-PAD+kx][c] * w[o][ky][kx][c]   (x = 0 in the padding)
//   y     = saturate_AB_OUT(relu((acc + bias_round[o]) >>> SHIFT))
//   where bias_round = bias + 2^(SHIFT-1) comes from the bias ROM (round half up).
//
// Structure:
//   line buffer  — a ring of R whole input rows; row r of a frame lives at {slot, column}, so
//                  addresses are concatenations, never products. `occ` counts complete rows held
//                  from the oldest row still needed (`base_row`); the input stalls only when the
//                  ring is full, and a frame's unused tail rows are released as they arrive.
//   engine       — for each output pixel, F = PF * K*K * CG fold steps in the loop order
//                  pe-group > ky > kx > simd-group; step f reads ROM word f (PE*SIMD codes) and
//                  SIMD channels of one window pixel, and the PE x SIMD dot array adds them.
//                  A pixel starts only when its rows are in the ring and the output FIFO has room
//                  for every pixel in flight, so back-pressure never stops the pipeline.
//   pipeline     — read (1) | products (1) | adder tree (ceil(log2 SIMD)) | accumulate (1) |
//                  bias add (1) | shift, ReLU, saturate into the FIFO (1).
`default_nettype none
module potgen_conv_layer #(
    parameter integer H          = 8,
    parameter integer W          = 8,
    parameter integer C          = 1,
    parameter integer OC         = 1,
    parameter integer K          = 3,
    parameter integer S          = 1,
    parameter integer PAD        = 0,
    parameter integer PE         = 1,
    parameter integer SIMD       = 1,
    parameter integer AB_IN      = 8,
    parameter integer AB_OUT     = 8,
    parameter integer WB         = 4,
    parameter integer MODE_POT   = 1,
    parameter integer PW         = 16,
    parameter integer SW         = 20,
    parameter integer RQW        = 22,
    parameter integer SHIFT      = 0,
    parameter integer R          = 8,
    parameter integer FIFO_DEPTH = 8,
    // Derived; not to be overridden.
    parameter integer OH_        = (H + 2*PAD - K) / S + 1,
    parameter integer OW_        = (W + 2*PAD - K) / S + 1,
    parameter integer F_         = (OC / PE) * K * K * (C / SIMD),
    parameter integer FB_        = (F_ > 1) ? $clog2(F_) : 1,
    parameter integer PB_        = (OC / PE > 1) ? $clog2(OC / PE) : 1
) (
    input  wire                   clk,
    input  wire                   rst_n,
    input  wire [C*AB_IN-1:0]     s_axis_tdata,
    input  wire                   s_axis_tvalid,
    output wire                   s_axis_tready,
    output wire [OC*AB_OUT-1:0]   m_axis_tdata,
    output wire                   m_axis_tvalid,
    input  wire                   m_axis_tready,
    output wire                   m_axis_tlast,
    // Weight ROM: registered read of word `weight_addr` when `weight_en`.
    output wire [FB_-1:0]         weight_addr,
    output wire                   weight_en,
    input  wire [PE*SIMD*WB-1:0]  weight_q,
    // Bias ROM: registered read of the PE biases (with rounding offset) of group `bias_addr`.
    output wire [PB_-1:0]         bias_addr,
    output wire                   bias_en,
    input  wire [PE*RQW-1:0]      bias_q
);
    // ---------------------------------------------------------------- sizes
    localparam integer OH   = OH_;
    localparam integer OWD  = OW_;
    localparam integer PF   = OC / PE;
    localparam integer CG   = C / SIMD;
    localparam integer FIN  = K * K * CG;
    localparam integer F    = F_;
    localparam integer CB   = (W > 1) ? $clog2(W) : 1;
    localparam integer RB   = (R > 1) ? $clog2(R) : 1;
    localparam integer KB   = (K > 1) ? $clog2(K) : 1;
    localparam integer GB   = (CG > 1) ? $clog2(CG) : 1;
    localparam integer NB   = (FIN > 1) ? $clog2(FIN) : 1;
    localparam integer XB   = (OWD > 1) ? $clog2(OWD) : 1;
    localparam integer YB_O = (OH > 1) ? $clog2(OH) : 1;
    localparam integer YB   = $clog2(2*H + 2*W + 4*K + 4*S + 2*R + 4) + 2;  // signed row/column arithmetic
    localparam integer LV   = (SIMD > 1) ? $clog2(SIMD) : 0;
    localparam integer D    = 1 + LV;                                      // dot-array latency
    localparam integer QB   = $clog2(FIFO_DEPTH) + 1;
    localparam integer CTLW = 5 + PB_;

    // Constants at the widths they are compared with (part-selects keep Verilog-2001 lint clean).
    localparam integer H_I = H, W_I = W, R_I = R, S_I = S, KM1_I = K - 1, PAD_I = PAD, ONE_I = 1, ZERO_I = 0;
    localparam integer W_LAST = W - 1, R_LAST = R - 1, K_LAST = K - 1, CG_LAST = CG - 1, FIN_LAST = FIN - 1;
    localparam integer F_LAST = F - 1, PF_LAST = PF - 1, OW_LAST = OWD - 1, OH_LAST = OH - 1;
    localparam integer DEPTH_I = FIFO_DEPTH;
    localparam signed [YB-1:0] S_H    = H_I[YB-1:0];
    localparam signed [YB-1:0] S_W    = W_I[YB-1:0];
    localparam signed [YB-1:0] S_R    = R_I[YB-1:0];
    localparam signed [YB-1:0] S_S    = S_I[YB-1:0];
    localparam signed [YB-1:0] S_KM1  = KM1_I[YB-1:0];
    localparam signed [YB-1:0] S_PAD  = PAD_I[YB-1:0];
    localparam signed [YB-1:0] S_ONE  = ONE_I[YB-1:0];
    localparam signed [YB-1:0] S_ZERO = ZERO_I[YB-1:0];

    // ---------------------------------------------------------------- line buffer (input side)
    reg  [C*AB_IN-1:0] buffer [0:R*(1 << CB)-1];
    reg  [CB-1:0]      in_col;
    reg  [RB-1:0]      wr_slot;
    reg  signed [YB-1:0] occ;          // complete rows held, counted from base_row (may dip below 0)
    wire               in_fire  = s_axis_tvalid && s_axis_tready;
    wire               row_done = in_fire && (in_col == W_LAST[CB-1:0]);
    assign s_axis_tready = occ < S_R;

    always @(posedge clk) begin
        if (in_fire) buffer[{wr_slot, in_col}] <= s_axis_tdata;
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            in_col  <= {CB{1'b0}};
            wr_slot <= {RB{1'b0}};
        end else if (in_fire) begin
            in_col  <= row_done ? {CB{1'b0}} : in_col + 1'b1;
            if (row_done) wr_slot <= (wr_slot == R_LAST[RB-1:0]) ? {RB{1'b0}} : wr_slot + 1'b1;
        end
    end

    // ---------------------------------------------------------------- engine counters
    reg  [FB_-1:0]       f;
    reg  [NB-1:0]        fin;
    reg  [PB_-1:0]       p;
    reg  [KB-1:0]        ky, kx;
    reg  [GB-1:0]        g;
    reg  [XB-1:0]        ox;
    reg  [YB_O-1:0]      oy;
    reg  signed [YB-1:0] ox_s, oy_s;    // ox*S - PAD, oy*S - PAD
    reg  signed [YB-1:0] base_row;      // oldest row of this frame still held
    reg  [RB-1:0]        base_slot;     // its slot in the ring

    wire signed [YB-1:0] iy = oy_s + $signed({{(YB - KB){1'b0}}, ky});
    wire signed [YB-1:0] ix = ox_s + $signed({{(YB - KB){1'b0}}, kx});
    wire                 pad = iy < S_ZERO || iy >= S_H || ix < S_ZERO || ix >= S_W;
    wire [RB:0]          rel = iy[RB:0] - base_row[RB:0];  // 0..K-1 whenever the pixel is read
    wire [RB:0]          slot_sum = {1'b0, base_slot} + rel;
    wire [RB-1:0]        slot_wrap = slot_sum[RB-1:0] - R_I[RB-1:0];
    wire [RB-1:0]        slot = (slot_sum >= R_I[RB:0]) ? slot_wrap : slot_sum[RB-1:0];

    // A pixel may start once its last needed row is complete and the FIFO has room for it.
    wire signed [YB-1:0] last_needed = (oy_s + S_KM1 < S_H) ? oy_s + S_KM1 : S_H - S_ONE;
    wire                 rows_ready  = occ > last_needed - base_row;
    reg  [QB-1:0]        pending;       // pixels started but not yet in the FIFO
    wire [QB-1:0]        fifo_count;
    wire                 credit_ok   = ({1'b0, pending} + {1'b0, fifo_count}) < DEPTH_I[QB:0];
    wire                 at_start    = f == {FB_{1'b0}};
    wire                 issue       = at_start ? (rows_ready && credit_ok) : 1'b1;
    wire                 pixel_end   = issue && (f == F_LAST[FB_-1:0]);
    wire                 frame_end   = pixel_end && (ox == OW_LAST[XB-1:0]) && (oy == OH_LAST[YB_O-1:0]);

    // Rows released when the engine moves to the next output row (or frame).
    wire signed [YB-1:0] next_oy_s   = oy_s + S_S;
    wire signed [YB-1:0] next_base   = (next_oy_s > S_ZERO) ? next_oy_s : S_ZERO;
    wire                 row_end     = pixel_end && (ox == OW_LAST[XB-1:0]);
    wire signed [YB-1:0] released    = !row_end ? S_ZERO : frame_end ? S_H - base_row : next_base - base_row;
    wire [RB:0]          base_sum    = {1'b0, base_slot} + released[RB:0];
    wire [RB-1:0]        base_wrap   = base_sum[RB-1:0] - R_I[RB-1:0];

    always @(posedge clk) begin
        if (!rst_n) begin
            occ <= S_ZERO;
        end else begin
            occ <= occ + (row_done ? S_ONE : S_ZERO) - released;
        end
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            f <= {FB_{1'b0}}; fin <= {NB{1'b0}}; p <= {PB_{1'b0}};
            ky <= {KB{1'b0}}; kx <= {KB{1'b0}}; g <= {GB{1'b0}};
            ox <= {XB{1'b0}}; oy <= {YB_O{1'b0}};
            ox_s <= -S_PAD; oy_s <= -S_PAD;
            base_row <= S_ZERO; base_slot <= {RB{1'b0}};
        end else if (issue) begin
            f   <= pixel_end ? {FB_{1'b0}} : f + 1'b1;
            fin <= (fin == FIN_LAST[NB-1:0]) ? {NB{1'b0}} : fin + 1'b1;
            if (g != CG_LAST[GB-1:0]) begin
                g <= g + 1'b1;
            end else begin
                g <= {GB{1'b0}};
                if (kx != K_LAST[KB-1:0]) begin
                    kx <= kx + 1'b1;
                end else begin
                    kx <= {KB{1'b0}};
                    if (ky != K_LAST[KB-1:0]) begin
                        ky <= ky + 1'b1;
                    end else begin
                        ky <= {KB{1'b0}};
                        p  <= (p == PF_LAST[PB_-1:0]) ? {PB_{1'b0}} : p + 1'b1;
                    end
                end
            end
            if (pixel_end) begin
                if (ox != OW_LAST[XB-1:0]) begin
                    ox   <= ox + 1'b1;
                    ox_s <= ox_s + S_S;
                end else begin
                    ox   <= {XB{1'b0}};
                    ox_s <= -S_PAD;
                    if (frame_end) begin
                        oy       <= {YB_O{1'b0}};
                        oy_s     <= -S_PAD;
                        base_row <= S_ZERO;
                    end else begin
                        oy       <= oy + 1'b1;
                        oy_s     <= next_oy_s;
                        base_row <= next_base;
                    end
                    base_slot <= (base_sum >= R_I[RB:0]) ? base_wrap : base_sum[RB-1:0];
                end
            end
        end
    end

    // ---------------------------------------------------------------- stage 1: reads
    reg [C*AB_IN-1:0] pixel_q;
    always @(posedge clk) begin
        if (issue && !pad) pixel_q <= buffer[{slot, ix[CB-1:0]}];
    end
    assign weight_addr = f;
    assign weight_en   = issue;

    // Control travelling with the data: {valid, zero (padding), first, last, pixel_last, frame_last, p}
    reg            v1, pad1, first1, last1, pixlast1, framelast1;
    reg [PB_-1:0]  p1;
    always @(posedge clk) begin
        if (!rst_n) v1 <= 1'b0;
        else        v1 <= issue;
        pad1       <= pad;
        first1     <= fin == {NB{1'b0}};
        last1      <= fin == FIN_LAST[NB-1:0];
        pixlast1   <= pixel_end;
        framelast1 <= frame_end;
        p1         <= p;
    end

    // The SIMD channels of group g1 of the pixel read, or zeros in the padding.
    wire [SIMD*AB_IN-1:0] act;
    generate
        if (CG > 1) begin : g_select
            reg  [GB-1:0]         g1;
            wire [SIMD*AB_IN-1:0] groups [0:CG-1];
            always @(posedge clk) g1 <= g;
            genvar gi;
            for (gi = 0; gi < CG; gi = gi + 1) begin : g_group
                assign groups[gi] = pixel_q[gi*SIMD*AB_IN +: SIMD*AB_IN];
            end
            assign act = pad1 ? {SIMD*AB_IN{1'b0}} : groups[g1];
        end else begin : g_whole
            assign act = pad1 ? {SIMD*AB_IN{1'b0}} : pixel_q;
        end
    endgenerate

    // ---------------------------------------------------------------- stages 2..1+D: dot array
    wire [PE*SW-1:0] sums;
    potgen_dot_array #(
        .PE(PE), .SIMD(SIMD), .AB(AB_IN), .WB(WB), .MODE_POT(MODE_POT), .PW(PW), .SW(SW)
    ) u_dot (
        .clk      (clk),
        .in_valid (v1 && !pad1),
        .act      (act),
        .codes    (weight_q),
        .sums     (sums)
    );

    // Padding steps skip the array (operand isolation) and add zero at the accumulator instead.
    reg [CTLW:0] ctl [1:D];
    integer di;
    always @(posedge clk) begin
        ctl[1] <= {(rst_n && v1), pad1, first1, last1, pixlast1, framelast1, p1};
        for (di = 2; di <= D; di = di + 1) ctl[di] <= rst_n ? ctl[di-1] : {(CTLW + 1){1'b0}};
    end
    wire           vd         = ctl[D][CTLW];
    wire           zd         = ctl[D][CTLW-1];
    wire           firstd     = ctl[D][CTLW-2];
    wire           lastd      = ctl[D][CTLW-3];
    wire           pixlastd   = ctl[D][CTLW-4];
    wire           framelastd = ctl[D][PB_];
    wire [PB_-1:0] pd         = ctl[D][PB_-1:0];

    // ---------------------------------------------------------------- accumulate, bias, requantise
    reg  [PE*SW-1:0]  acc;
    reg  [PE*SW-1:0]  total;             // the finished accumulator of each lane
    reg               va, pixlasta, framelasta;
    reg  [PE*RQW-1:0] biased;
    reg               vb, pixlastb, framelastb;
    wire [PE*AB_OUT-1:0] y;
    assign bias_addr = pd;
    assign bias_en   = vd && lastd;

    genvar li;
    generate
        for (li = 0; li < PE; li = li + 1) begin : g_lane
            wire [SW-1:0] term = zd ? {SW{1'b0}} : sums[li*SW +: SW];
            wire [SW-1:0] next = firstd ? term : acc[li*SW +: SW] + term;
            always @(posedge clk) begin
                if (vd) acc[li*SW +: SW] <= next;
                if (vd && lastd) total[li*SW +: SW] <= next;
            end
            wire [RQW-1:0] total_ext;
            if (RQW > SW) begin : g_ext
                assign total_ext = {{(RQW - SW){total[li*SW + SW - 1]}}, total[li*SW +: SW]};
            end else begin : g_same
                assign total_ext = total[li*SW +: RQW];
            end
            always @(posedge clk) begin
                if (va) biased[li*RQW +: RQW] <= total_ext + bias_q[li*RQW +: RQW];
            end
            // Shift, ReLU, saturate.
            wire signed [RQW-1:0] shifted = $signed(biased[li*RQW +: RQW]) >>> SHIFT;
            if (RQW - 1 > AB_OUT) begin : g_sat
                wire over = |shifted[RQW-2:AB_OUT];
                assign y[li*AB_OUT +: AB_OUT] = shifted[RQW-1] ? {AB_OUT{1'b0}}
                                              : over           ? {AB_OUT{1'b1}}
                                              : shifted[AB_OUT-1:0];
            end else if (RQW - 1 == AB_OUT) begin : g_nosat
                assign y[li*AB_OUT +: AB_OUT] = shifted[RQW-1] ? {AB_OUT{1'b0}} : shifted[AB_OUT-1:0];
            end else begin : g_widen
                assign y[li*AB_OUT +: AB_OUT] = shifted[RQW-1] ? {AB_OUT{1'b0}}
                                              : {{(AB_OUT - RQW + 1){1'b0}}, shifted[RQW-2:0]};
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            va <= 1'b0;
            vb <= 1'b0;
        end else begin
            va <= vd && lastd;
            vb <= va;
        end
        pixlasta   <= pixlastd;
        framelasta <= framelastd;
        pixlastb   <= pixlasta;
        framelastb <= framelasta;
    end

    // ---------------------------------------------------------------- output word and FIFO
    wire [OC*AB_OUT-1:0] word;
    wire                 push = vb && pixlastb;
    generate
        if (PF > 1) begin : g_fold
            reg [(PF-1)*PE*AB_OUT-1:0] partial;  // groups 0..PF-2 of the pixel being finished
            reg [PB_-1:0]              group;
            always @(posedge clk) begin
                if (!rst_n) group <= {PB_{1'b0}};
                else if (vb) group <= pixlastb ? {PB_{1'b0}} : group + 1'b1;
            end
            // One enable per group slot: constant part-selects, so no index arithmetic is built.
            genvar gs;
            for (gs = 0; gs < PF - 1; gs = gs + 1) begin : g_slot
                localparam integer GS = gs;
                always @(posedge clk) begin
                    if (vb && !pixlastb && group == GS[PB_-1:0]) partial[gs*PE*AB_OUT +: PE*AB_OUT] <= y;
                end
            end
            assign word = {y, partial};
        end else begin : g_single
            assign word = y;
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) pending <= {QB{1'b0}};
        else        pending <= pending + {{(QB - 1){1'b0}}, issue && at_start} - {{(QB - 1){1'b0}}, push};
    end

    /* verilator lint_off PINCONNECTEMPTY */
    potgen_axis_fifo #(.WIDTH(OC*AB_OUT), .DEPTH(FIFO_DEPTH)) u_out (
        .clk     (clk),
        .rst_n   (rst_n),
        .s_valid (push),
        .s_ready (),                      // always ready for a push: the engine holds credits
        .s_data  (word),
        .s_last  (framelastb),
        .m_valid (m_axis_tvalid),
        .m_ready (m_axis_tready),
        .m_data  (m_axis_tdata),
        .m_last  (m_axis_tlast),
        .count   (fifo_count)
    );
    /* verilator lint_on PINCONNECTEMPTY */
endmodule
`default_nettype wire
